"""A client reads pages and messages in the language they chose (issue 18): English or Spanish.
Anonymous pages follow the browser (Accept-Language) or the language switch."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from recoverypath.accounts.languages import recipient_language, supported_language
from recoverypath.core.models import AuditEvent
from recoverypath.notifications.models import Channel, Notification
from recoverypath.notifications.services import (
    notification_queue,
    notification_text_queue,
    reminder_schedule,
    reminders_send_due,
)
from recoverypath.safety.models import SECTION_FIELDS
from recoverypath.safety.services import safety_plan_create

from ..conftest import api_as
from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def spanish_client(cast):
    cast.client_user.language = "es"
    cast.client_user.save(update_fields=["language"])
    cast.client.phone = "+12025550143"
    cast.client.sobriety_date = date(2026, 1, 5)
    cast.client.save(update_fields=["phone", "sobriety_date"])
    return cast.client_user


def test_a_new_user_reads_english():
    assert UserFactory().language == "en"


def test_recipient_language_is_the_users_own_and_english_for_nobody(cast):
    cast.client_user.language = "es"
    assert recipient_language(cast.client_user) == "es"
    assert recipient_language(None) == "en"
    assert supported_language("es-MX") == "es"
    assert supported_language("fr") == "en"


def test_a_spanish_client_sees_their_home_page_in_spanish(client, cast, spanish_client):
    client.force_login(spanish_client)
    page = client.get(reverse("clients:me"))
    text = page.content.decode()
    assert page.status_code == 200
    assert page["Content-Language"] == "es"
    assert '<html lang="es">' in text
    assert "Hola, Juniper" in text
    assert "días en sobriedad · desde el 5 de enero de 2026" in text
    assert "Mis personas" in text
    assert "Registro diario" in text
    assert "¿En crisis? Llame o envíe un mensaje de texto al" in text
    assert "My people" not in text
    assert "No tiene conexión. Esta es la copia guardada en su teléfono." in text  # offline.js


def test_the_check_in_form_and_its_errors_are_in_spanish(client, cast, spanish_client):
    client.force_login(spanish_client)
    text = client.get(reverse("clients:me")).content.decode()
    assert "Estado de ánimo hoy" in text
    assert "¿Consumió alcohol o drogas hoy?" in text
    refused = client.post(reverse("monitoring:check_in"), {})
    text = refused.content.decode()
    assert "Elija su estado de ánimo de hoy, del 1 al 5." in text
    assert "Responda sí o no. Sea cual sea la respuesta, gracias." in text


def test_a_spanish_client_sees_their_safety_plan_page_in_spanish(client, cast, spanish_client):
    sections = {name: "Una línea" for name in SECTION_FIELDS}
    safety_plan_create(actor=cast.clinician, client=cast.client, **sections)
    client.force_login(spanish_client)
    text = client.get(reverse("safety:my_plan")).content.decode()
    assert "Mi plan de seguridad" in text
    assert "1. Señales de advertencia" in text
    assert "Mis razones para vivir" in text


def test_an_english_client_keeps_english_pages(client, cast):
    client.force_login(cast.client_user)
    text = client.get(reverse("clients:me"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "My people" in text
    assert "Mis personas" not in text


def test_a_spanish_clients_text_message_and_email_subject_are_spanish(cast, spanish_client):
    rows = notification_queue(
        recipient=spanish_client,
        template="testing.selected",
        link="/me/",
        channels=[Channel.SMS, Channel.EMAIL, Channel.IN_APP],
        critical=True,
    )
    by_channel = {row.channel: row for row in rows}
    assert by_channel[Channel.SMS].body.startswith("Tiene un mensaje nuevo de su programa.")
    assert by_channel[Channel.EMAIL].subject == "Un mensaje de su programa"
    assert by_channel[Channel.IN_APP].body == (
        "Por favor, revise hoy su página de inicio de RecoveryPath."
    )
    assert translation.get_language() == "en"  # the override ends with the rendering


def test_a_reminder_is_written_in_the_clients_language_when_it_is_sent(cast, spanish_client):
    reminder_schedule(
        recipient=spanish_client,
        at=timezone.now() - timedelta(minutes=1),
        template="aftercare.check_in_reminder",
        context={"day": "1/12/2026", "time": "10:00", "link": "/me/"},
    )
    assert reminders_send_due() == 1
    rows = {n.channel: n for n in Notification.objects.filter(recipient=spanish_client)}
    assert rows[Channel.IN_APP].body == (
        "Recordatorio: cita de seguimiento con su coordinador el 1/12/2026 a las 10:00."
    )
    assert rows[Channel.EMAIL].subject == "Recordatorio de RecoveryPath"


def test_an_english_recipient_still_gets_english(cast):
    (row,) = notification_queue(
        recipient=cast.client_user, template="testing.selected", channels=[Channel.IN_APP]
    )
    assert row.body == "Please check your RecoveryPath home page today."


def test_a_support_contact_is_texted_in_the_asking_clients_language(cast):
    row = notification_text_queue(
        phone="+12025550144",
        template="aftercare.help_contact",
        external={"first_name": "Juniper"},
        language="es",
    )
    assert row.body.startswith("Juniper nos pidió que le enviáramos este mensaje")
    assert row.body.endswith("llame al 911.")


def test_an_anonymous_page_follows_the_browsers_language(client):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="es-US,es;q=0.9")
    assert page["Content-Language"] == "es"
    assert "Iniciar sesión" in page.content.decode()
    english = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US")
    assert "Log in" in english.content.decode()


def test_the_language_switch_sets_a_cookie_for_an_anonymous_visitor(client):
    answer = client.post(
        reverse("accounts:language"), {"language": "es", "next": "/accounts/login/"}
    )
    assert answer.status_code == 302
    assert answer["Location"] == "/accounts/login/"
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Iniciar sesión" in page.content.decode()


def test_the_language_switch_refuses_a_foreign_next_and_an_unknown_language(client):
    answer = client.post(
        reverse("accounts:language"), {"language": "xx", "next": "https://evil.example.org/"}
    )
    assert answer["Location"] == "/"
    assert "django_language" not in answer.cookies


def test_a_signed_in_client_switching_language_keeps_it_on_their_account(client, cast):
    client.force_login(cast.client_user)
    client.post(reverse("accounts:language"), {"language": "es", "next": "/me/"})
    cast.client_user.refresh_from_db()
    assert cast.client_user.language == "es"
    assert AuditEvent.objects.filter(
        actor=cast.client_user, changes__language=["en", "es"]
    ).exists()
    assert "Mis personas" in client.get(reverse("clients:me")).content.decode()


def test_every_page_offers_the_language_switch(client):
    text = client.get(reverse("accounts:login")).content.decode()
    assert 'data-testid="language-switch"' in text
    assert 'lang="es"' in text and "Español" in text


def test_a_client_reads_and_changes_their_language_through_the_api(cast):
    api = api_as(cast.client_user)
    assert api.get("/api/v1/account/").json() == {
        "email": "client@test.example.org",
        "language": "en",
    }
    changed = api.patch("/api/v1/account/", {"language": "es"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["language"] == "es"
    refused = api.patch("/api/v1/account/", {"language": "fr"}, format="json")
    assert refused.status_code == 400
    cast.client_user.refresh_from_db()
    assert cast.client_user.language == "es"


def test_the_account_api_needs_a_login(api):
    assert api.get("/api/v1/account/").status_code in (401, 403)


def test_staff_set_a_clients_language_on_the_client_form(client, cast):
    client.force_login(cast.clinician)
    url = reverse("clients:edit", args=[cast.client.id])
    form = client.get(url).context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("race",)
    }
    data.update(
        program=cast.program.id,
        primary_clinician=cast.clinician.id,
        coordinator=cast.coordinator.id,
        language="es",
    )
    answer = client.post(url, data)
    assert answer.status_code == 302, answer.context["form"].errors
    cast.client_user.refresh_from_db()
    assert cast.client_user.language == "es"
    assert AuditEvent.objects.filter(
        actor=cast.clinician, client_id=cast.client.id, changes__language=["en", "es"]
    ).exists()


def test_staff_print_a_spanish_clients_safety_plan_in_spanish(client, cast, spanish_client):
    sections = {name: "Una línea" for name in SECTION_FIELDS}
    safety_plan_create(actor=cast.clinician, client=cast.client, **sections)
    client.force_login(cast.clinician)
    text = client.get(reverse("safety:plan_print", args=[cast.client.id])).content.decode()
    assert '<html lang="es">' in text
    assert "1. Señales de advertencia" in text
    assert "Mis razones para vivir" in text
