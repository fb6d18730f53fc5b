"""Forms built from an instrument definition: one field per item, errors tied to the item."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from .instruments import Instrument
from .instruments.base import BOOLEAN, CHOICE, DAYS, DAYS_BY_DRUG, MAX_DAYS, Item

_ITEM_MESSAGE = re.compile(r"^item (\d+): (.*)$")
YES, NO = "yes", "no"


def field_name(item: Item) -> str:
    return f"item_{item.number}"


def part_name(item: Item, key: str) -> str:
    return f"item_{item.number}_{key}"


def _part_key(item: Item, message: str) -> str | None:
    """The sub-item a message is about ("7A: ..." or "7A must ..."), if it names one."""
    for key, _label in item.parts:
        if message.startswith((f"{key}:", f"{key} ")):
            return key
    return None


class InstrumentForm(forms.Form):
    """Every item of `instrument`. `clean()` returns the raw answer list in item order and hands it
    to the instrument's own validation, so the form refuses exactly what the API refuses."""

    def __init__(self, *args, instrument: Instrument, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.answers: list[Any] | None = None
        for item in instrument.items:
            self._add_item(item)
        if staff:
            self.fields["administered_at"] = forms.DateTimeField(
                label="Administered at (leave empty for now)",
                required=False,
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
            )

    def _add_item(self, item: Item) -> None:
        required_attr = item.asked_if is None and not item.optional
        attrs = {"required": "required"} if required_attr else {}
        if item.kind == CHOICE:
            field: forms.Field = forms.TypedChoiceField(
                choices=[(str(o.value), o.label) for o in item.options],
                coerce=int,
                widget=forms.RadioSelect(attrs=attrs),
                required=False,
                empty_value=None,
            )
        elif item.kind == BOOLEAN:
            field = forms.TypedChoiceField(
                choices=[(YES, "Yes"), (NO, "No")],
                coerce=lambda v: v == YES,
                widget=forms.RadioSelect(attrs=attrs),
                required=False,
                empty_value=None,
            )
        elif item.kind == DAYS:
            field = forms.IntegerField(
                required=False,
                widget=forms.NumberInput(
                    attrs={**attrs, "min": 0, "max": MAX_DAYS, "inputmode": "numeric"}
                ),
                help_text=f"Number of days, 0-{MAX_DAYS}",
            )
        else:  # DAYS_BY_DRUG
            for key, label in item.parts:
                self.fields[part_name(item, key)] = forms.IntegerField(
                    label=f"{key}. {label}",
                    required=False,
                    widget=forms.NumberInput(attrs={"min": 0, "max": MAX_DAYS}),
                )
            return
        field.label = item.text
        self.fields[field_name(item)] = field

    def items(self) -> list[dict[str, Any]]:
        """What the template needs per item: the item, its bound field(s), its errors."""
        rows: list[dict[str, Any]] = []
        for item in self.instrument.items:
            if item.kind == DAYS_BY_DRUG:
                parts = [self[part_name(item, key)] for key, _ in item.parts]
                errors = [e for p in parts for e in p.errors]
                rows.append({"item": item, "field": None, "parts": parts, "errors": errors})
            else:
                bound = self[field_name(item)]
                rows.append({"item": item, "field": bound, "parts": [], "errors": bound.errors})
        return rows

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        answers: list[Any] = []
        for item in self.instrument.items:
            if item.kind == DAYS_BY_DRUG:
                parts = {
                    key: data.get(part_name(item, key))
                    for key, _ in item.parts
                    if data.get(part_name(item, key)) is not None
                }
                answers.append(parts or None)
            else:
                answers.append(data.get(field_name(item)))
        # Items not asked under a skip rule are dropped, as a person skipping them would.
        answers = [
            None if not item.is_asked(answers) else answer
            for item, answer in zip(self.instrument.items, answers, strict=True)
        ]
        try:
            self.answers = self.instrument.validate(answers)
        except ValidationError as exc:
            for message in exc.message_dict.get("answers", []):
                match = _ITEM_MESSAGE.match(message)
                if match is None:
                    self.add_error(None, message)
                    continue
                number = int(match.group(1))
                named = next((i for i in self.instrument.items if i.number == number), None)
                if named is not None and named.kind != DAYS_BY_DRUG:
                    self.add_error(field_name(named), f"Question {number}: {match.group(2)}")
                elif named is not None and (key := _part_key(named, match.group(2))):
                    self.add_error(part_name(named, key), f"Question {number}: {match.group(2)}")
                else:
                    self.add_error(None, message)
        when = data.get("administered_at")
        if when is not None and timezone.is_naive(when):
            data["administered_at"] = timezone.make_aware(when)
        return data


class ScheduleRuleForm(forms.Form):
    at_intake = forms.BooleanField(label="At intake", required=False)
    iop_every_days = forms.IntegerField(
        label="Every N days in IOP", required=False, min_value=1, max_value=365
    )
    aftercare_every_days = forms.IntegerField(
        label="Every N days in aftercare", required=False, min_value=1, max_value=365
    )
    after_safety_positive = forms.BooleanField(
        label="Whenever a safety screen is positive", required=False
    )


class ScoresFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    instrument = forms.ChoiceField(label="Instrument", required=False)
    band = forms.ChoiceField(label="Latest band", required=False)
    sort = forms.ChoiceField(
        label="Sort",
        required=False,
        choices=[
            ("-severity", "Most severe first"),
            ("severity", "Least severe first"),
            ("-latest", "Most recent first"),
            ("name", "Name"),
        ],
    )

    def __init__(self, *args, instruments, bands, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = instruments
        self.fields["band"].choices = [("", "Any"), *bands, ("none", "Not taken yet")]
