"""Aftercare plans over JSON: what goes out (plans, components, goals, check-ins) and what
comes in (plan start, extension, step-up, contacts, goal notes, check-ins)."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from recoverypath.care.api import PlacementSerializer
from recoverypath.core.modality import Modality, SupportGroupTag
from recoverypath.core.params import ScopedIdField

from .. import selectors
from ..models import (
    AftercarePlan,
    AftercarePlanChange,
    ComponentContact,
    CoordinatorCheckIn,
    ExternalProvider,
    Goal,
    GoalProgressNote,
    PlanComponent,
)
from ..selectors import PlanAdherence


class PlanComponentSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=PlanComponent.Kind.choices, read_only=True)
    # Blank for every kind but a support group.
    group_type = serializers.ChoiceField(
        choices=PlanComponent.GroupType.choices, read_only=True, allow_blank=True
    )
    tags = serializers.ListField(
        child=serializers.ChoiceField(choices=SupportGroupTag.choices), read_only=True
    )

    class Meta:
        model = PlanComponent
        fields = [
            "id",
            "kind",
            "title",
            "frequency",
            "expected_per_week",
            "provider",
            "group_type",
            "meeting_schedule",
            "tags",
            "residence",
            "move_in_date",
            "prescriber",
            "next_visit",
            "details",
            "active",
        ]
        read_only_fields = fields


class ComponentAdherenceSerializer(serializers.Serializer):
    component = serializers.IntegerField(source="component.id")
    expected = serializers.FloatField()
    attended = serializers.IntegerField()
    missed = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)


class PlanAdherenceSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    percent = serializers.IntegerField(allow_null=True)
    components = ComponentAdherenceSerializer(many=True)


class GoalProgressNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = GoalProgressNote
        fields = ["id", "goal", "date", "note", "author", "created_at"]
        read_only_fields = fields


class GoalSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    notes = GoalProgressNoteSerializer(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = ["id", "description", "target_date", "status", "notes", "created_at"]
        read_only_fields = fields


class CoordinatorCheckInSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)

    class Meta:
        model = CoordinatorCheckIn
        fields = [
            "id",
            "plan",
            "coordinator",
            "scheduled_at",
            "modality",
            "join_url",
            "call_details",
            "status",
            "note",
            "recorded_at",
        ]
        read_only_fields = fields


class ComponentContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = ComponentContact
        fields = ["id", "component", "date", "attended", "note", "recorded_by", "created_at"]
        read_only_fields = fields


class PlanChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = AftercarePlanChange
        fields = ["from_status", "to_status", "note", "actor", "changed_at"]
        read_only_fields = fields


class AftercarePlanSerializer(serializers.ModelSerializer):
    """A plan as a list row: the plan's facts and its adherence over the last 14 days."""

    client_name = serializers.CharField(source="client.display_name", read_only=True)
    status = serializers.ChoiceField(choices=AftercarePlan.Status.choices, read_only=True)
    adherence_percent = serializers.SerializerMethodField()

    class Meta:
        model = AftercarePlan
        fields = [
            "id",
            "client",
            "client_name",
            "program",
            "episode",
            "coordinator",
            "length",
            "start_date",
            "end_date",
            "status",
            "checkin_every_days",
            "notes",
            "adherence_percent",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_adherence_percent(self, plan: AftercarePlan) -> int | None:
        adherence = self.context.get("adherence", {}).get(plan.id)
        return adherence.percent if adherence else None


class AftercarePlanDetailSerializer(AftercarePlanSerializer):
    """The plan page: components with adherence, goals with progress notes, coordinator
    check-ins (upcoming, and the last 20 past ones) and the plan's history."""

    components = serializers.SerializerMethodField()
    adherence = serializers.SerializerMethodField()
    goals = serializers.SerializerMethodField()
    upcoming_check_ins = serializers.SerializerMethodField()
    past_check_ins = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    class Meta(AftercarePlanSerializer.Meta):
        fields = [
            *AftercarePlanSerializer.Meta.fields,
            "components",
            "adherence",
            "goals",
            "upcoming_check_ins",
            "past_check_ins",
            "history",
        ]
        read_only_fields = fields

    def _adherence(self, plan: AftercarePlan) -> PlanAdherence:
        return self.context["adherence"][plan.id]

    @extend_schema_field(PlanComponentSerializer(many=True))
    def get_components(self, plan: AftercarePlan):
        return PlanComponentSerializer(
            [c.component for c in self._adherence(plan).components], many=True
        ).data

    @extend_schema_field(PlanAdherenceSerializer)
    def get_adherence(self, plan: AftercarePlan):
        return PlanAdherenceSerializer(self._adherence(plan)).data

    @extend_schema_field(GoalSerializer(many=True))
    def get_goals(self, plan: AftercarePlan):
        return GoalSerializer(plan.goals.prefetch_related("notes"), many=True).data

    @extend_schema_field(CoordinatorCheckInSerializer(many=True))
    def get_upcoming_check_ins(self, plan: AftercarePlan):
        return CoordinatorCheckInSerializer(selectors.check_ins_upcoming(plan=plan), many=True).data

    @extend_schema_field(CoordinatorCheckInSerializer(many=True))
    def get_past_check_ins(self, plan: AftercarePlan):
        return CoordinatorCheckInSerializer(
            selectors.check_ins_past(plan=plan)[:20], many=True
        ).data

    @extend_schema_field(PlanChangeSerializer(many=True))
    def get_history(self, plan: AftercarePlan):
        return PlanChangeSerializer(plan.history.all(), many=True).data


class AftercarePlanOwnSerializer(AftercarePlanDetailSerializer):
    """A client's own plan: its facts, components with adherence, goals and the coordinator
    check-ins to come. The coordinators' working record (past check-in notes, plan history)
    stays on the staff view."""

    class Meta(AftercarePlanDetailSerializer.Meta):
        fields = [
            *AftercarePlanSerializer.Meta.fields,
            "components",
            "adherence",
            "goals",
            "upcoming_check_ins",
        ]
        read_only_fields = fields


class ExternalProviderSerializer(serializers.ModelSerializer):
    modalities = serializers.ListField(
        child=serializers.ChoiceField(choices=Modality.choices),
        required=False,
        help_text="How they see clients; `telehealth` follows it (true when video is listed).",
    )
    telehealth = serializers.BooleanField(
        required=False, help_text="Older flag: true adds video to the modalities, false removes it."
    )

    class Meta:
        model = ExternalProvider
        fields = [
            "id",
            "organization",
            "name",
            "kind",
            "services",
            "address",
            "phone",
            "telehealth",
            "modalities",
            "accepted_insurance",
            "accepting_new_clients",
        ]
        read_only_fields = ["id", "organization"]


# Input


class ComponentInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PlanComponent.Kind.choices)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    frequency = serializers.ChoiceField(
        choices=PlanComponent.Frequency.choices, required=False, default="weekly"
    )
    expected_per_week = serializers.DecimalField(
        max_digits=4,
        decimal_places=2,
        min_value=0,
        max_value=14,
        required=False,
        default=Decimal(1),
    )
    provider = ScopedIdField(selectors.PROVIDERS, required=False, allow_null=True)
    group_type = serializers.ChoiceField(
        choices=PlanComponent.GroupType.choices, required=False, allow_blank=True
    )
    meeting_schedule = serializers.CharField(max_length=300, required=False, allow_blank=True)
    tags = serializers.ListField(
        child=serializers.ChoiceField(choices=SupportGroupTag.choices),
        required=False,
        help_text="Support groups: who it is for and how it meets.",
    )
    residence = serializers.CharField(max_length=200, required=False, allow_blank=True)
    move_in_date = serializers.DateField(required=False, allow_null=True)
    prescriber = serializers.CharField(max_length=200, required=False, allow_blank=True)
    next_visit = serializers.DateField(required=False, allow_null=True)
    details = serializers.CharField(required=False, allow_blank=True)


class GoalInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=300)
    target_date = serializers.DateField(required=False, allow_null=True)


class PlanStartSerializer(serializers.Serializer):
    """`months` (1-24, default 3) or a custom `end_date`; components and goals are optional."""

    client = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    months = serializers.IntegerField(min_value=1, max_value=24, required=False)
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    checkin_every_days = serializers.IntegerField(min_value=1, max_value=60, default=14)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    components = ComponentInputSerializer(many=True, required=False)
    goals = GoalInputSerializer(many=True, required=False)


class ExtendSerializer(serializers.Serializer):
    end_date = serializers.DateField()
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class StepUpSerializer(ReasonSerializer):
    """Back to IOP runs the IOP admission check: `placement_answers` as for enrollment
    (POST /api/v1/episodes/), and `placement_override_reason` when it warns."""

    placement_answers = PlacementSerializer(required=False, allow_null=True)
    placement_override_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000
    )


class ContactInputSerializer(serializers.Serializer):
    component = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    date = serializers.DateField()
    attended = serializers.BooleanField(default=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class GoalNoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)
    status = serializers.ChoiceField(choices=Goal.Status.choices, required=False)
    date = serializers.DateField(required=False, allow_null=True)


class CheckInScheduleSerializer(serializers.Serializer):
    scheduled_at = serializers.DateTimeField()
    modality = serializers.ChoiceField(choices=Modality.choices, default=Modality.IN_PERSON)
    join_url = serializers.URLField(
        required=False, allow_blank=True, default="", help_text="Required for video: https."
    )
    call_details = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )


class CheckInRecordSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[
            CoordinatorCheckIn.Status.ATTENDED,
            CoordinatorCheckIn.Status.MISSED,
            CoordinatorCheckIn.Status.CANCELLED,
        ]
    )
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


def valid_input(serializer_class, request, **kwargs) -> dict:
    """The request body checked by `serializer_class` (a 400 in the one error shape if not)."""
    serializer = serializer_class(data=request.data, context={"request": request}, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
