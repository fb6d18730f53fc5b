"""Contingency management: a program's reward schedule, each client's ledger (the one row every
award locks), the awards themselves (with what is needed to recompute them) and redemptions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from recoverypath.accounts.models import Program
from recoverypath.clients.models import Client

DEFAULT_YEARLY_CAP = Decimal("599.00")


class Behaviour(models.TextChoices):
    NEGATIVE_TEST = "negative_test", "Negative drug or alcohol test"
    ATTENDED_SESSION = "attended_session", "Attended a group or individual session"
    DAILY_CHECK_IN = "daily_check_in", "Daily check-in"
    COORDINATOR_CHECK_IN = "coordinator_check_in", "Coordinator check-in kept"


def default_prizes() -> list[dict]:
    """The classic fishbowl: half the slips "good job", most of the rest small prizes."""
    return [
        {"label": "Good job!", "amount": "0.00", "weight": 250},
        {"label": "Small prize", "amount": "1.00", "weight": 209},
        {"label": "Large prize", "amount": "20.00", "weight": 40},
        {"label": "Jumbo prize", "amount": "100.00", "weight": 1},
    ]


class RewardSchedule(models.Model):
    """One per program. Escalating (voucher style): each verified behaviour in a row pays
    `base_amount + increment * level` up to `max_amount`; a miss resets the level to 0, and
    after `restore_after` behaviours in a row the pre-reset level comes back (0: never).
    Fishbowl: each verified behaviour earns `draws_base + draws_increment * level` draws (up to
    `draws_max`) from the prize table; a miss resets the level the same way."""

    class Style(models.TextChoices):
        ESCALATING = "escalating", "Escalating with reset (voucher)"
        FISHBOWL = "fishbowl", "Prize draws (fishbowl)"

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="reward_schedule"
    )
    active = models.BooleanField(default=True)
    style = models.CharField(max_length=10, choices=Style.choices, default=Style.ESCALATING)
    behaviours = models.JSONField(default=list, help_text="Behaviour codes that earn rewards.")
    base_amount = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal("2.50"))
    increment = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal("1.25"))
    max_amount = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal("10.00"))
    restore_after = models.PositiveSmallIntegerField(default=3)
    draws_base = models.PositiveSmallIntegerField(default=1)
    draws_increment = models.PositiveSmallIntegerField(default=1)
    draws_max = models.PositiveSmallIntegerField(default=8)
    prizes = models.JSONField(default=default_prizes, blank=True)
    yearly_cap = models.DecimalField(max_digits=8, decimal_places=2, default=DEFAULT_YEARLY_CAP)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(yearly_cap__gte=0), name="reward_cap_not_negative"),
            models.CheckConstraint(
                condition=Q(base_amount__gte=0), name="reward_base_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"Reward schedule of {self.program}"

    def clean(self) -> None:
        unknown = set(self.behaviours or []) - set(Behaviour.values)
        if unknown:
            raise ValidationError(
                {"behaviours": f"Unknown behaviours: {', '.join(sorted(unknown))}."}
            )
        if self.max_amount < self.base_amount:
            raise ValidationError({"max_amount": "The maximum is below the first reward."})
        if self.style == self.Style.FISHBOWL:
            if not self.prizes or sum(int(p.get("weight", 0)) for p in self.prizes) <= 0:
                raise ValidationError({"prizes": "A fishbowl needs prizes with weights."})
            for prize in self.prizes:
                if int(prize.get("weight", 0)) < 0 or Decimal(str(prize.get("amount", "0"))) < 0:
                    raise ValidationError({"prizes": "Weights and amounts cannot be negative."})

    def snapshot(self) -> dict:
        """What an award needs to be recomputed later, whatever the schedule becomes."""
        return {
            "style": self.style,
            "base_amount": str(self.base_amount),
            "increment": str(self.increment),
            "max_amount": str(self.max_amount),
            "restore_after": self.restore_after,
            "draws_base": self.draws_base,
            "draws_increment": self.draws_increment,
            "draws_max": self.draws_max,
            "prizes": list(self.prizes or []),
            "yearly_cap": str(self.yearly_cap),
        }


class ClientLedger(models.Model):
    """The client's running totals and streak state. Every award and redemption locks this row
    (SELECT ... FOR UPDATE), so the yearly cap holds under concurrent awards."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="reward_ledger")
    year = models.PositiveSmallIntegerField(help_text="The program's calendar year counted.")
    earned_in_year = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("0"))
    earned_total = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal("0"))
    redeemed_total = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal("0"))
    # {behaviour: {"level": int, "restore_level": int, "since_reset": int}}
    state = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(redeemed_total__lte=models.F("earned_total")),
                name="ledger_redeemed_within_earned",
            )
        ]

    def __str__(self) -> str:
        return f"Ledger of client {self.client_id}"

    @property
    def balance(self) -> Decimal:
        return self.earned_total - self.redeemed_total


class Award(models.Model):
    """One verified behaviour (or one miss, which pays nothing and resets the streak). The
    schedule snapshot, the state before and the draw seed recompute the amount exactly."""

    class Outcome(models.TextChoices):
        MET = "met", "Met"
        MISSED = "missed", "Missed (streak reset)"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="reward_awards")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    behaviour = models.CharField(max_length=24, choices=Behaviour.choices)
    source_id = models.BigIntegerField(help_text="The test, attendance or check-in verified.")
    occurred_on = models.DateField()
    outcome = models.CharField(max_length=6, choices=Outcome.choices)
    level = models.PositiveSmallIntegerField(default=0, help_text="Streak level paid at.")
    draws = models.PositiveSmallIntegerField(default=0)
    seed = models.CharField(max_length=64, blank=True, help_text="Fishbowl: CSPRNG seed, hex.")
    draw_results = models.JSONField(default=list, blank=True)
    earned = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal("0"))
    amount = models.DecimalField(
        max_digits=7, decimal_places=2, default=Decimal("0"), help_text="Paid after the cap."
    )
    capped = models.BooleanField(default=False)
    schedule = models.JSONField(default=dict)
    state_before = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "behaviour", "source_id"], name="award_once_per_source"
            ),
            models.CheckConstraint(
                condition=Q(amount__lte=models.F("earned")), name="award_within_earned"
            ),
        ]
        indexes = [models.Index(fields=["client", "created_at"], name="award_client_created")]

    def __str__(self) -> str:
        return f"{self.get_behaviour_display()} {self.occurred_on}: ${self.amount}"


class Redemption(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="reward_redemptions")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=7, decimal_places=2)
    item = models.CharField(max_length=200, help_text="What the client chose (gift card, ...).")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="redemption_positive")
        ]

    def __str__(self) -> str:
        return f"Redemption ${self.amount} ({self.item})"
