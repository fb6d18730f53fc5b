"""Collections, analyte results, lab confirmation, prescribed medications, and what a result
sets off: `high` alerts and a lapse offered to the client's sobriety record."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from recoverypath.alerts.models import Severity
from recoverypath.alerts.services import alert_raise
from recoverypath.clients.models import Client
from recoverypath.core.audit import Action
from recoverypath.monitoring.models import Lapse
from recoverypath.monitoring.services import lapse_record

from ..catalog import ANALYTES, BRAC_MAX, BRAC_POSITIVE, DRUG_SPECIMENS
from ..models import (
    AnalyteResult,
    Collection,
    PrescribedMedication,
    SpecimenType,
    TestingPolicy,
    TestPanel,
    TestSelection,
    Validity,
)
from ._common import actor_or_none, audit, parse_date, parse_decimal, require_manage
from .policies import testing_settings_for

KIND_POSITIVE = "testing.positive"
KIND_BRAC = "testing.brac"
KIND_INVALID = "testing.invalid_specimen"
ALARMING_VALIDITY = (Validity.SUBSTITUTED, Validity.ADULTERATED, Validity.INVALID)
CLOCK_SKEW = timedelta(minutes=5)
# EtG alone should not be the only basis of a decision about a person (CLINICAL.md): it alerts
# staff like any positive, but is not offered to the client's sobriety record on its own.
NOT_OFFERED_ALONE = frozenset({"etg"})


def _moment(errors: dict, name: str, value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            errors[name] = "Enter a date and time, e.g. 2026-11-26T09:30:00-05:00."
            return None
        value = parsed
    if not isinstance(value, datetime):
        errors[name] = "Enter a date and time."
        return None
    if timezone.is_naive(value):
        errors[name] = "Give the time zone with the time (e.g. -05:00 or Z)."
        return None
    return value


def _local_day(moment: datetime, client: Client) -> date:
    return moment.astimezone(ZoneInfo(client.program.time_zone)).date()


def _policy_in_force(client: Client, day: date) -> TestingPolicy | None:
    return (
        TestingPolicy.objects.filter(client=client, start_date__lte=day)
        .filter(Q(end_date=None) | Q(end_date__gte=day))
        .order_by("-start_date", "-id")
        .first()
    )


def _cutoff(panel: TestPanel | None, specimen: str, analyte: str, stage: str) -> Decimal | None:
    key = "confirm" if stage == AnalyteResult.Stage.CONFIRMED else "screen"
    if panel is not None and analyte in panel.cutoffs:
        return Decimal(panel.cutoffs[analyte][key])
    pair = getattr(ANALYTES[analyte], specimen, None)
    if pair is None:
        return None
    return Decimal(pair[1] if key == "confirm" else pair[0])


def _expected_analytes(client: Client, day: date) -> set[str]:
    return set(
        PrescribedMedication.objects.filter(client=client, start_date__lte=day)
        .filter(Q(end_date=None) | Q(end_date__gte=day))
        .values_list("analyte", flat=True)
    )


def _clean_result(
    errors: dict,
    prefix: str,
    data: dict[str, Any],
    *,
    collection_at: datetime | None,
    specimen: str,
    panel: TestPanel | None,
    now: datetime,
) -> dict[str, Any] | None:
    """One analyte result's values; messages go under `prefix` (e.g. "results[0].")."""
    if not isinstance(data, dict):
        errors[prefix.rstrip(".") or "results"] = "Send each result as an object."
        return None
    analyte = data.get("analyte")
    if analyte not in ANALYTES:
        errors[f"{prefix}analyte"] = f"Unknown analyte: {analyte}."
        return None
    stage = data.get("stage") or AnalyteResult.Stage.PRESUMPTIVE
    if stage not in AnalyteResult.Stage.values:
        errors[f"{prefix}stage"] = "Choose presumptive or confirmed."
        return None
    value = parse_decimal(errors, f"{prefix}value", data.get("value"), label="Value")
    if value is not None and value < 0:
        errors[f"{prefix}value"] = "A value cannot be negative."
        return None
    if value is not None and value >= Decimal("100000000"):
        errors[f"{prefix}value"] = "The value is too large."
        return None
    cutoff = _cutoff(panel, specimen, analyte, stage)
    outcome = data.get("outcome") or None
    if outcome is not None and outcome not in AnalyteResult.Outcome.values:
        errors[f"{prefix}outcome"] = "Choose negative or positive."
        return None
    if value is not None and cutoff is not None:
        judged = (
            AnalyteResult.Outcome.POSITIVE if value >= cutoff else AnalyteResult.Outcome.NEGATIVE
        )
        if outcome is not None and outcome != judged:
            errors[f"{prefix}outcome"] = (
                f"A value of {value} ng/mL is {judged} at the {cutoff} ng/mL cut-off."
            )
            return None
        outcome = judged
    if outcome is None:
        errors[f"{prefix}outcome"] = "Choose negative or positive (or give the value)."
        return None
    resulted_at = _moment(errors, f"{prefix}resulted_at", data.get("resulted_at")) or now
    if f"{prefix}resulted_at" in errors:
        return None
    if collection_at is not None and resulted_at < collection_at:
        errors[f"{prefix}resulted_at"] = "A result cannot come before the collection."
        return None
    if resulted_at > now + CLOCK_SKEW:
        errors[f"{prefix}resulted_at"] = "A result cannot be in the future."
        return None
    return {
        "analyte": analyte,
        "stage": stage,
        "outcome": outcome,
        "value": value,
        "cutoff": cutoff,
        "resulted_at": resulted_at,
    }


