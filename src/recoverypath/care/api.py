"""API for episodes of care: enroll (with the IOP admission check), step up/down, finish."""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from recoverypath.accounts.selectors import PROGRAMS
from recoverypath.clients.selectors import CLIENTS
from recoverypath.core.audit import audit_record_list
from recoverypath.core.openapi import SingleObjectSchema
from recoverypath.core.params import ScopedIdField, id_param
from recoverypath.core.routers import Router

from . import levels, selectors, services
from .models import EpisodeOfCare, EpisodeStatusChange, Track
from .placement import QUESTION_NAMES, QUESTIONS


class HistorySerializer(serializers.ModelSerializer):
    class Meta:
        model = EpisodeStatusChange
        fields = ["from_status", "to_status", "reason", "actor", "changed_at"]
        read_only_fields = fields


class PlacementSerializer(serializers.Serializer):
    """The IOP admission check's answers; which are required is the service's rule (the
    withdrawal follow-up only after needs_withdrawal_management is true)."""

    needs_withdrawal_management = serializers.BooleanField(required=False, allow_null=True)
    withdrawal_needs_24h_care = serializers.BooleanField(required=False, allow_null=True)
    living_environment_unsafe = serializers.BooleanField(required=False, allow_null=True)
    acute_safety_risk = serializers.BooleanField(required=False, allow_null=True)
    can_attend_hours = serializers.BooleanField(required=False, allow_null=True)


@contextmanager
def placement_errors_nested():
    """A service's refusal of a placement answer, named as the API's field path
    (`placement_answers.<question>`), so an API caller sees where the answer goes."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {
                (f"placement_answers.{k}" if k in QUESTION_NAMES else k): v
                for k, v in exc.message_dict.items()
            }
        ) from exc


class EpisodeSerializer(serializers.ModelSerializer):
    client = ScopedIdField(CLIENTS)
    program = ScopedIdField(PROGRAMS, required=False)
    level_name = serializers.CharField(read_only=True)
    placement_answers = PlacementSerializer(required=False, allow_null=True, write_only=True)
    placement = serializers.JSONField(source="placement_answers", read_only=True)
    history = HistorySerializer(many=True, read_only=True)

    class Meta:
        model = EpisodeOfCare
        fields = [
            "id",
            "client",
            "program",
            "level_code",
            "edition",
            "level_name",
            "status",
            "track",
            "start_date",
            "planned_end_date",
            "end_date",
            "end_reason",
            "previous_episode",
            "transition_reason",
            "placement_answers",
            "placement",
            "placement_warnings",
            "placement_override_reason",
            "history",
        ]
        read_only_fields = [
            "id",
            "status",
            "end_date",
            "end_reason",
            "previous_episode",
            "transition_reason",
            "placement_warnings",
            "history",
            "level_name",
        ]
        extra_kwargs = {"start_date": {"required": False}}
        validators: list = []  # one active episode per program is the service's rule (and the DB's)


class TransitionSerializer(serializers.Serializer):
    """A move into IOP (step down from PHP, step up from aftercare) needs `placement_answers`,
    and a warning needs `placement_override_reason`."""

    level_code = serializers.CharField(max_length=16)
    reason = serializers.CharField()
    on_date = serializers.DateField(required=False)
    track = serializers.ChoiceField(choices=Track.choices, required=False)
    placement_answers = PlacementSerializer(required=False, allow_null=True)
    placement_override_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000
    )


class FinishSerializer(serializers.Serializer):
    end_reason = serializers.CharField()
    end_date = serializers.DateField(required=False)


class EpisodeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Episodes of care of the clients the caller may see; filter with ?client=<id>.

    POST / enrolls (clinicians and admins); IOP needs `placement_answers`, and a warning needs
    `placement_override_reason`. POST transition/ steps up or down; POST finish/ closes."""

    serializer_class = EpisodeSerializer

    @extend_schema(parameters=[OpenApiParameter("client", int), OpenApiParameter("status", str)])
    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        audit_record_list(actor=request.user, objects=page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_queryset(self):
        qs = selectors.episode_queryset_for_user(user=self.request.user).prefetch_related("history")
        if client_id := id_param(self.request.query_params, "client"):
            qs = qs.filter(client_id=client_id)
        if status_ := self.request.query_params.get("status"):
            qs = qs.filter(status=status_)
        return qs.order_by("client_id", "start_date", "id")

    def get_object(self):
        return selectors.episode_get(user=self.request.user, episode_id=self.kwargs["pk"])

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        answers = data.pop("placement_answers", None)
        with placement_errors_nested():
            serializer.instance = services.episode_start(
                actor=self.request.user,
                placement_answers=dict(answers) if answers is not None else None,
                **data,
            )

    @extend_schema(request=TransitionSerializer, responses=EpisodeSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        answers = data.pop("placement_answers", None)
        with placement_errors_nested():
            new = services.episode_transition(
                actor=request.user,
                episode=self.get_object(),
                placement_answers=dict(answers) if answers is not None else None,
                **data,
            )
        return Response(
            EpisodeSerializer(new, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=FinishSerializer, responses=EpisodeSerializer)
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        serializer = FinishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        episode = services.episode_finish(
            actor=request.user, episode=self.get_object(), **serializer.validated_data
        )
        return Response(EpisodeSerializer(episode, context={"request": request}).data)


class LevelSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    short = serializers.CharField()
    min_weekly_hours = serializers.CharField(allow_null=True)


class QuestionSerializer(serializers.Serializer):
    name = serializers.CharField()
    text = serializers.CharField()
    asked_if = serializers.DictField(
        allow_null=True, help_text="Asked only after this answer: {question, answer}."
    )


class LevelTableSerializer(serializers.Serializer):
    edition = serializers.CharField()
    levels = LevelSerializer(many=True)
    placement_questions = QuestionSerializer(many=True)


class LevelViewSet(viewsets.ViewSet):
    """The levels of care table (ASAM), by edition, and the IOP placement questions."""

    schema = SingleObjectSchema()  # one table, not a list of tables

    @extend_schema(
        parameters=[OpenApiParameter("edition", str, enum=["3", "4"])],
        responses=LevelTableSerializer,
    )
    def list(self, request):
        edition = request.query_params.get("edition", levels.DEFAULT_EDITION)
        return Response(
            {
                "edition": edition,
                "levels": [
                    {
                        "code": lv.code,
                        "name": lv.name,
                        "short": lv.short,
                        "min_weekly_hours": (
                            str(lv.min_weekly_hours) if lv.min_weekly_hours else None
                        ),
                    }
                    for lv in sorted(levels.LEVELS.values(), key=lambda lv: lv.rank)
                    if lv.edition == edition
                ],
                "placement_questions": [
                    {
                        "name": q.name,
                        "text": q.text,
                        "asked_if": (
                            {"question": q.asked_if[0], "answer": q.asked_if[1]}
                            if q.asked_if
                            else None
                        ),
                    }
                    for q in QUESTIONS
                ],
            }
        )


router = Router()
router.register("episodes", EpisodeViewSet, basename="episode")
router.register("levels-of-care", LevelViewSet, basename="level-of-care")

urlpatterns = [path("", include(router.urls))]
