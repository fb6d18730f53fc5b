"""The discharge checklist: which items every plan has, and what "done" means for each.

Each item keeps structured data (`ChecklistItem.data`); `validate_done(kind, data, ...)` checks that
the data an item needs before it can be marked done is there and consistent, and returns it cleaned.
Errors are a dict {field: message} for ValidationError.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .models import ChecklistItem

Kind = ChecklistItem.Kind

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
PEER_GROUPS = {"aa": "AA", "na": "NA", "smart": "SMART Recovery", "other": "Other"}
LIVING = {"stable": "Stable", "sober_living": "Sober living", "unsafe": "Unsafe"}
FAMILY = {"sessions_held": "Family sessions held", "declined": "Declined by the client"}
FIRST_APPOINTMENT_WINDOW_DAYS = 7


@dataclass(frozen=True)
class ItemSpec:
    kind: str
    position: int
    owner_role: str  # "clinician" (plan owner) or "coordinator" (client's coordinator)
    due: str  # "start+N" days after the episode starts, or "target-N" days before graduation
    required: bool = True

    def due_date(self, *, start: date, target: date) -> date:
        anchor, days = self.due.split("+") if "+" in self.due else self.due.split("-")
        if anchor == "start":
            return start + timedelta(days=int(days))
        return target - timedelta(days=int(days))


SPECS: list[ItemSpec] = [
    ItemSpec(Kind.LIVING_SITUATION, 1, "clinician", "start+7"),
    ItemSpec(Kind.SAFETY_PLAN, 2, "clinician", "start+7"),
    ItemSpec(Kind.BARRIERS, 3, "clinician", "start+14"),
    ItemSpec(Kind.PEER_SUPPORT, 4, "coordinator", "start+14"),
    ItemSpec(Kind.FAMILY, 5, "clinician", "start+21"),
    ItemSpec(Kind.MEDICATION, 6, "clinician", "target-14"),
    ItemSpec(Kind.AFTERCARE_PLAN, 7, "coordinator", "target-14"),
    ItemSpec(Kind.FIRST_APPOINTMENT, 8, "coordinator", "target-7"),
    # Offered at graduation at the latest (graduation offers it), so never blocks it.
    ItemSpec(Kind.ALUMNI, 9, "coordinator", "target-0", required=False),
]


def _text(value: Any) -> str:
    return str(value or "").strip()


def _date(value: Any, field: str, errors: dict[str, str]) -> date | None:
    if isinstance(value, date):
        return value
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[field] = "Enter a date as YYYY-MM-DD."
        return None


def _living(data: dict, errors: dict, **_: Any) -> dict:
    situation = _text(data.get("situation"))
    plan = _text(data.get("plan"))
    if situation not in LIVING:
        errors["situation"] = "Choose stable, sober living or unsafe."
    elif situation != "stable" and not plan:
        errors["plan"] = "A living situation that is not stable needs a plan."
    out: dict[str, Any] = {"situation": situation, "plan": plan}
    if data.get("sober_living_provider_id"):
        out["sober_living_provider_id"] = int(data["sober_living_provider_id"])
    return out


def _barriers(data: dict, errors: dict, **_: Any) -> dict:
    rows = [
        {"barrier": _text(row.get("barrier")), "plan": _text(row.get("plan"))}
        for row in data.get("barriers") or []
        if isinstance(row, dict) and (_text(row.get("barrier")) or _text(row.get("plan")))
    ]
    if not rows:
        errors["barriers"] = "Name at least one barrier to sobriety."
    for index, row in enumerate(rows, start=1):
        if not row["barrier"]:
            errors["barriers"] = f"Barrier {index}: say what the barrier is."
        elif not row["plan"]:
            errors["barriers"] = f"Barrier {index} ({row['barrier']}): needs a plan."
    return {"barriers": rows}


def _peer(data: dict, errors: dict, **_: Any) -> dict:
    groups = []
    for index, row in enumerate(data.get("groups") or [], start=1):
        if not isinstance(row, dict):
            continue
        kind = _text(row.get("kind")).lower()
        days = [
            d for d in WEEKDAYS if d in [str(x).lower()[:3] for x in row.get("meeting_days", [])]
        ]
        name = _text(row.get("name"))
        if kind not in PEER_GROUPS:
            errors["groups"] = f"Group {index}: choose AA, NA, SMART Recovery or other."
        elif kind == "other" and not name:
            errors["groups"] = f"Group {index}: name the group."
        elif not days:
            errors["groups"] = f"Group {index}: choose the meeting days."
        groups.append({"kind": kind, "name": name, "meeting_days": days})
    if not groups and "groups" not in errors:
        errors["groups"] = "Choose at least one peer support group with its meeting days."
    return {"groups": groups}


def _family(data: dict, errors: dict, *, client, consent_check, **_: Any) -> dict:
    involvement = _text(data.get("involvement"))
    receives = bool(data.get("family_receives_information"))
    out: dict[str, Any] = {"involvement": involvement, "family_receives_information": receives}
    if involvement not in FAMILY:
        errors["involvement"] = "Say whether family sessions were held or declined."
    if involvement == "sessions_held":
        try:
            sessions = int(data.get("sessions") or 0)
        except (TypeError, ValueError):
            sessions = 0
        if sessions < 1:
            errors["sessions"] = "Give the number of family sessions held."
        out["sessions"] = sessions
    if receives:
        contact = consent_check.get("contact")
        out["contact_id"] = getattr(contact, "id", None)
        if contact is None:
            errors["contact_id"] = "Choose the family member who will receive information."
        else:
            consent = consent_check.get("consent")
            if consent is None:
                errors["contact_id"] = (
                    f"No active Part 2 consent on file lets {contact.name} receive information."
                )
            else:
                out["consent_id"] = consent.id
    return out


def _medication(data: dict, errors: dict, **_: Any) -> dict:
    none = bool(data.get("no_medications"))
    meds = [
        {"name": _text(m.get("name")), "dose": _text(m.get("dose"))}
        for m in data.get("medications") or []
        if isinstance(m, dict) and _text(m.get("name"))
    ]
    out: dict[str, Any] = {"no_medications": none, "medications": [] if none else meds}
    if none:
        return out
    if not meds:
        errors["medications"] = "List the current medications, or mark that there are none."
    prescriber = _text(data.get("prescriber_after_discharge"))
    if not prescriber:
        errors["prescriber_after_discharge"] = "Name the prescriber after discharge."
    next_on = _date(data.get("next_appointment_date"), "next_appointment_date", errors)
    supply = _date(data.get("supply_until"), "supply_until", errors)
    if next_on is None and "next_appointment_date" not in errors:
        errors["next_appointment_date"] = "Give the date of the next prescriber appointment."
    if supply is None and "supply_until" not in errors:
        errors["supply_until"] = "Give the date the current supply lasts until."
    if next_on and supply and supply < next_on:
        errors["supply_until"] = (
            f"The supply runs out on {supply:%b %-d}, before the next appointment on "
            f"{next_on:%b %-d}: arrange a bridge prescription."
        )
    out.update(
        prescriber_after_discharge=prescriber,
        next_appointment_date=next_on.isoformat() if next_on else "",
        supply_until=supply.isoformat() if supply else "",
    )
    return out


def _first_appointment(data: dict, errors: dict, *, referral=None, target=None, tz=None, **_: Any):
    if referral is None:
        errors["referral_id"] = "Choose the referral whose first appointment is booked."
        return {}
    if referral.appointment_at is None or referral.status not in (
        referral.Status.BOOKED,
        referral.Status.ATTENDED,
    ):
        errors["referral_id"] = "That referral has no booked appointment yet."
        return {"referral_id": referral.id}
    day = referral.appointment_at.astimezone(tz).date()
    latest = target + timedelta(days=FIRST_APPOINTMENT_WINDOW_DAYS)
    if day > latest:
        errors["referral_id"] = (
            f"The appointment on {day:%b %-d} is more than {FIRST_APPOINTMENT_WINDOW_DAYS} days "
            f"after graduation ({target:%b %-d}): book one by {latest:%b %-d}."
        )
    return {
        "referral_id": referral.id,
        "provider": referral.provider.name,
        "appointment_at": referral.appointment_at.isoformat(),
    }


def _safety(data: dict, errors: dict, *, safety_plan=None, **_: Any) -> dict:
    if safety_plan is None:
        errors["safety_plan"] = "No current safety plan is on file for this client."
        return {}
    return {"safety_plan_id": safety_plan.pk}


def _aftercare(data: dict, errors: dict, *, aftercare_plan=None, **_: Any) -> dict:
    summary = _text(data.get("summary"))
    if aftercare_plan is None and not summary:
        errors["summary"] = "Draft the aftercare plan (or summarise it here)."
    out: dict[str, Any] = {"summary": summary}
    if aftercare_plan is not None:
        out["aftercare_plan_id"] = aftercare_plan.pk
    return out


def _alumni(data: dict, errors: dict, **_: Any) -> dict:
    offered = _date(data.get("offered_on"), "offered_on", errors)
    if offered is None and "offered_on" not in errors:
        errors["offered_on"] = "Give the date the alumni network was offered."
    return {"offered_on": offered.isoformat() if offered else ""}


VALIDATORS: dict[str, Callable[..., dict]] = {
    Kind.LIVING_SITUATION: _living,
    Kind.BARRIERS: _barriers,
    Kind.PEER_SUPPORT: _peer,
    Kind.FAMILY: _family,
    Kind.MEDICATION: _medication,
    Kind.FIRST_APPOINTMENT: _first_appointment,
    Kind.SAFETY_PLAN: _safety,
    Kind.AFTERCARE_PLAN: _aftercare,
    Kind.ALUMNI: _alumni,
}


def validate_done(kind: str, data: dict, **context: Any) -> tuple[dict, dict[str, str]]:
    """(cleaned data, errors) for marking an item of `kind` done with `data`."""
    errors: dict[str, str] = {}
    cleaned = VALIDATORS[kind](data if isinstance(data, dict) else {}, errors, **context)
    return cleaned, errors


def describe(item: ChecklistItem) -> str:
    """One line a person reads: what the item records."""
    d = item.data or {}
    kind = item.kind
    if kind == Kind.LIVING_SITUATION and d.get("situation"):
        text = LIVING.get(d["situation"], d["situation"])
        return f"{text}: {d['plan']}" if d.get("plan") else text
    if kind == Kind.BARRIERS and d.get("barriers"):
        return "; ".join(f"{b['barrier']} → {b['plan']}" for b in d["barriers"])
    if kind == Kind.PEER_SUPPORT and d.get("groups"):
        return "; ".join(
            f"{g['name'] or PEER_GROUPS.get(g['kind'], g['kind'])} "
            f"({', '.join(x.title() for x in g['meeting_days'])})"
            for g in d["groups"]
        )
    if kind == Kind.FAMILY and d.get("involvement"):
        text = FAMILY.get(d["involvement"], d["involvement"])
        if d.get("sessions"):
            text += f" ({d['sessions']})"
        if d.get("family_receives_information"):
            text += ", consent on file" if d.get("consent_id") else ", consent missing"
        return text
    if kind == Kind.MEDICATION and (d.get("medications") or d.get("no_medications")):
        if d.get("no_medications"):
            return "No current medications"
        meds = ", ".join(f"{m['name']} {m['dose']}".strip() for m in d["medications"])
        return (
            f"{meds}; prescriber {d.get('prescriber_after_discharge')}, next appointment "
            f"{d.get('next_appointment_date')}, supply until {d.get('supply_until')}"
        )
    if kind == Kind.FIRST_APPOINTMENT and item.referral_id is not None:
        return first_appointment_in_words(item)
    if kind == Kind.FIRST_APPOINTMENT and d.get("provider"):
        return f"{d['provider']}, {d.get('appointment_at', '')[:16].replace('T', ' ')}"
    if kind == Kind.AFTERCARE_PLAN and d.get("summary"):
        return d["summary"]
    if kind == Kind.ALUMNI and d.get("offered_on"):
        return f"Offered {d['offered_on']}"
    return ""


def first_appointment_in_words(item: ChecklistItem) -> str:
    """The referral's appointment as it is now (a rebooking shows), in the program's zone:
    "Dr. Fernsby, Fri Jun 12, 2026 10:00 AM EDT"."""
    referral = item.referral
    if referral is None:
        return ""
    text = referral.provider.name
    if referral.appointment_at is not None:
        local = referral.appointment_at.astimezone(ZoneInfo(item.plan.program.time_zone))
        text += f", {local:%a %b} {local.day}, {local:%Y} {local:%-I:%M %p %Z}"
    if referral.status not in (referral.Status.BOOKED, referral.Status.ATTENDED):
        text += f" ({referral.get_status_display().lower()})"
    return text
