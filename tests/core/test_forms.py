"""Service refusals land on the form a person filled in, whatever their shape."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from recoverypath.core.errors import DomainError
from recoverypath.core.forms import add_service_errors


class NameForm(forms.Form):
    name = forms.CharField()


def _form() -> NameForm:
    form = NameForm({"name": "Wren"})
    assert form.is_valid()
    return form


def test_a_field_error_lands_on_its_field():
    form = _form()
    add_service_errors(form, ValidationError({"name": "Taken."}))
    assert form.errors["name"] == ["Taken."]


def test_an_error_for_a_field_the_form_does_not_show_goes_to_the_top_not_a_crash():
    form = _form()
    add_service_errors(form, ValidationError({"organization": "Another organization."}))
    assert form.non_field_errors() == ["Another organization."]


def test_a_domain_error_gives_its_message_and_its_fields():
    form = _form()
    add_service_errors(form, DomainError("Refused.", fields={"name": ["Too short."]}))
    assert form.non_field_errors() == ["Refused."]
    assert form.errors["name"] == ["Too short."]


def test_a_plain_validation_error_goes_to_the_top():
    form = _form()
    add_service_errors(form, ValidationError(["One.", "Two."]))
    assert form.non_field_errors() == ["One.", "Two."]