def collection_record(
    *,
    actor,
    client: Client,
    collected_at: datetime | str | None,
    specimen_type: str,
    collector: str,
    observed: bool = False,
    custody_form_number: str = "",
    validity: str = Validity.VALID,
    brac: Decimal | str | float | None = None,
    selection: TestSelection | None = None,
    panel: TestPanel | None = None,
    results: list[dict[str, Any]] | None = None,
    note: str = "",
) -> Collection:
    """Record a specimen (or a breath test) and, optionally, its results.

    1. coordinators and above; each value checked with a message on its field: the time (not in
       the future; inside the dates of the policy it is taken under), specimen type, collector,
       validity, BrAC (breath only, 0 to 0.600), results (known analytes, non-negative values,
       not before the collection);
    2. without an explicit selection, the client's open selection of that day is the one met;
       with neither a selection nor a policy in force the collection is refused (ask for a
       for-cause or scheduled test first);
    3. the selection becomes collected; results are judged against the panel's cut-offs (kept
       with each result); positives for a prescribed medication are marked expected;
    4. alerts and the lapse offer follow (`collection_evaluate`); one audit event.
    """
    require_manage(actor, client)
    now = timezone.now()
    errors: dict[str, str] = {}
    moment = _moment(errors, "collected_at", collected_at)
    if moment is None and "collected_at" not in errors:
        errors["collected_at"] = "This field is required."
    if moment is not None and moment > now + CLOCK_SKEW:
        errors["collected_at"] = "A collection cannot be in the future."
    if specimen_type not in SpecimenType.values:
        errors["specimen_type"] = "Choose urine, oral fluid or breath."
    collector = (collector or "").strip()
    if not collector:
        errors["collector"] = "Name who collected the specimen."
    if validity not in Validity.values:
        errors["validity"] = "Choose valid, dilute, substituted, adulterated or invalid."
    brac_value = parse_decimal(errors, "brac", brac, label="BrAC")
    if brac_value is not None:
        if brac_value < 0:
            errors["brac"] = "BrAC cannot be negative."
        elif brac_value > BRAC_MAX:
            errors["brac"] = f"BrAC above {BRAC_MAX} is not a plausible reading: check it."
        elif specimen_type != SpecimenType.BREATH:
            errors["brac"] = "BrAC goes with a breath test."
    if specimen_type == SpecimenType.BREATH and brac_value is None and "brac" not in errors:
        errors["brac"] = "Enter the breath alcohol reading (0.000 when none)."
    if selection is not None and selection.client_id != client.id:
        errors["selection"] = "This test belongs to another client."
    day = _local_day(moment, client) if moment is not None else None
    policy = None
    if day is not None and "selection" not in errors:
        if selection is None:
            selection = (
                TestSelection.objects.filter(
                    client=client,
                    date=day,
                    status__in=(TestSelection.Status.SELECTED, TestSelection.Status.NO_SHOW),
                )
                .order_by("status", "id")
                .first()
            )
        policy = selection.policy if selection is not None else _policy_in_force(client, day)
        if selection is not None and selection.policy is None:
            policy = None  # for cause or scheduled without a policy: no dates to keep to
        elif policy is None:
            any_policy = TestingPolicy.objects.filter(client=client).order_by("-start_date").first()
            if any_policy is not None:
                errors["collected_at"] = (
                    f"The collection is outside the policy's dates ({any_policy.start_date}"
                    f" to {any_policy.end_date or 'open'})."
                )
            else:
                errors["selection"] = (
                    "The client has no testing policy: ask for a for-cause or scheduled test first."
                )
        elif day < policy.start_date or (policy.end_date and day > policy.end_date):
            errors["collected_at"] = (
                f"The collection is outside the policy's dates ({policy.start_date}"
                f" to {policy.end_date or 'open'})."
            )
    if selection is not None and selection.status not in (
        TestSelection.Status.SELECTED,
        TestSelection.Status.NO_SHOW,
    ):
        errors["selection"] = f"This test is {selection.get_status_display().lower()} already."
    if (
        panel is None
        and policy is not None
        and policy.panel_id
        and policy.panel.specimen_type == specimen_type
    ):
        panel = policy.panel
    if panel is not None and specimen_type in SpecimenType.values:
        if panel.specimen_type != specimen_type:
            errors["panel"] = "The panel is for another specimen type."
        elif panel.program_id not in (None, client.program_id):
            errors["panel"] = "Choose a standard panel or one of the client's program."
    results = results or []
    if results and specimen_type not in DRUG_SPECIMENS:
        errors["results"] = "Analyte results go with urine or oral fluid."
    cleaned = []
    if not isinstance(results, list):
        errors["results"] = "Send a list of results."
        results = []
    if specimen_type in DRUG_SPECIMENS:
        seen = set()
        for index, data in enumerate(results):
            clean = _clean_result(
                errors,
                f"results[{index}].",
                data,
                collection_at=moment,
                specimen=specimen_type,
                panel=panel,
                now=now,
            )
            if clean is not None:
                if clean["analyte"] in seen:
                    errors[f"results[{index}].analyte"] = "This analyte is listed twice."
                seen.add(clean["analyte"])
                cleaned.append(clean)
    note = (note or "").strip()
    if len(note) > 500:
        errors["note"] = "Keep the note under 500 characters."
    if len(custody_form_number) > 64:
        errors["custody_form_number"] = "At most 64 characters."
    if errors:
        raise ValidationError(errors)
    expected = _expected_analytes(client, day) if cleaned else set()
    with transaction.atomic():
        if selection is not None:
            claimed = TestSelection.objects.filter(
                id=selection.id,
                status__in=(TestSelection.Status.SELECTED, TestSelection.Status.NO_SHOW),
            ).update(status=TestSelection.Status.COLLECTED, closed_at=now)
            if not claimed:
                raise ValidationError({"selection": "This test was closed meanwhile."})
        collection = Collection.objects.create(
            client=client,
            program_id=client.program_id,
            policy=policy,
            selection=selection,
            collected_at=moment,
            specimen_type=specimen_type,
            panel=panel if specimen_type in DRUG_SPECIMENS else None,
            observed=bool(observed),
            collector=collector[:200],
            custody_form_number=custody_form_number.strip(),
            validity=validity,
            brac=brac_value,
            note=note,
            recorded_by=actor_or_none(actor),
        )
        AnalyteResult.objects.bulk_create(
            [
                AnalyteResult(
                    collection=collection,
                    expected=c["outcome"] == AnalyteResult.Outcome.POSITIVE
                    and c["analyte"] in expected,
                    recorded_by=actor_or_none(actor),
                    **c,
                )
                for c in cleaned
            ]
        )
        audit(
            actor,
            collection,
            client,
            Action.CREATE,
            {
                "specimen_type": [None, specimen_type],
                "validity": [None, validity],
                "brac": [None, None if brac_value is None else str(brac_value)],
                "results": [None, len(cleaned)],
            },
        )
        collection_evaluate(actor=actor, collection=collection)
    return collection


