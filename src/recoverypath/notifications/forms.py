from __future__ import annotations

from django import forms

from recoverypath.core.hooks.channels import channel_transports

from .models import NotificationPreference, ReminderKind
from .reminder_config import LEAD_LIMITS, ReminderConfig, has_lead, has_send_time

OTHER_FIELDS = ["phone", "quiet_hours_start", "quiet_hours_end", "check_in_reminder_time"]


def preference_fields() -> list[str]:
    """One checkbox per registered channel (its preference column), then the rest."""
    return [transport.name for transport in channel_transports()] + OTHER_FIELDS


class PreferenceFormBase(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = OTHER_FIELDS
        widgets = {
            "quiet_hours_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_hours_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "check_in_reminder_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }


def preference_form_class(*, client: bool = False) -> type[forms.ModelForm]:
    """The preferences form for the channels registered now (with the daily check-in reminder
    time for a client)."""
    fields = preference_fields()
    if not client:
        fields.remove("check_in_reminder_time")
    return forms.modelform_factory(NotificationPreference, form=PreferenceFormBase, fields=fields)


class ReminderSettingsForm(forms.Form):
    """One checkbox per kind of reminder, plus its lead time or time of day, named
    <kind>__enabled, <kind>__lead_minutes, <kind>__send_time."""

    def __init__(self, *args, current: dict[str, ReminderConfig], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in ReminderKind:
            config = current[kind.value]
            self.fields[f"{kind.value}__enabled"] = forms.BooleanField(
                label=f"{kind.label}: on", required=False, initial=config.enabled
            )
            if has_lead(kind.value):
                low, high = LEAD_LIMITS[kind.value]
                self.fields[f"{kind.value}__lead_minutes"] = forms.IntegerField(
                    label=f"{kind.label}: minutes before",
                    min_value=low,
                    max_value=high,
                    initial=config.lead_minutes,
                )
            if has_send_time(kind.value):
                self.fields[f"{kind.value}__send_time"] = forms.TimeField(
                    label=f"{kind.label}: time of day (the client's time zone)",
                    initial=config.send_time,
                    widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                )

    def changes(self) -> dict[str, dict]:
        """The cleaned data as `reminder_settings_update` takes it."""
        data = self.cleaned_data
        out: dict[str, dict] = {}
        for kind in ReminderKind:
            change: dict = {"enabled": data[f"{kind.value}__enabled"]}
            for name in ("lead_minutes", "send_time"):
                if f"{kind.value}__{name}" in data:
                    change[name] = data[f"{kind.value}__{name}"]
            out[kind.value] = change
        return out
