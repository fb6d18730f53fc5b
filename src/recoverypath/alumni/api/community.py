"""Alumni community endpoints: membership (opt in, opt out), the directory of listed members,
asking the care team for help, announcements, events and RSVPs, and staff moderation of members.

Clients act for themselves (staff and family get 403); moderators are coordinators, clinicians
and admins, who see their own programs' community only (another program's rows are 404)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from recoverypath.core.audit import Action, audit_record, audit_record_clients, audit_record_list

from .. import selectors, services
from ..models import Announcement, Event, Member
from .common import (
    ID_PARAM,
    PROGRAM_PARAM,
    own_client,
    own_member,
    program_filter,
    require_member_or_moderator,
    require_moderator,
    valid,
)
from .serializers import (
    AlumniAnnouncementInputSerializer,
    AlumniAnnouncementSerializer,
    AlumniEventInputSerializer,
    AlumniEventSerializer,
    AlumniHelpInputSerializer,
    AlumniHelpRequestSerializer,
    AlumniJoinSerializer,
    AlumniListingSerializer,
    AlumniMembershipSerializer,
    AlumniMemberStaffSerializer,
    AlumniRsvpInputSerializer,
    AlumniRsvpSerializer,
    AlumniSuspendSerializer,
)


def _membership(request, member: Member | None) -> Response:
    client = own_client(request.user)
    if member is not None:
        audit_record(
            actor=request.user,
            action=Action.READ,
            obj=member,
            client_id=member.client_id,
            organization_id=client.organization_id,
        )
    body = {"eligible": services.finished_iop(client), "member": member}
    return Response(AlumniMembershipSerializer(body).data)


class MembershipView(GenericAPIView):
    """The caller's own alumni membership (clients only): whether they may join (IOP finished)
    and, once joined, their status, listing and "about" line."""

    serializer_class = AlumniMembershipSerializer

    @extend_schema(responses=AlumniMembershipSerializer)
    def get(self, request):
        own_client(request.user)
        return _membership(request, selectors.own_member(user=request.user))

    @extend_schema(request=AlumniJoinSerializer, responses=AlumniMembershipSerializer)
    def post(self, request):
        """Join (opt in), or change one's listing and "about" line. 400 before IOP is finished;
        403 while staff have paused the membership."""
        client = own_client(request.user)
        data = valid(AlumniJoinSerializer, request)
        member = services.member_join(actor=request.user, client=client, **data)
        return _membership(request, member)


class LeaveView(GenericAPIView):
    """Leave the community (opt out): unlisted at once, mentor offers withdrawn."""

    serializer_class = AlumniMembershipSerializer

    @extend_schema(request=None, responses=AlumniMembershipSerializer)
    def post(self, request):
        member = services.member_leave(actor=request.user, member=own_member(request.user))
        return _membership(request, member)


class DirectoryView(GenericAPIView):
    """Fellow members who chose to be listed, by first name, for a member who is listed too
    (anyone else sees an empty list: membership is Part 2 information). Paginated."""

    serializer_class = AlumniListingSerializer

    @extend_schema(responses=AlumniListingSerializer(many=True))
    def get(self, request):
        own_client(request.user)
        listings = selectors.directory(member=selectors.own_member(user=request.user))
        page = self.paginate_queryset(listings)
        audit_record_clients(
            actor=request.user,
            rows=[(item.client_id, str(item.member_id)) for item in page],
            object_type="alumni.member",
        )
        return self.get_paginated_response(AlumniListingSerializer(page, many=True).data)


class HelpView(GenericAPIView):
    """Ask for help: an alert to the member's care team, never a post to the community."""

    serializer_class = AlumniHelpRequestSerializer

    @extend_schema(request=AlumniHelpInputSerializer, responses={201: AlumniHelpRequestSerializer})
    def post(self, request):
        member = own_member(request.user)
        data = valid(AlumniHelpInputSerializer, request)
        item = services.help_ask(actor=request.user, member=member, message=data["message"])
        return Response(AlumniHelpRequestSerializer(item).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(parameters=[PROGRAM_PARAM]))
class AnnouncementViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Staff announcements: an active member reads their program's, moderators their programs'
    (and post and take down). Newest first, paginated."""

    serializer_class = AlumniAnnouncementSerializer
    queryset = Announcement.objects.none()

    def get_queryset(self):
        require_member_or_moderator(self.request.user)
        return selectors.announcements_for(
            user=self.request.user, program_id=program_filter(self.request)
        )

    @extend_schema(
        request=AlumniAnnouncementInputSerializer, responses={201: AlumniAnnouncementSerializer}
    )
    def create(self, request):
        require_moderator(request.user)
        data = valid(AlumniAnnouncementInputSerializer, request)
        item = services.announcement_post(actor=request.user, **data)
        return Response(AlumniAnnouncementSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=AlumniAnnouncementSerializer, parameters=[ID_PARAM])
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        """Take an announcement down (moderators)."""
        require_moderator(request.user)
        item = selectors.announcement_for_moderator(user=request.user, item_id=int(pk))
        item = services.announcement_hide(actor=request.user, item=item)
        return Response(AlumniAnnouncementSerializer(item).data)


@extend_schema_view(list=extend_schema(parameters=[PROGRAM_PARAM]))
class EventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Upcoming alumni events (online or in person), soonest first, paginated: an active member
    sees their program's with their own answer (`going`), moderators their programs' with the
    head count; moderators create them, members RSVP."""

    serializer_class = AlumniEventSerializer
    queryset = Event.objects.none()

    def get_queryset(self):
        require_member_or_moderator(self.request.user)
        return selectors.events_for(user=self.request.user, program_id=program_filter(self.request))

    @extend_schema(request=AlumniEventInputSerializer, responses={201: AlumniEventSerializer})
    def create(self, request):
        require_moderator(request.user)
        data = valid(AlumniEventInputSerializer, request)
        event = services.event_create(actor=request.user, **data)
        event.going_count = 0  # a new event: nobody answered yet
        return Response(AlumniEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=AlumniRsvpInputSerializer, responses=AlumniRsvpSerializer, parameters=[ID_PARAM]
    )
    @action(detail=True, methods=["post"])
    def rsvp(self, request, pk=None):
        """The member's answer: going or not (again to change it)."""
        member = own_member(request.user)
        event = selectors.event_for_member(member=member, event_id=int(pk))
        data = valid(AlumniRsvpInputSerializer, request)
        rsvp = services.rsvp_set(actor=request.user, member=member, event=event, **data)
        return Response(AlumniRsvpSerializer(rsvp).data)


@extend_schema_view(list=extend_schema(parameters=[PROGRAM_PARAM]))
class MemberViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The members of the caller's moderated programs (moderators only), by first name;
    suspending one hides them and stops them acting until restored."""

    serializer_class = AlumniMemberStaffSerializer
    queryset = Member.objects.none()

    def get_queryset(self):
        return selectors.members_for_moderator(
            user=self.request.user, program_id=program_filter(self.request)
        )

    def list(self, request, *args, **kwargs):
        require_moderator(request.user)
        page = self.paginate_queryset(self.get_queryset())
        audit_record_list(actor=request.user, objects=page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=AlumniSuspendSerializer,
        responses=AlumniMemberStaffSerializer,
        parameters=[ID_PARAM],
    )
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        require_moderator(request.user)
        member = selectors.member_for_moderator(user=request.user, member_id=int(pk))
        data = valid(AlumniSuspendSerializer, request)
        member = services.member_suspend(actor=request.user, member=member, **data)
        return Response(AlumniMemberStaffSerializer(member).data)
