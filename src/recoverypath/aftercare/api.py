"""Aftercare plans over JSON: the same services and selectors as the plan pages.

Who may do what mirrors the web pages: coordinators, clinicians and admins of the client's
program manage plans (stepping up to IOP: clinicians and admins); front desk and the client get
403 on a plan; staff of another program or organization get 404."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from recoverypath.care.api import PlacementSerializer, placement_errors_nested
from recoverypath.clients.selectors import client_for_user_account, client_get
from recoverypath.core import permissions
from recoverypath.core.audit import audit_record_list
from recoverypath.core.params import ScopedIdField, id_param
from recoverypath.core.routers import ID_PATTERN, Router

from . import selectors, services
from .models import (
    AftercarePlan,
    AftercarePlanChange,
    ComponentContact,
    CoordinatorCheckIn,
    Goal,
    GoalProgressNote,
    HelpRequest,
    PlanComponent,
)
from .selectors import PlanAdherence

# Output


class PlanComponentSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=PlanComponent.Kind.choices, read_only=True)
    # Blank for every kind but a support group.
    group_type = serializers.ChoiceField(
        choices=PlanComponent.GroupType.choices, read_only=True, allow_blank=True
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
        fields = ["id", "plan", "coordinator", "scheduled_at", "status", "note", "recorded_at"]
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


# Input


class ComponentInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PlanComponent.Kind.choices)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    frequency = serializers.ChoiceField(
        choices=PlanComponent.Frequency.choices, required=False, default="weekly"
    )
    expected_per_week = serializers.DecimalField(
        max_digits=4, decimal_places=2, min_value=0, max_value=14, required=False, default=1
    )
    provider = ScopedIdField(selectors.PROVIDERS, required=False, allow_null=True)
    group_type = serializers.ChoiceField(
        choices=PlanComponent.GroupType.choices, required=False, allow_blank=True
    )
    meeting_schedule = serializers.CharField(max_length=300, required=False, allow_blank=True)
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


class CheckInRecordSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[
            CoordinatorCheckIn.Status.ATTENDED,
            CoordinatorCheckIn.Status.MISSED,
            CoordinatorCheckIn.Status.CANCELLED,
        ]
    )
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


def _valid(serializer_class, request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, context={"request": request}, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


ID_PARAM = OpenApiParameter("id", int, OpenApiParameter.PATH)
GOAL_PARAM = OpenApiParameter("goal_id", int, OpenApiParameter.PATH)
CHECK_IN_PARAM = OpenApiParameter("check_in_id", int, OpenApiParameter.PATH)
STEP_UP_RESPONSE = inline_serializer(
    "AftercareStepUpResult",
    {"plan": AftercarePlanDetailSerializer(), "episode": serializers.IntegerField()},
)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("client", int),
            OpenApiParameter("status", str, enum=AftercarePlan.Status.values),
        ]
    ),
    retrieve=extend_schema(parameters=[ID_PARAM]),
)
class AftercarePlanViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Aftercare plans in the programs where the caller coordinates (coordinators, clinicians,
    admins); a client lists and reads their own plans, components included (another client's
    plan is 404), and changes nothing. Front desk gets 403; staff of other programs see nothing
    of them (404)."""

    queryset = AftercarePlan.objects.none()
    serializer_class = AftercarePlanSerializer
    lookup_value_regex = ID_PATTERN

    def _require_coordinator(self) -> None:
        if not permissions.staff_program_ids(
            self.request.user, min_rank=permissions.Rank.COORDINATOR
        ):
            raise PermissionDenied("Aftercare plans are for coordinators and clinicians.")

    def get_object(self) -> AftercarePlan:
        plan = selectors.plan_get(user=self.request.user, plan_id=self.kwargs["pk"])
        if not permissions.can_coordinate(self.request.user, plan.client):
            raise PermissionDenied("Aftercare plans are for coordinators and clinicians.")
        return plan

    def _detail(self, plan: AftercarePlan, code: int = status.HTTP_200_OK) -> Response:
        adherence = selectors.adherence_for_plans(plans=[plan])
        data = AftercarePlanDetailSerializer(plan, context={"adherence": adherence}).data
        return Response(data, status=code)

    def list(self, request, *args, **kwargs):
        own = selectors.plan_list_own(user=request.user)
        if own is None:
            self._require_coordinator()
        plan_status = request.query_params.get("status", "")
        if plan_status and plan_status not in AftercarePlan.Status.values:
            raise serializers.ValidationError(
                {"status": [f"Choose one of: {', '.join(AftercarePlan.Status.values)}."]}
            )
        client_id = id_param(request.query_params, "client")
        if own is not None:
            queryset = own.filter(status=plan_status) if plan_status else own
            if client_id:
                queryset = queryset.filter(client_id=client_id)
        else:
            queryset = selectors.plan_list(
                user=request.user, client_id=client_id, status=plan_status
            )
        page = self.paginate_queryset(queryset)
        audit_record_list(actor=request.user, objects=page)
        adherence = selectors.adherence_for_plans(plans=page)
        data = AftercarePlanSerializer(page, many=True, context={"adherence": adherence}).data
        return self.get_paginated_response(data)

    @extend_schema(responses=AftercarePlanDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        """The plan; for its own client, the client's view (AftercarePlanOwnSerializer)."""
        plan = selectors.plan_get(user=request.user, plan_id=self.kwargs["pk"])
        if permissions.is_client_user(request.user, plan.client):
            adherence = selectors.adherence_for_plans(plans=[plan])
            return Response(AftercarePlanOwnSerializer(plan, context={"adherence": adherence}).data)
        if not permissions.can_coordinate(request.user, plan.client):
            raise PermissionDenied("Aftercare plans are for coordinators and clinicians.")
        return self._detail(plan)

    @extend_schema(request=PlanStartSerializer, responses={201: AftercarePlanDetailSerializer})
    def create(self, request, *args, **kwargs):
        """Start a plan (as at graduation). 400 when the client already has an open plan."""
        self._require_coordinator()
        data = _valid(PlanStartSerializer, request)
        client = client_get(user=request.user, client_id=data.pop("client"))
        if data.get("end_date") is None:
            data.pop("end_date", None)
            data.setdefault("months", 3)
        else:
            data.setdefault("months", None)
        plan = services.aftercare_plan_start(actor=request.user, client=client, **data)
        return self._detail(
            selectors.plan_get(user=request.user, plan_id=plan.id, audit=False), 201
        )

    @extend_schema(
        request=ExtendSerializer, responses=AftercarePlanDetailSerializer, parameters=[ID_PARAM]
    )
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        plan = self.get_object()
        data = _valid(ExtendSerializer, request)
        return self._detail(services.aftercare_plan_extend(actor=request.user, plan=plan, **data))

    @extend_schema(request=StepUpSerializer, responses=STEP_UP_RESPONSE, parameters=[ID_PARAM])
    @action(detail=True, methods=["post"], url_path="step-up")
    def step_up(self, request, pk=None):
        """Back to IOP: a new IOP episode opens and the plan pauses. Clinicians and admins."""
        plan = self.get_object()
        if not permissions.can_act_clinically(request.user, plan.client):
            raise PermissionDenied("Only clinicians and admins step a client up to IOP.")
        data = _valid(StepUpSerializer, request)
        answers = data.get("placement_answers")
        with placement_errors_nested():
            episode = services.aftercare_plan_step_up(
                actor=request.user,
                plan=plan,
                reason=data["reason"],
                placement_answers=dict(answers) if answers is not None else None,
                placement_override_reason=data.get("placement_override_reason", ""),
            )
        plan.refresh_from_db()
        adherence = selectors.adherence_for_plans(plans=[plan])
        body = AftercarePlanDetailSerializer(plan, context={"adherence": adherence}).data
        return Response({"plan": body, "episode": episode.id})

    @extend_schema(
        request=ReasonSerializer, responses=AftercarePlanDetailSerializer, parameters=[ID_PARAM]
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        plan = self.get_object()
        data = _valid(ReasonSerializer, request)
        return self._detail(
            services.aftercare_plan_complete(actor=request.user, plan=plan, note=data["reason"])
        )

    @extend_schema(
        request=ReasonSerializer, responses=AftercarePlanDetailSerializer, parameters=[ID_PARAM]
    )
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        plan = self.get_object()
        data = _valid(ReasonSerializer, request)
        return self._detail(
            services.aftercare_plan_resume(actor=request.user, plan=plan, note=data["reason"])
        )

    @extend_schema(
        request=ComponentInputSerializer,
        responses={201: PlanComponentSerializer},
        parameters=[ID_PARAM],
    )
    @action(detail=True, methods=["post"])
    def components(self, request, pk=None):
        plan = self.get_object()
        data = _valid(ComponentInputSerializer, request)
        component = services.component_add(actor=request.user, plan=plan, **data)
        return Response(PlanComponentSerializer(component).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ContactInputSerializer,
        responses={201: ComponentContactSerializer},
        parameters=[ID_PARAM],
    )
    @action(detail=True, methods=["post"])
    def contacts(self, request, pk=None):
        """Log that a component happened (or was missed) on a day; counts toward adherence."""
        plan = self.get_object()
        data = _valid(ContactInputSerializer, request)
        component = plan.components.filter(active=True, pk=data["component"]).first()
        if component is None:
            raise serializers.ValidationError({"component": ["No such component in this plan."]})
        contact = services.component_contact_log(
            actor=request.user,
            component=component,
            day=data["date"],
            attended=data["attended"],
            note=data["note"],
        )
        return Response(ComponentContactSerializer(contact).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=GoalInputSerializer, responses={201: GoalSerializer}, parameters=[ID_PARAM]
    )
    @action(detail=True, methods=["post"])
    def goals(self, request, pk=None):
        plan = self.get_object()
        data = _valid(GoalInputSerializer, request)
        goal = services.goal_add(actor=request.user, plan=plan, **data)
        return Response(GoalSerializer(goal).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=GoalNoteInputSerializer,
        responses={201: GoalProgressNoteSerializer},
        parameters=[ID_PARAM, GOAL_PARAM],
    )
    @action(detail=True, methods=["post"], url_path=rf"goals/(?P<goal_id>{ID_PATTERN})/notes")
    def goal_notes(self, request, pk=None, goal_id=None):
        """A progress note on a goal, optionally changing the goal's status."""
        plan = self.get_object()
        goal = selectors.goal_get(plan=plan, goal_id=goal_id)
        data = _valid(GoalNoteInputSerializer, request)
        entry = services.goal_progress_add(
            actor=request.user,
            goal=goal,
            note=data["note"],
            day=data.get("date"),
            status=data.get("status"),
        )
        return Response(GoalProgressNoteSerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CheckInScheduleSerializer,
        responses={201: CoordinatorCheckInSerializer},
        parameters=[ID_PARAM],
    )
    @action(detail=True, methods=["post"], url_path="check-ins")
    def check_ins(self, request, pk=None):
        """Schedule an extra coordinator check-in (the plan schedules the regular ones)."""
        plan = self.get_object()
        data = _valid(CheckInScheduleSerializer, request)
        item = services.coordinator_check_in_schedule(
            actor=request.user, plan=plan, at=data["scheduled_at"]
        )
        return Response(CoordinatorCheckInSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CheckInRecordSerializer,
        responses=CoordinatorCheckInSerializer,
        parameters=[ID_PARAM, CHECK_IN_PARAM],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=rf"check-ins/(?P<check_in_id>{ID_PATTERN})/record",
    )
    def check_in_record(self, request, pk=None, check_in_id=None):
        """Record how a coordinator check-in went: attended, missed or cancelled. An attended or
        missed one schedules the next per the plan's cadence."""
        plan = self.get_object()
        item = selectors.check_in_get(plan=plan, check_in_id=check_in_id)
        data = _valid(CheckInRecordSerializer, request)
        item = services.coordinator_check_in_record(
            actor=request.user, check_in=item, status=data["status"], note=data["note"]
        )
        return Response(CoordinatorCheckInSerializer(item).data)


class HelpRequestInputSerializer(serializers.Serializer):
    key = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="Any id of this press from the client's app: the same key twice is one press.",
    )


class HelpRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = HelpRequest
        fields = ["id", "created_at", "alert", "staff_told", "contacts_texted"]
        read_only_fields = fields


class HelpRequestViewSet(viewsets.GenericViewSet):
    """ "I need help now" from the client's own app: a critical alert to their care team at once,
    texts to the contacts they chose; the answer says who was told. Clients only (403 else)."""

    serializer_class = HelpRequestSerializer
    queryset = HelpRequest.objects.none()

    @extend_schema(request=HelpRequestInputSerializer, responses={201: HelpRequestSerializer})
    def create(self, request):
        own = client_for_user_account(user=request.user)
        if own is None:
            raise PermissionDenied("Only a client asks for help here, for themself.")
        data = _valid(HelpRequestInputSerializer, request)
        item = services.help_request_record(
            actor=request.user, client=own, submission_key=data["key"]
        )
        return Response(HelpRequestSerializer(item).data, status=status.HTTP_201_CREATED)


router = Router()
router.register("aftercare-plans", AftercarePlanViewSet, basename="aftercare-plan")
router.register("help-requests", HelpRequestViewSet, basename="help-request")

urlpatterns = [path("", include(router.urls))]
