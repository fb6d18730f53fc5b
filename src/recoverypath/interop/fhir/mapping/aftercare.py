"""CarePlan for the aftercare plan (components as activities), with Goal."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.goal import Goal
from fhir.resources.R4B.resource import Resource

from ..record import ClientRecord
from .common import (
    CAREPLAN_STATUS,
    GOAL_ACHIEVEMENT,
    GOAL_STATUS,
    RP,
    concept,
    instant,
    meta,
    patient_ref,
    rid,
)


def care_plans(record: ClientRecord) -> Iterator[Resource]:
    for plan in record.aftercare_plans:
        activities = []
        for component in plan.components.all():
            detail: dict[str, Any] = {
                "code": concept(component.get_kind_display()),
                "status": "in-progress" if component.active else "stopped",
                "description": component.title or component.get_kind_display(),
            }
            if component.provider_id:
                detail["performer"] = [{"display": component.provider.name}]
            activities.append({"detail": detail})
        data: dict[str, Any] = {
            "id": rid(record, f"cp{plan.id}"),
            "meta": meta(plan.updated_at),
            "status": CAREPLAN_STATUS.get(plan.status, "unknown"),
            "intent": "plan",
            "category": [
                concept("Aftercare plan", [{"system": f"{RP}:careplan", "code": "aftercare"}])
            ],
            "title": f"Aftercare plan ({plan.get_length_display()})",
            "subject": patient_ref(record),
            "period": {"start": plan.start_date.isoformat(), "end": plan.end_date.isoformat()},
            "created": instant(plan.created_at),
        }
        goals = [
            {"reference": f"Goal/{rid(record, f'goal{goal.id}')}"} for goal in plan.goals.all()
        ]
        if goals:
            data["goal"] = goals
        if activities:
            data["activity"] = activities
        if plan.episode_id and any(e.id == plan.episode_id for e in record.episodes):
            data["supportingInfo"] = [
                {"reference": f"EpisodeOfCare/{rid(record, f'ep{plan.episode_id}')}"}
            ]
        yield CarePlan.model_validate(data)


def goals(record: ClientRecord) -> Iterator[Resource]:
    for plan in record.aftercare_plans:
        for goal in plan.goals.all():
            data: dict[str, Any] = {
                "id": rid(record, f"goal{goal.id}"),
                "meta": meta(goal.updated_at),
                "lifecycleStatus": GOAL_STATUS.get(goal.status, "active"),
                "achievementStatus": concept(
                    goal.get_status_display(),
                    [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/goal-achievement",
                            "code": GOAL_ACHIEVEMENT.get(goal.status, "in-progress"),
                        }
                    ],
                ),
                "description": concept(goal.description),
                "subject": patient_ref(record),
                "startDate": goal.created_at.date().isoformat(),
            }
            if goal.target_date:
                data["target"] = [{"dueDate": goal.target_date.isoformat()}]
            yield Goal.model_validate(data)
