"""What a collection sets off: `high` alerts (an unexpected positive, breath alcohol over the
program's threshold, a specimen not valid) and a lapse offered to the client's sobriety
record."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from recoverypath.alerts.services import alert_raise
from recoverypath.monitoring.selectors import lapse_recorded_on
from recoverypath.monitoring.services import lapse_record

from ..catalog import BRAC_POSITIVE
from ..models import AnalyteResult, Collection, Validity
from .judging import local_day
from .policies import testing_settings_for

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

KIND_POSITIVE = "testing.positive"
KIND_BRAC = "testing.brac"
KIND_INVALID = "testing.invalid_specimen"
ALARMING_VALIDITY = (Validity.SUBSTITUTED, Validity.ADULTERATED, Validity.INVALID)
# EtG alone should not be the only basis of a decision about a person (CLINICAL.md): it alerts
# staff like any positive, but is not offered to the client's sobriety record on its own.
NOT_OFFERED_ALONE = frozenset({"etg"})
HIGH = "high"  # alerts' Severity.HIGH


def collection_evaluate(*, actor: User, collection: Collection) -> list[str]:
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
    day = local_day(collection.collected_at, client)
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
            severity=HIGH,
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
            severity=HIGH,
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
            severity=HIGH,
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
    if (offered or drank) and not lapse_recorded_on(client=client, day=day):
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
