"""Aftercare plans over JSON: the same services and selectors as the plan pages.

Who may do what mirrors the web pages: coordinators, clinicians and admins of the client's
program manage plans (stepping up to IOP: clinicians and admins); front desk and the client get
403 on a plan; staff of another program or organization get 404."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from recoverypath.care.api import placement_errors_nested
from recoverypath.clients.selectors import client_get, own_client_get
from recoverypath.core import permissions
from recoverypath.core.audit import audit_record_list
from recoverypath.core.params import id_param
from recoverypath.core.routers import ID_PATTERN

from .. import selectors, services
from ..models import AftercarePlan
from ..my_plan import my_plan_get
from ..permissions import can_manage_aftercare_plan, can_step_up_to_iop
from .my_plan import MyPlanSerializer
from .serializers import (
    AftercarePlanDetailSerializer,
    AftercarePlanOwnSerializer,
    AftercarePlanSerializer,
    CheckInRecordSerializer,
    CheckInScheduleSerializer,
    ComponentContactSerializer,
    ComponentInputSerializer,
    ContactInputSerializer,
    CoordinatorCheckInSerializer,
    ExtendSerializer,
    GoalInputSerializer,
    GoalNoteInputSerializer,
    GoalProgressNoteSerializer,
    GoalSerializer,
    PlanComponentSerializer,
    PlanStartSerializer,
    ReasonSerializer,
    StepUpSerializer,
)
from .serializers import valid_input as _valid

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

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
        # IsAuthenticated (the API default) lets only signed-in users this far.
        user = cast("User", self.request.user)
        plan = selectors.plan_get(user=user, plan_id=self.kwargs["pk"])
        if not can_manage_aftercare_plan(user, plan.client):
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
        if not can_manage_aftercare_plan(request.user, plan.client):
            raise PermissionDenied("Aftercare plans are for coordinators and clinicians.")
        return self._detail(plan)

    @extend_schema(responses=MyPlanSerializer)
    @action(detail=False, methods=["get"])
    def mine(self, request):
        """The caller's own open plan as "My plan" shows it on their phone (`plan` null when
        there is none). Clients only: 404 for anyone without a client record."""
        client = own_client_get(user=request.user)
        return Response(MyPlanSerializer(my_plan_get(user=request.user, client=client)).data)

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
        if not can_step_up_to_iop(request.user, plan.client):
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
            actor=request.user,
            plan=plan,
            at=data["scheduled_at"],
            modality=data["modality"],
            join_url=data["join_url"],
            call_details=data["call_details"],
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
