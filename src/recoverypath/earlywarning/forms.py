from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms

from recoverypath.accounts.selectors import PROGRAMS, program_list_for_user
from recoverypath.aftercare.selectors import plan_status_choices
from recoverypath.core import permissions
from recoverypath.core.params import ScopedChoiceField, scope_form

from .config import DEFAULTS, PARAM_LIMITS
from .models import Rule

if TYPE_CHECKING:
    from recoverypath.accounts.models import User


class DashboardFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    mine = forms.BooleanField(label="Only my clients", required=False)
    program = ScopedChoiceField(PROGRAMS, required=False)
    risk = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Everyone"),
            ("alerts", "With open alerts"),
            ("high", "High or critical alerts"),
            ("warning", "Warning signs this week"),
        ],
    )
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Active and paused"),
            *plan_status_choices()[:2],
        ],
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        programs = program_list_for_user(user=user, min_rank=permissions.Rank.COORDINATOR)
        scope_form(self, user, program=programs)


class RuleSettingsForm(forms.Form):
    """One checkbox per rule plus its thresholds, named <rule>__<param>."""

    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for rule in Rule:
            config = current[rule.value]
            self.fields[f"{rule.value}__enabled"] = forms.BooleanField(
                label=f"{rule.label}: on", required=False, initial=config.enabled
            )
            for name in DEFAULTS[rule.value]:
                low, high = PARAM_LIMITS[name]
                self.fields[f"{rule.value}__{name}"] = forms.IntegerField(
                    label=f"{rule.label}: {name.replace('_', ' ')}",
                    min_value=low,
                    max_value=high,
                    initial=config.params[name],
                )
