"""The discharge summary: written at graduation as a snapshot, signed by a clinician (then locked),
rendered as HTML and PDF, and shared with a referral provider only when a Part 2 consent allows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from recoverypath.core.audit import Action, audit_record
from recoverypath.core.errors import ConflictError
from recoverypath.core.pdf import pdf_render

from .. import checklist, sources
from ..models import ChecklistItem, DischargePlan, DischargeSummary, Referral
from ..permissions import can_graduate_client

if TYPE_CHECKING:
    from recoverypath.accounts.models import User


def summary_content(*, plan: DischargePlan) -> dict[str, Any]:
    """Everything the summary shows, as JSON-safe data (kept as the signed record's content)."""
    client = plan.client
    episode = plan.episode
    program = plan.program
    zone = ZoneInfo(client.time_zone)
    end = plan.graduated_on or episode.end_date or timezone.now().astimezone(zone).date()
    attendance = sources.attendance_figures(
        client=client, program=program, start=episode.start_date, end=end
    )
    items = {item.kind: item for item in plan.items.all()}
    medication = (items.get(ChecklistItem.Kind.MEDICATION) or ChecklistItem()).data or {}
    referrals = [
        {
            "provider": r.provider.name,
            "kind": r.provider.get_kind_display(),
            "phone": r.provider.phone,
            "address": r.provider.address,
            "status": r.get_status_display(),
            "appointment_at": r.appointment_at.astimezone(zone).strftime("%a %b %-d, %Y %-I:%M %p")
            if r.appointment_at
            else "",
        }
        for r in Referral.objects.filter(client=client)
        .exclude(status__in=[Referral.Status.CANCELLED, Referral.Status.DECLINED])
        .select_related("provider")
        .order_by("appointment_at", "id")
    ]
    aftercare = sources.aftercare_plan_current(client=client)
    safety_plan = sources.safety_plan_current(client=client)
    return {
        "client": {
            "name": f"{client.first_name} {client.last_name}",
            "mrn": client.mrn,
            "date_of_birth": client.date_of_birth.isoformat(),
        },
        "program": program.name,
        "level_of_care": episode.level_name,
        "episode_start": episode.start_date.isoformat(),
        "episode_end": end.isoformat(),
        "target_graduation_date": plan.target_graduation_date.isoformat(),
        "end_reason": episode.end_reason or ("completed" if plan.graduated_on else ""),
        "clinician": str(plan.owner) if plan.owner else "",
        "attendance": {
            k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in attendance.items()
        },
        "scores": sources.scores_at_intake_and_discharge(
            client=client, zone=client.time_zone, start=episode.start_date, end=end
        ),
        "score_window_days": sources.SCORE_WINDOW_DAYS,
        "diagnoses": plan.diagnoses or [],
        "medications": medication.get("medications", []),
        "no_medications": bool(medication.get("no_medications")),
        "prescriber_after_discharge": medication.get("prescriber_after_discharge", ""),
        "next_prescriber_appointment": medication.get("next_appointment_date", ""),
        "supply_until": medication.get("supply_until", ""),
        "checklist": [
            {
                "label": item.get_kind_display(),
                "status": item.get_status_display(),
                "detail": checklist.describe(item),
            }
            for item in sorted(items.values(), key=lambda i: i.position)
        ],
        "aftercare_plan": _describe_aftercare(
            aftercare, items.get(ChecklistItem.Kind.AFTERCARE_PLAN)
        ),
        "appointments": referrals,
        "safety_plan": _describe_safety(safety_plan),
        "crisis_resources": sources.crisis_resources(program=program),
        "override_reason": plan.override_reason,
        "override_open_items": plan.override_open_items,
    }


def _describe_aftercare(aftercare, item: ChecklistItem | None) -> str:
    drafted = (item.data or {}).get("summary", "") if item else ""
    if aftercare is None:
        return drafted
    parts = [
        f"{aftercare.get_length_display()} from {aftercare.start_date:%b %-d, %Y} to "
        f"{aftercare.end_date:%b %-d, %Y}, coordinator check-ins every "
        f"{aftercare.checkin_every_days} days."
    ]
    components = [str(c) for c in aftercare.components.all()]
    if components:
        parts.append("Components: " + "; ".join(components) + ".")
    if aftercare.notes or drafted:
        parts.append(aftercare.notes or drafted)
    return " ".join(parts)


def _describe_safety(safety_plan) -> str:
    if safety_plan is None:
        return ""
    version = getattr(safety_plan, "version", None)
    updated = getattr(safety_plan, "updated_at", None) or getattr(safety_plan, "created_at", None)
    text = "Stanley-Brown safety plan on file"
    if version:
        text += f", version {version}"
    if updated:
        text += f", last reviewed {updated:%b %-d, %Y}"
    return text + "."


def summary_generate(*, actor: User, plan: DischargePlan) -> DischargeSummary:
    """Write (or rewrite, while unsigned) the summary from the record as it is now."""
    if not can_graduate_client(actor, plan.client):
        raise PermissionDenied("Only clinicians and admins write the discharge summary.")
    summary = DischargeSummary.objects.filter(plan=plan).first()
    if summary is not None and summary.is_signed:
        raise ConflictError("The discharge summary is signed and locked.", code="locked")
    content = summary_content(plan=plan)
    with transaction.atomic():
        if summary is None:
            summary = DischargeSummary.objects.create(
                plan=plan, content=content, generated_at=timezone.now()
            )
            action = Action.CREATE
        else:
            summary.content = content
            summary.generated_at = timezone.now()
            summary.save(update_fields=["content", "generated_at"])
            action = Action.UPDATE
        audit_record(
            actor=actor,
            action=action,
            obj=summary,
            client_id=plan.client_id,
            organization_id=plan.organization_id,
        )
    return summary


def summary_sign(*, actor: User, summary: DischargeSummary) -> DischargeSummary:
    """A clinician signs; the content is locked from then on."""
    plan = summary.plan
    if not can_graduate_client(actor, plan.client):
        raise PermissionDenied("Only clinicians and admins sign the discharge summary.")
    with transaction.atomic():
        updated = DischargeSummary.objects.filter(pk=summary.pk, signed_at__isnull=True).update(
            signed_at=timezone.now(),
            signed_by=actor,
            signature_name=(actor.get_full_name() or actor.email)[:200],
        )
        if not updated:
            raise ConflictError("The discharge summary is already signed.", code="locked")
        summary.refresh_from_db()
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=summary,
            client_id=plan.client_id,
            organization_id=plan.organization_id,
            changes={
                "signed_at": [None, summary.signed_at.isoformat() if summary.signed_at else None]
            },
        )
    return summary


