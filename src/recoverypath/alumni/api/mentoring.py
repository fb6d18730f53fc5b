"""Mentor matching over JSON: an alumnus volunteers, staff approve the offer, a current client
asks an approved mentor, the mentor agrees and staff approve the pair; only then is the match
active. Both people appear by first name only.

Clients act for themselves (staff and family get 403 on those steps); moderators are
coordinators, clinicians and admins of the program (another program's rows are 404)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from recoverypath.clients.selectors import client_for_user_account
from recoverypath.core.audit import audit_record_clients

from .. import selectors, services
from ..models import MentorMatch, MentorOffer
from .common import (
    ID_PARAM,
    PROGRAM_PARAM,
    own_client,
    own_member,
    program_filter,
    require_moderator,
    valid,
)
from .serializers import (
    AlumniDecisionSerializer,
    MentorAgreeSerializer,
    MentorAskSerializer,
    MentorMatchSerializer,
    MentorNoteSerializer,
    MentorOfferSerializer,
    MentorSerializer,
)


def _audit_offers(request, offers: list[MentorOffer]) -> None:
    audit_record_clients(
        actor=request.user,
        rows=[(offer.member.client_id, str(offer.id)) for offer in offers],
        object_type="alumni.mentoroffer",
    )


def _audit_matches(request, matches: list[MentorMatch]) -> None:
    rows = []
    for match in matches:
        rows += [(match.mentee_id, str(match.id)), (match.offer.member.client_id, str(match.id))]
    audit_record_clients(actor=request.user, rows=rows, object_type="alumni.mentormatch")


class MentorViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The approved mentors a client may ask (clients only): first name and what they offer.
    Paginated."""

    serializer_class = MentorSerializer
    queryset = MentorOffer.objects.none()

    def list(self, request, *args, **kwargs):
        own_client(request.user)
        page = self.paginate_queryset(selectors.mentors_askable(user=request.user))
        _audit_offers(request, page)
        return self.get_paginated_response(MentorSerializer(page, many=True).data)


@extend_schema_view(list=extend_schema(parameters=[PROGRAM_PARAM]))
class MentorOfferViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Offers to mentor: a member lists their own and volunteers; moderators list those awaiting
    a decision in their programs and approve or decline them. Paginated."""

    serializer_class = MentorOfferSerializer
    queryset = MentorOffer.objects.none()

    def list(self, request, *args, **kwargs):
        if selectors.own_member(user=request.user) is None:
            require_moderator(request.user)
        offers = selectors.offers_for(user=request.user, program_id=program_filter(request))
        page = self.paginate_queryset(offers)
        _audit_offers(request, page)
        return self.get_paginated_response(MentorOfferSerializer(page, many=True).data)

    @extend_schema(
        request=MentorNoteSerializer,
        responses={201: MentorOfferSerializer, 200: MentorOfferSerializer},
    )
    def create(self, request):
        """Volunteer as a mentor (active members). An open offer is answered as it is (200)."""
        member = own_member(request.user)
        data = valid(MentorNoteSerializer, request)
        before = selectors.offers_for(user=request.user).filter(status__in=["pending", "approved"])
        existed = before.exists()
        offer = services.mentor_volunteer(actor=request.user, member=member, note=data["note"])
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(MentorOfferSerializer(offer).data, status=code)

    @extend_schema(
        request=AlumniDecisionSerializer, responses=MentorOfferSerializer, parameters=[ID_PARAM]
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Approve or decline an offer (moderators); 400 once decided."""
        require_moderator(request.user)
        offer = selectors.offer_for_moderator(user=request.user, offer_id=int(pk))
        data = valid(AlumniDecisionSerializer, request)
        offer = services.mentor_offer_decide(actor=request.user, offer=offer, **data)
        return Response(MentorOfferSerializer(offer).data)


@extend_schema_view(list=extend_schema(parameters=[PROGRAM_PARAM]))
class MentorMatchViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Mentor matches: a client lists their open ones (as mentee or mentor) and asks a mentor;
    the mentor agrees or declines; moderators list the requests of their programs and approve
    or decline the pair. Paginated, newest first."""

    serializer_class = MentorMatchSerializer
    queryset = MentorMatch.objects.none()

    def list(self, request, *args, **kwargs):
        if client_for_user_account(user=request.user) is None:
            require_moderator(request.user)
        matches = selectors.matches_for(user=request.user, program_id=program_filter(request))
        page = self.paginate_queryset(matches)
        _audit_matches(request, page)
        return self.get_paginated_response(MentorMatchSerializer(page, many=True).data)

    @extend_schema(
        request=MentorAskSerializer,
        responses={201: MentorMatchSerializer, 200: MentorMatchSerializer},
    )
    def create(self, request):
        """Ask an approved mentor (clients; the client's consent). An open request to the same
        mentor is answered as it is (200)."""
        # The body first: an offer out of the caller's reach (any, for staff) is "Not found."
        offer = valid(MentorAskSerializer, request)["offer"]
        client = own_client(request.user)
        existed = selectors.matches_for(user=request.user).filter(offer=offer).exists()
        match = services.mentor_ask(actor=request.user, client=client, offer=offer)
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(MentorMatchSerializer(match).data, status=code)

    @extend_schema(
        request=MentorAgreeSerializer, responses=MentorMatchSerializer, parameters=[ID_PARAM]
    )
    @action(detail=True, methods=["post"])
    def agree(self, request, pk=None):
        """The mentor's answer to a request (the mentor's consent); 400 once settled."""
        own_member(request.user)
        match = selectors.match_for_mentor(user=request.user, match_id=int(pk))
        data = valid(MentorAgreeSerializer, request)
        match = services.mentor_agree(actor=request.user, match=match, **data)
        return Response(MentorMatchSerializer(match).data)

    @extend_schema(
        request=AlumniDecisionSerializer, responses=MentorMatchSerializer, parameters=[ID_PARAM]
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Staff approval of the pair (moderators); 400 once settled."""
        require_moderator(request.user)
        match = selectors.match_for_moderator(user=request.user, match_id=int(pk))
        data = valid(AlumniDecisionSerializer, request)
        match = services.match_approve(actor=request.user, match=match, **data)
        return Response(MentorMatchSerializer(match).data)
