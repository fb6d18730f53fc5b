from __future__ import annotations

from django import forms

from recoverypath.core.hooks.channels import channel_transports

from .models import NotificationPreference

OTHER_FIELDS = ["phone", "quiet_hours_start", "quiet_hours_end"]


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
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }


def preference_form_class() -> type[forms.ModelForm]:
    """The preferences form for the channels registered now."""
    return forms.modelform_factory(
        NotificationPreference, form=PreferenceFormBase, fields=preference_fields()
    )
