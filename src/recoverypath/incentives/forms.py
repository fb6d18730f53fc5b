from __future__ import annotations

import json
from decimal import Decimal

from django import forms

from recoverypath.core.params import MAX_ID

from .models import Behaviour, RewardSchedule


class AwardForm(forms.Form):
    behaviour = forms.ChoiceField(choices=Behaviour.choices)
    source_id = forms.IntegerField(
        label="Record number",
        min_value=1,
        max_value=MAX_ID,
        help_text="The test (collection), session, check-in or coordinator check-in number.",
    )


class RedemptionForm(forms.Form):
    amount = forms.DecimalField(min_value=Decimal("0.01"), max_digits=7, decimal_places=2)
    item = forms.CharField(max_length=200, help_text="What the client chose.")


class ScheduleForm(forms.ModelForm):
    behaviours = forms.MultipleChoiceField(
        choices=Behaviour.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    prizes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=(
            'Fishbowl prizes, JSON: [{"label": "Small prize", "amount": "1.00", "weight": 209}]'
        ),
    )

    class Meta:
        model = RewardSchedule
        fields = [
            "active",
            "style",
            "behaviours",
            "base_amount",
            "increment",
            "max_amount",
            "restore_after",
            "draws_base",
            "draws_increment",
            "draws_max",
            "prizes",
            "yearly_cap",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["prizes"] = json.dumps(self.instance.prizes or [])

    def clean_prizes(self) -> list[dict]:
        raw = self.cleaned_data.get("prizes") or "[]"
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError("Prizes must be a JSON list.") from exc
        if not isinstance(value, list) or not all(
            isinstance(p, dict) and {"label", "amount", "weight"} <= set(p) for p in value
        ):
            raise forms.ValidationError("Each prize needs a label, an amount and a weight.")
        return value
