"""The yearly cap per client is enforced by the system: an award that would cross it is cut to
what is left, and nothing more is paid that year; two workers awarding at the same moment
cannot both fit under it (PostgreSQL: the ledger row is locked)."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from recoverypath.incentives.models import Award, ClientLedger, RewardSchedule
from recoverypath.incentives.services import award_record

from .conftest import check_in, make_schedule


def _award_check_in(cast, day):
    item = check_in(cast.client, day)
    return award_record(
        actor=cast.coordinator, client=cast.client, behaviour="daily_check_in", source_id=item.id
    )


def test_the_default_cap_is_the_federal_advisory_ceiling(cast):
    assert RewardSchedule(program=cast.program).yearly_cap == Decimal("599.00")


@time_machine.travel("2026-06-01 12:00Z", tick=False)
def test_an_award_crossing_the_cap_is_cut_to_what_is_left(cast):
    make_schedule(cast.program, yearly_cap=Decimal("8.00"), increment=Decimal("0"))
    paid = [_award_check_in(cast, date(2026, 5, 1) + timedelta(days=n)) for n in range(5)]
    assert [a.amount for a in paid] == [
        Decimal("2.50"),
        Decimal("2.50"),
        Decimal("2.50"),
        Decimal("0.50"),
        Decimal("0.00"),
    ]
    assert [a.capped for a in paid] == [False, False, False, True, True]
    assert ClientLedger.objects.get(client=cast.client).earned_in_year == Decimal("8.00")


def test_a_new_year_starts_a_new_cap(cast):
    make_schedule(cast.program, yearly_cap=Decimal("5.00"), increment=Decimal("0"))
    with time_machine.travel("2026-12-30 15:00Z", tick=False):
        for n in range(3):
            _award_check_in(cast, date(2026, 12, 20) + timedelta(days=n))
    with time_machine.travel("2027-01-02 15:00Z", tick=False):
        award = _award_check_in(cast, date(2027, 1, 1))
    assert award.amount == Decimal("2.50") and not award.capped
    ledger = ClientLedger.objects.get(client=cast.client)
    assert (ledger.year, ledger.earned_in_year, ledger.earned_total) == (
        2027,
        Decimal("2.50"),
        Decimal("7.50"),
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_awards_never_cross_the_cap(cast):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions and row locks")
    make_schedule(
        cast.program,
        yearly_cap=Decimal("10.00"),
        increment=Decimal("0"),
        base_amount=Decimal("3.00"),
    )
    check_ins = [check_in(cast.client, date(2026, 4, 1) + timedelta(days=n)) for n in range(8)]
    start = threading.Barrier(len(check_ins), timeout=20)
    errors = []

    def award(item):
        try:
            start.wait()
            award_record(
                actor=cast.coordinator,
                client=cast.client,
                behaviour="daily_check_in",
                source_id=item.id,
            )
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=award, args=(item,)) for item in check_ins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    amounts = list(Award.objects.values_list("amount", flat=True))
    assert len(amounts) == 8
    assert sum(amounts) == Decimal("10.00")
    assert sorted(amounts, reverse=True)[:4] == [Decimal("3.00")] * 3 + [Decimal("1.00")]
    assert ClientLedger.objects.get(client=cast.client).earned_in_year == Decimal("10.00")
