"""A reward schedule escalates with each verified behaviour in a row, resets on a miss, and
(when configured) returns to the pre-reset level after N in a row; fishbowl draws escalate and
reset the same way, and every award recomputes from its stored row."""

from __future__ import annotations

from decimal import Decimal

from recoverypath.core.models import AuditEvent
from recoverypath.incentives import schedule as math
from recoverypath.incentives.models import Award, RewardSchedule
from recoverypath.incentives.services import award_record

from .conftest import make_schedule


def _attend(cast, sessions, status):
    session = sessions.attend(status)
    return award_record(
        actor=cast.coordinator,
        client=cast.client,
        behaviour="attended_session",
        source_id=session.id,
    )


def test_escalates_then_resets_to_the_first_step_after_a_miss(cast, sessions):
    make_schedule(cast.program, restore_after=0)
    paid = [_attend(cast, sessions, s).amount for s in ["present", "present", "late"]]
    assert paid == [Decimal("2.50"), Decimal("3.75"), Decimal("5.00")]
    miss = _attend(cast, sessions, "unexcused")
    assert miss.outcome == Award.Outcome.MISSED and miss.amount == 0
    after = [_attend(cast, sessions, "present").amount for _ in range(2)]
    assert after == [Decimal("2.50"), Decimal("3.75")]


def test_the_pre_reset_step_returns_after_the_configured_number_in_a_row(cast, sessions):
    make_schedule(cast.program, restore_after=2)
    for _ in range(4):  # steps 0..3: 2.50, 3.75, 5.00, 6.25; level is now 4
        _attend(cast, sessions, "present")
    _attend(cast, sessions, "unexcused")
    paid = [_attend(cast, sessions, "present").amount for _ in range(3)]
    # two in a row at the first steps, then back to where the client was (level 4: 7.50)
    assert paid == [Decimal("2.50"), Decimal("3.75"), Decimal("7.50")]


def test_an_excused_absence_neither_pays_nor_resets(cast, sessions):
    make_schedule(cast.program)
    _attend(cast, sessions, "present")
    assert _attend(cast, sessions, "excused") is None
    assert _attend(cast, sessions, "present").amount == Decimal("3.75")


def test_steps_stop_at_the_maximum(cast, sessions):
    make_schedule(cast.program, max_amount=Decimal("4.00"))
    paid = [_attend(cast, sessions, "present").amount for _ in range(4)]
    assert paid == [Decimal("2.50"), Decimal("3.75"), Decimal("4.00"), Decimal("4.00")]


def test_a_source_is_rewarded_once(cast, sessions):
    make_schedule(cast.program)
    session = sessions.attend("present")
    first = award_record(
        actor=cast.coordinator,
        client=cast.client,
        behaviour="attended_session",
        source_id=session.id,
    )
    again = award_record(
        actor=cast.coordinator,
        client=cast.client,
        behaviour="attended_session",
        source_id=session.id,
    )
    assert first.id == again.id
    assert Award.objects.count() == 1


def test_fishbowl_draws_escalate_reset_and_reproduce_from_the_stored_seed(cast, sessions):
    make_schedule(
        cast.program,
        style=RewardSchedule.Style.FISHBOWL,
        draws_base=1,
        draws_increment=1,
        draws_max=3,
    )
    awards = [_attend(cast, sessions, s) for s in ["present"] * 4 + ["unexcused", "present"]]
    assert [a.draws for a in awards] == [1, 2, 3, 3, 0, 1]
    met = [a for a in awards if a.outcome == "met"]
    assert len({a.seed for a in met}) == len(met) and all(len(a.seed) == 64 for a in met)
    for award in met:
        award.refresh_from_db()
        assert math.reproduce(award) == award.earned
        assert len(award.draw_results) == award.draws
    tampered = met[0]
    tampered.earned += Decimal("1.00")
    try:
        math.reproduce(tampered)
    except ValueError:
        pass
    else:
        raise AssertionError("a changed amount must not reproduce")


def test_prize_picks_follow_the_weights():
    prizes = [
        {"label": "a", "amount": "0", "weight": 1},
        {"label": "b", "amount": "1", "weight": 3},
    ]
    assert math.pick_prize(0.0, prizes)["label"] == "a"
    assert math.pick_prize(0.2499, prizes)["label"] == "a"
    assert math.pick_prize(0.25, prizes)["label"] == "b"
    assert math.pick_prize(0.9999, prizes)["label"] == "b"


def test_every_award_is_audited_with_what_it_paid(cast, sessions):
    make_schedule(cast.program)
    award = _attend(cast, sessions, "present")
    event = AuditEvent.objects.get(object_type="incentives.award", object_id=str(award.id))
    assert event.client_id == cast.client.id
    assert event.changes["amount"] == "2.50" and event.changes["behaviour"] == "attended_session"
