"""The rewards API: awards (list scoped to the caller's programs or the client's own; create =
verify and reward), a client's summary, redemptions. Front desk, other programs and other
organizations see nothing."""

from __future__ import annotations

from django.http import Http404
from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from recoverypath.clients.selectors import CLIENTS, client_get
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.params import AuditedListMixin, IdField, ScopedIdField, id_param
from recoverypath.core.routers import Router

from . import selectors, services
from .models import Award, Behaviour, Redemption
from .permissions import can_award_rewards


class AwardSerializer(serializers.ModelSerializer):
    client = serializers.IntegerField(source="client_id", read_only=True)
    behaviour = serializers.ChoiceField(choices=Behaviour.choices, read_only=True)
    outcome = serializers.ChoiceField(choices=Award.Outcome.choices, read_only=True)

    class Meta:
        model = Award
        fields = [
            "id",
            "client",
            "behaviour",
            "source_id",
            "occurred_on",
            "outcome",
            "level",
            "draws",
            "draw_results",
            "seed",
            "earned",
            "amount",
            "capped",
            "created_at",
        ]
        read_only_fields = fields


class AwardInputSerializer(serializers.Serializer):
    client = ScopedIdField(CLIENTS)
    behaviour = serializers.ChoiceField(choices=Behaviour.choices)
    source_id = IdField(help_text="The collection, session, check-in or coordinator check-in.")


class RedemptionSerializer(serializers.ModelSerializer):
    client = serializers.IntegerField(source="client_id", read_only=True)

    class Meta:
        model = Redemption
        fields = ["id", "client", "amount", "item", "created_at"]
        read_only_fields = ["id", "client", "created_at"]


class NextRewardSerializer(serializers.Serializer):
    behaviour = serializers.ChoiceField(choices=Behaviour.choices)
    # An output field named "label" shadows Field.label in the DRF stubs.
    label = serializers.CharField()  # type: ignore[assignment]
    amount = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    draws = serializers.IntegerField(allow_null=True)


class SummarySerializer(serializers.Serializer):
    active = serializers.BooleanField()
    earned_in_year = serializers.DecimalField(max_digits=8, decimal_places=2)
    earned_total = serializers.DecimalField(max_digits=9, decimal_places=2)
    redeemed_total = serializers.DecimalField(max_digits=9, decimal_places=2)
    balance = serializers.DecimalField(max_digits=9, decimal_places=2)
    cap = serializers.DecimalField(max_digits=8, decimal_places=2)
    cap_left = serializers.DecimalField(max_digits=8, decimal_places=2)
    next_rewards = NextRewardSerializer(many=True)
    redemptions = RedemptionSerializer(many=True)


CLIENT_PARAM = OpenApiParameter("client", int, description="Only this client's rows.")
ID_PARAM = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The client's id.")


class AwardViewSet(
    AuditedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Rewards for verified behaviours (and misses that reset a streak)."""

    serializer_class = AwardSerializer
    queryset = Award.objects.none()

    def get_queryset(self):
        qs = selectors.award_queryset_for_user(user=self.request.user)
        client_id = id_param(self.request.query_params, "client")
        return qs.filter(client_id=client_id) if client_id else qs

    @extend_schema(parameters=[CLIENT_PARAM])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def retrieve(self, request, *args, **kwargs):
        award = self.get_object()
        audit_record(
            actor=request.user,
            action=Action.READ,
            obj=award,
            client_id=award.client_id,
            organization_id=award.client.organization_id,
        )
        return Response(self.get_serializer(award).data)

    @extend_schema(
        request=AwardInputSerializer,
        responses={
            201: AwardSerializer,
            200: AwardSerializer,
            204: OpenApiResponse(description="The program rewards nothing for this behaviour."),
        },
    )
    def create(self, request):
        data = AwardInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        client = values.pop("client")
        if not can_award_rewards(request.user, client):
            raise Http404
        award = services.award_record(actor=request.user, client=client, **values)
        if award is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(AwardSerializer(award).data, status=status.HTTP_201_CREATED)


class ClientRewardsViewSet(viewsets.GenericViewSet):
    """A client's reward totals, what comes next, and redemptions."""

    serializer_class = SummarySerializer
    queryset = Award.objects.none()

    def _client(self, pk):
        client = client_get(user=self.request.user, client_id=int(pk))
        summary_allowed = selectors.can_read_rewards(self.request.user, client)
        if not summary_allowed:
            raise Http404
        return client

    @extend_schema(parameters=[ID_PARAM], responses=SummarySerializer)
    def retrieve(self, request, pk=None):
        client = self._client(pk)
        summary = selectors.client_summary(user=request.user, client=client)
        return Response(SummarySerializer(summary).data)

    @extend_schema(
        parameters=[ID_PARAM], request=RedemptionSerializer, responses={201: RedemptionSerializer}
    )
    @action(detail=True, methods=["post"])
    def redemptions(self, request, pk=None):
        client = self._client(pk)
        data = RedemptionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.redemption_record(actor=request.user, client=client, **data.validated_data)
        return Response(RedemptionSerializer(item).data, status=status.HTTP_201_CREATED)


router = Router()
router.register("reward-awards", AwardViewSet, basename="reward-award")
router.register("client-rewards", ClientRewardsViewSet, basename="client-rewards")

urlpatterns = [path("", include(router.urls))]
