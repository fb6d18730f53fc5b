"""The client's own plan over JSON, as "My plan" shows it (GET /api/v1/aftercare-plans/mine/):
components with their details and this week in words, goals with the latest progress note,
coordinator check-ins to come in the client's zone, and what to do next."""

from __future__ import annotations

from rest_framework import serializers

from ..models import AftercarePlan, PlanComponent


class MyProviderSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    address = serializers.CharField()
    telehealth = serializers.BooleanField()


class MyComponentWeekSerializer(serializers.Serializer):
    done = serializers.IntegerField(help_text="Attended this week (Monday to today).")
    missed = serializers.IntegerField()
    expected = serializers.IntegerField(help_text="Expected in a whole week; 0 when not counted.")
    words = serializers.CharField(help_text='E.g. "2 of 3 meetings this week".')


class MyComponentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="component.id")
    kind = serializers.ChoiceField(choices=PlanComponent.Kind.choices, source="component.kind")
    kind_display = serializers.CharField(source="component.get_kind_display")
    title = serializers.CharField(source="component.title")
    schedule = serializers.CharField(help_text='E.g. "3 times a week".')
    group_type = serializers.ChoiceField(
        choices=PlanComponent.GroupType.choices, allow_blank=True, source="component.group_type"
    )
    meeting_schedule = serializers.CharField(source="component.meeting_schedule")
    provider = MyProviderSerializer(source="component.provider", allow_null=True)
    residence = serializers.CharField(source="component.residence")
    move_in_date = serializers.DateField(source="component.move_in_date", allow_null=True)
    prescriber = serializers.CharField(source="component.prescriber")
    next_visit = serializers.DateField(source="component.next_visit", allow_null=True)
    details = serializers.CharField(source="component.details")
    this_week = MyComponentWeekSerializer(source="*")


class MyGoalNoteSerializer(serializers.Serializer):
    date = serializers.DateField()
    note = serializers.CharField()


class MyGoalSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="goal.id")
    description = serializers.CharField(source="goal.description")
    # One of Goal.Status (open, achieved, dropped); a plain string as in GoalSerializer.
    status = serializers.CharField(source="goal.status")
    status_display = serializers.CharField(source="goal.get_status_display")
    target_date = serializers.DateField(source="goal.target_date", allow_null=True)
    overdue = serializers.BooleanField(help_text="Open and past its target date.")
    latest_note = MyGoalNoteSerializer(allow_null=True)


class MyCheckInSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="check_in.id")
    scheduled_at = serializers.DateTimeField(source="at", help_text="In the client's zone.")
    day = serializers.CharField(help_text='E.g. "Monday, June 22, 2026".')
    time = serializers.CharField(help_text='E.g. "10:30 a.m.".')


class MyNextStepSerializer(serializers.Serializer):
    text = serializers.CharField()
    url = serializers.CharField(allow_blank=True, help_text="Where to do it, when there is a page.")


class MyPlanFactsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=AftercarePlan.Status.choices)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    coordinator_name = serializers.SerializerMethodField()

    def get_coordinator_name(self, plan: AftercarePlan) -> str:
        coordinator = plan.coordinator
        return (coordinator.get_full_name() or str(coordinator)) if coordinator else ""


class MyPlanSerializer(serializers.Serializer):
    """`plan` is null when the client has no open plan (and every list is then empty)."""

    plan = MyPlanFactsSerializer(allow_null=True)
    starts_on = serializers.DateField(
        allow_null=True, help_text="The plan's first day while it is still to come."
    )
    today = serializers.DateField(help_text="The client's local today.")
    week_start = serializers.DateField(help_text="Monday of this week, in the client's zone.")
    components = MyComponentSerializer(many=True)
    goals = MyGoalSerializer(many=True)
    upcoming_check_ins = MyCheckInSerializer(many=True, source="check_ins_local")
    next_steps = MyNextStepSerializer(many=True)