def result_record(*, actor, collection: Collection, **data: Any) -> AnalyteResult:
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
    clean = _clean_result(
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
    day = _local_day(collection.collected_at, client)
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
            and clean["analyte"] in _expected_analytes(client, day),
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


def result_send_for_confirmation(*, actor, result: AnalyteResult) -> AnalyteResult:
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


def collection_evaluate(*, actor, collection: Collection) -> list[str]:
    """Raise what the collection's current state calls for; returns the alert kinds raised.

    - a positive that is not expected (a prescribed medication): confirmed, or presumptive when
      the program alerts on presumptives -> `testing.positive`, high;
    - a BrAC at or above the program's threshold -> `testing.brac`, high;
    - a substituted, adulterated or invalid specimen -> `testing.invalid_specimen`, high
      (dilute is shown, and asks for a retest, but does not alert);
    - a confirmed unexpected positive (not EtG alone) or a BrAC at or above 0.02 is offered to
      the client's sobriety record as a lapse on that day, unless one is recorded already: the
      client is asked, as after a reported use, whether to restart their counter.
    Alerts are idempotent per collection (alert_raise's dedup key).
    """
    client = collection.client
    settings = testing_settings_for(program=client.program)
    results = list(collection.results.filter(current=True))
    url = reverse("testing:client", args=[client.id])
    day = _local_day(collection.collected_at, client)
    raised = []
    alarming = [
        r
        for r in results
        if r.alarming
        and (r.stage == AnalyteResult.Stage.CONFIRMED or settings.alert_on_presumptive)
    ]
    if alarming:
        names = ", ".join(
            f"{r.get_analyte_display()} ({r.get_stage_display().lower()})" for r in alarming
        )
        alert_raise(
            client=client,
            kind=KIND_POSITIVE,
            severity=Severity.HIGH,
            reason=f"Positive test on {day:%b %-d}: {names}.",
            dedup_key=f"testing.positive:{collection.id}",
            source=collection,
            source_url=url,
            actor=actor,
        )
        raised.append(KIND_POSITIVE)
    if collection.brac is not None and collection.brac >= settings.brac_threshold:
        alert_raise(
            client=client,
            kind=KIND_BRAC,
            severity=Severity.HIGH,
            reason=(
                f"Breath alcohol {collection.brac} on {day:%b %-d} "
                f"(program threshold {settings.brac_threshold})."
            ),
            dedup_key=f"testing.brac:{collection.id}",
            source=collection,
            source_url=url,
            actor=actor,
        )
        raised.append(KIND_BRAC)
    if collection.validity in ALARMING_VALIDITY:
        alert_raise(
            client=client,
            kind=KIND_INVALID,
            severity=Severity.HIGH,
            reason=(
                f"Specimen of {day:%b %-d} reported {collection.get_validity_display().lower()}."
            ),
            dedup_key=f"testing.invalid:{collection.id}",
            source=collection,
            source_url=url,
            actor=actor,
        )
        raised.append(KIND_INVALID)
    confirmed = [r for r in results if r.alarming and r.stage == AnalyteResult.Stage.CONFIRMED]
    offered = [r for r in confirmed if r.analyte not in NOT_OFFERED_ALONE] and confirmed
    drank = collection.brac is not None and collection.brac >= BRAC_POSITIVE
    if (offered or drank) and not Lapse.objects.filter(client=client, date=day).exists():
        what = [r.get_analyte_display() for r in offered or []]
        if drank:
            what.append("Alcohol (breath test)")
        lapse_record(
            actor=actor,
            client=client,
            day=day,
            substance=", ".join(what)[:200],
            context=f"From a test collected on {day:%b %-d}.",
        )
    return raised


def medication_add(
    *,
    actor,
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
