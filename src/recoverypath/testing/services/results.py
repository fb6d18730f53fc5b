"""Analyte results arriving after the collection (a lab's confirmation replacing the screen),
sending a presumptive positive for confirmation, and the medications that make a positive
expected."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from recoverypath.core.audit import Action

from ..catalog import ANALYTES, DRUG_SPECIMENS
from ..models import AnalyteResult, Collection, PrescribedMedication
from ._common import actor_or_none, audit, parse_date, require_manage
from .evaluation import KIND_BRAC, KIND_INVALID, KIND_POSITIVE, collection_evaluate
from .judging import expected_analytes, local_day, result_clean

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client

# The alert kinds a collection or a later result raises (apps.py registers them from here).
__all__ = [
    "KIND_BRAC",
    "KIND_INVALID",
    "KIND_POSITIVE",
    "medication_add",
    "result_record",
    "result_send_for_confirmation",
]


def result_record(*, actor: User, collection: Collection, **data: Any) -> AnalyteResult:
    """Add one analyte result to a collection (a lab's result arriving later).

    A confirmed result for an analyte whose current result is presumptive replaces it in the
    record: the presumptive row stays, no longer current, pointing at its replacement. A second
    presumptive, or anything after a confirmed result, is refused.
    """
    client = collection.client
    require_manage(actor, client)
    if collection.specimen_type not in DRUG_SPECIMENS:
        raise ValidationError({"analyte": "Analyte results go with urine or oral fluid."})
    errors: dict[str, str] = {}
    now = timezone.now()
    clean = result_clean(
        errors,
        "",
        data,
        collection_at=collection.collected_at,
        specimen=collection.specimen_type,
        panel=collection.panel,
        now=now,
    )
    if errors or clean is None:
        raise ValidationError(errors or {"analyte": "Give the result."})
    day = local_day(collection.collected_at, client)
    with transaction.atomic():
        current = (
            AnalyteResult.objects.select_for_update()
            .filter(collection=collection, analyte=clean["analyte"], current=True)
            .first()
        )
        if current is not None:
            if current.stage == AnalyteResult.Stage.CONFIRMED:
                raise ValidationError({"analyte": "A confirmed result stands for this analyte."})
            if clean["stage"] != AnalyteResult.Stage.CONFIRMED:
                raise ValidationError(
                    {"stage": "A presumptive result is recorded: the next one is the lab's."}
                )
            if clean["resulted_at"] < current.resulted_at:
                raise ValidationError(
                    {"resulted_at": "A confirmation cannot come before the screen result."}
                )
            current.current = False
            current.save(update_fields=["current"])
        result = AnalyteResult.objects.create(
            collection=collection,
            expected=clean["outcome"] == AnalyteResult.Outcome.POSITIVE
            and clean["analyte"] in expected_analytes(client, day),
            recorded_by=actor_or_none(actor),
            **clean,
        )
        if current is not None:
            current.replaced_by = result
            current.save(update_fields=["replaced_by"])
        audit(
            actor,
            result,
            client,
            Action.CREATE,
            {
                "analyte": [None, result.analyte],
                "stage": [current.stage if current else None, result.stage],
                "outcome": [current.outcome if current else None, result.outcome],
            },
        )
        collection_evaluate(actor=actor, collection=collection)
    return result


def result_send_for_confirmation(*, actor: User, result: AnalyteResult) -> AnalyteResult:
    """Mark a presumptive positive as sent to the lab (once)."""
    client = result.collection.client
    require_manage(actor, client)
    if not result.current or result.stage != AnalyteResult.Stage.PRESUMPTIVE:
        raise ValidationError({"stage": "Only a current presumptive result can be sent."})
    if result.outcome != AnalyteResult.Outcome.POSITIVE:
        raise ValidationError({"outcome": "Only a positive screen is sent for confirmation."})
    now = timezone.now()
    with transaction.atomic():
        AnalyteResult.objects.filter(id=result.id, sent_for_confirmation_at=None).update(
            sent_for_confirmation_at=now
        )
        result.refresh_from_db()
        audit(actor, result, client, Action.UPDATE, {"sent_for_confirmation_at": [None, str(now)]})
    return result


def medication_add(
    *,
    actor: User,
    client: Client,
    name: str,
    analyte: str,
    start_date: date | str | None,
    end_date: date | str | None = None,
    prescriber: str = "",
) -> PrescribedMedication:
    """A medication the client is prescribed: a positive for its analyte is then expected."""
    require_manage(actor, client)
    errors: dict[str, str] = {}
    if not (name or "").strip():
        errors["name"] = "Name the medication."
    if analyte not in ANALYTES:
        errors["analyte"] = f"Unknown analyte: {analyte}."
    start = parse_date(errors, "start_date", start_date)
    if start is None and "start_date" not in errors:
        errors["start_date"] = "This field is required."
    end = parse_date(errors, "end_date", end_date)
    if start and end and end < start:
        errors["end_date"] = "The prescription cannot end before it starts."
    if errors:
        raise ValidationError(errors)
    assert start is not None  # a missing start is an error above
    with transaction.atomic():
        medication = PrescribedMedication.objects.create(
            client=client,
            name=name.strip()[:200],
            analyte=analyte,
            start_date=start,
            end_date=end,
            prescriber=(prescriber or "").strip()[:200],
            recorded_by=actor_or_none(actor),
        )
        audit(actor, medication, client, Action.CREATE, {"analyte": [None, analyte]})
    return medication
