"""What a family member may see of the discharge summary: once it is signed, its outline
(program, dates, how treatment ended, follow-up appointments)."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from recoverypath.consent.family import FamilyEntry, FamilySectionData

from . import selectors


def summary_for_family(client) -> FamilySectionData:
    plan = selectors.plan_for_client(client=client)
    summary = getattr(plan, "summary", None) if plan is not None else None
    if summary is None or not summary.is_signed:
        return FamilySectionData(summary=_("No signed discharge summary yet."))
    content = summary.content or {}
    entries = [
        FamilyEntry(_("Program"), str(content.get("program", ""))),
        FamilyEntry(_("Level of care"), str(content.get("level_of_care", ""))),
        FamilyEntry(
            _("Dates"),
            _("%(start)s to %(end)s")
            % {"start": content.get("episode_start", ""), "end": content.get("episode_end", "")},
        ),
    ]
    if content.get("end_reason"):
        entries.append(FamilyEntry(_("Ended"), str(content["end_reason"]).replace("_", " ")))
    for referral in content.get("appointments", [])[:5]:
        when = referral.get("appointment_at") or _("date to be set")
        label = _("Follow-up: %(provider)s") % {"provider": referral.get("provider", "")}
        entries.append(FamilyEntry(label, when))
    signed = date_format(summary.signed_at, "DATE_FORMAT")
    return FamilySectionData(summary=_("Signed %(date)s.") % {"date": signed}, entries=entries)
