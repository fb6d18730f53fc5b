"""Codes, systems and small builders every mapper shares."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

    from ..record import ClientRecord

LOINC = "http://loinc.org"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
PROVENANCE_AGENT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
RP = "urn:recoverypath"

# 42 CFR Part 2: everything a SUD program holds about a client is Part 2 information.
PART2_LABEL = {"system": ACT_CODE, "code": "42CFRPart2", "display": "42 CFR Part2"}

ATTENDED = ("present", "late", "left_early")
EPISODE_STATUS = {
    "planned": "planned",
    "active": "active",
    "finished": "finished",
    "cancelled": "cancelled",
}
CAREPLAN_STATUS = {
    "active": "active",
    "paused": "on-hold",
    "completed": "completed",
    "cancelled": "revoked",
}
GOAL_STATUS = {"open": "active", "achieved": "completed", "dropped": "cancelled"}
GOAL_ACHIEVEMENT = {"open": "in-progress", "achieved": "achieved", "dropped": "not-achieved"}
CONSENT_PURPOSE = {
    "treatment": ("TREAT", "treatment"),
    "payment": ("HPAYMT", "healthcare payment"),
    "health_care_operations": ("HOPERAT", "healthcare operations"),
    "care_coordination": ("CAREMGT", "care management"),
    "family_involvement": ("FAMRQT", "family requested"),
    "patient_request": ("PATRQT", "patient requested"),
}


def instant(value: datetime | date | None) -> str | None:
    """An ISO instant in UTC (dates become their midnight UTC), or None."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min, tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def meta(updated: datetime | date | None) -> dict[str, Any]:
    meta: dict[str, Any] = {"security": [PART2_LABEL]}
    if updated is not None:
        meta["lastUpdated"] = instant(updated)
    return meta


def patient_ref(record: ClientRecord) -> dict[str, str]:
    return {"reference": f"Patient/{record.client.id}"}


def rid(record: ClientRecord, local: str) -> str:
    return f"{record.client.id}-{local}"


def person(user: User | None) -> dict[str, str] | None:
    """A staff member as a display-only reference (Practitioners are not served)."""
    if user is None:
        return None
    name = f"{user.first_name} {user.last_name}".strip() or user.email
    return {"display": name}


def concept(text: str, coding: list[dict[str, str]] | None = None) -> dict[str, Any]:
    concept: dict[str, Any] = {"text": text}
    if coding:
        concept["coding"] = coding
    return concept


def answer_value(value: Any) -> dict[str, Any] | None:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    return None


def survey_category() -> list[dict[str, Any]]:
    return [
        concept("Survey", [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}])
    ]