def summary_html(*, summary: DischargeSummary, for_pdf: bool = False) -> str:
    from recoverypath.consent.notices import part2_notice

    return render_to_string(
        "discharge/summary_document.html",
        {"summary": summary, "c": summary.content, "for_pdf": for_pdf, "notice": part2_notice()},
    )


def summary_pdf(*, summary: DischargeSummary) -> bytes:
    """The summary as a tagged PDF/UA-1 (core.pdf) on the program's paper, with the Part 2
    notice on every page."""
    return pdf_render(
        summary_html(summary=summary, for_pdf=True), paper_size=summary.plan.program.paper_size
    )


def summary_share(
    *, actor: User, summary: DischargeSummary, referral: Referral, purpose: str = "treatment"
):
    """Send the signed summary to a referral's provider when a Part 2 consent allows it.

    Refuses an unsigned summary (ValidationError), another client's referral, or a disclosure no
    consent allows (DomainError "no_consent": the one consent check, for the "discharge_summary"
    category). Logs the disclosure (audit action "disclose",
    with the notice) and returns the consent.Disclosure row.
    """
    from recoverypath.consent.services import disclosure_record

    plan = summary.plan
    if not can_graduate_client(actor, plan.client):
        raise PermissionDenied("Only clinicians and admins share the discharge summary.")
    if not summary.is_signed:
        raise ValidationError({"summary": "Sign the summary before sharing it."})
    if referral.client_id != plan.client_id:
        raise ValidationError({"referral": "Choose one of this client's referrals."})
    return disclosure_record(
        actor=actor,
        client=plan.client,
        recipient=referral.provider,
        purpose=purpose,
        description=f"Discharge summary ({plan.program.name}) to {referral.provider.name}",
        obj=summary,
        category="discharge_summary",
    )
