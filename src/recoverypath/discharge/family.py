"""What a family member may see of the discharge summary: once it is signed, its outline
(program, dates, how treatment ended, follow-up appointments)."""

from __future__ import annotations

from recoverypath.consent.family import FamilyEntry, FamilySectionData

from . import selectors


def summary_for_family(client) -> FamilySectionData:
    plan = selectors.plan_for_client(client=client)
    summary = getattr(plan, "summary", None) if plan is not None else None
    if summary is None or not summary.is_signed:
        return FamilySectionData(summary="No signed discharge summary yet.")
    content = summary.content or {}
    entries = [
        FamilyEntry("Program", str(content.get("program", ""))),
        FamilyEntry("Level of care", str(content.get("level_of_care", ""))),
        FamilyEntry(
            "Dates", f"{content.get('episode_start', '')} to {content.get('episode_end', '')}"
        ),
    ]
    if content.get("end_reason"):
        entries.append(FamilyEntry("Ended", str(content["end_reason"]).replace("_", " ")))
    for referral in content.get("appointments", [])[:5]:
        when = referral.get("appointment_at") or "date to be set"
        entries.append(FamilyEntry(f"Follow-up: {referral.get('provider', '')}", when))
    return FamilySectionData(summary=f"Signed {summary.signed_at:%b %-d, %Y}.", entries=entries)
