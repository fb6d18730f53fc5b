"""Recording a collection (a specimen, or a breath test) with its chain of custody and, optionally,
its results."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from recoverypath.core.audit import Action

from ..catalog import BRAC_MAX, DRUG_SPECIMENS
from ..models import (
    AnalyteResult,
    Collection,
    SpecimenType,
    TestingPolicy,
    TestPanel,
    TestSelection,
    Validity,
)
from ._common import actor_or_none, audit, parse_decimal, require_manage
from .evaluation import collection_evaluate
from .judging import CLOCK_SKEW, expected_analytes, local_day, moment_parse, result_clean

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client


def _policy_in_force(client: Client, day: date) -> TestingPolicy | None:
    return (
        TestingPolicy.objects.filter(client=client, start_date__lte=day)
        .filter(Q(end_date=None) | Q(end_date__gte=day))
        .order_by("-start_date", "-id")
        .first()
    )


def collection_record(
    *,
    actor: User,
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
    moment = moment_parse(errors, "collected_at", collected_at)
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
    day = local_day(moment, client) if moment is not None else None
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
        and policy.panel is not None
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
            clean = result_clean(
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
    assert moment is not None and day is not None  # a missing time is an error above
    expected = expected_analytes(client, day) if cleaned else set()
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
