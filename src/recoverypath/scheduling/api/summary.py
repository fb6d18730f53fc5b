"""API for a client's attendance summary: rate and hours per week vs the program."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from recoverypath.clients.selectors import client_get

from .. import selectors


class WeekHoursSerializer(serializers.Serializer):
    week_start = serializers.DateField()
    hours = serializers.CharField()
    meets_requirement = serializers.BooleanField()
    before_admission = serializers.BooleanField(
        help_text="The week began before the client's admission: not held to the requirement."
    )


class AttendanceSummarySerializer(serializers.Serializer):
    client = serializers.IntegerField()
    recorded = serializers.IntegerField()
    attended = serializers.IntegerField()
    excused = serializers.IntegerField()
    unexcused = serializers.IntegerField()
    rate = serializers.IntegerField(allow_null=True, help_text="Percent of recorded sessions.")
    hours_this_week = serializers.CharField()
    weekly_hours_required = serializers.CharField()
    average_weekly_hours = serializers.CharField(allow_null=True)
    weeks = WeekHoursSerializer(many=True)


class AttendanceSummaryViewSet(viewsets.ViewSet):
    """GET attendance-summary/<client id>/: rate and hours per week vs the program."""

    @extend_schema(
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        responses=AttendanceSummarySerializer,
    )
    def retrieve(self, request, pk=None):
        try:
            client_id = int(pk)
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        client = client_get(user=request.user, client_id=client_id)
        summary = selectors.attendance_summary(client=client)
        return Response(
            {
                "client": client.id,
                "recorded": summary.recorded,
                "attended": summary.attended,
                "excused": summary.excused,
                "unexcused": summary.unexcused,
                "rate": summary.rate,
                "hours_this_week": str(summary.hours_this_week),
                "weekly_hours_required": str(summary.weekly_hours_required),
                "average_weekly_hours": (
                    str(summary.average_weekly_hours)
                    if summary.average_weekly_hours is not None
                    else None
                ),
                "weeks": [
                    {
                        "week_start": w.week_start,
                        "hours": str(w.hours),
                        "meets_requirement": w.meets_requirement,
                        "before_admission": w.before_admission,
                    }
                    for w in summary.weeks
                ],
            }
        )
