"""Invitation links: single use, 72 hours, unguessable, stored hashed; client and staff kinds."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from recoverypath.accounts.invitations import TOKEN_BYTES, invitation_for_token
from recoverypath.accounts.models import Invitation, Membership, User
from recoverypath.accounts.services import membership_change_role, membership_remove, staff_invite
from recoverypath.clients.invitations import client_invite, client_login_deactivate
from recoverypath.core.errors import ConflictError
from recoverypath.core.models import AuditEvent
from tests.conftest import api_as
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"/invite/([A-Za-z0-9_-]+)/")
NEW_PASSWORD = "lantern-quiet-harbor-81"


@pytest.fixture
def newcomer(cast):
    return ClientFactory(
        program=cast.program,
        first_name="Wren",
        last_name="Tealbrook",
        email="wren@test.example.org",
    )


def _invite(cast, client, django_capture_on_commit_callbacks, **kwargs) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        client_invite(actor=cast.front_desk, client=client, email=client.email, **kwargs)
    return LINK.search(mail.outbox[-1].body).group(1)


def _accept(http, token: str, dob: str = "1990-05-17", password: str = NEW_PASSWORD):
    return http.post(
        f"/invite/{token}/",
        {"date_of_birth": dob, "password": password, "password2": password},
    )


def test_the_token_has_256_bits_and_only_its_hash_is_stored(
    cast, newcomer, django_capture_on_commit_callbacks
):
    token = _invite(cast, newcomer, django_capture_on_commit_callbacks)
    assert TOKEN_BYTES * 8 >= 128
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    invitation = Invitation.objects.get()
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(Invitation.objects.values()))
    assert not AuditEvent.objects.filter(changes__icontains=token).exists()


def test_the_link_works_once_and_lands_the_client_on_their_home(
    cast, newcomer, client, django_capture_on_commit_callbacks
):
    token = _invite(cast, newcomer, django_capture_on_commit_callbacks)
    assert client.get(f"/invite/{token}/").status_code == 200
    response = _accept(client, token)
    assert response.status_code == 302 and response["Location"] == "/me/"
    newcomer.refresh_from_db()
    assert newcomer.user.email == "wren@test.example.org"
    assert newcomer.user.check_password(NEW_PASSWORD)
    assert client.get("/me/").status_code == 200
    client.logout()
    again = _accept(client, token, password="another-long-passphrase-9")
    assert again.status_code == 404
    assert b"does not work" in again.content
    assert Invitation.objects.get().status == "accepted"


def test_the_link_expires_after_72_hours(
    cast, newcomer, client, django_capture_on_commit_callbacks
):
    token = _invite(cast, newcomer, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + timedelta(hours=71, minutes=59)):
        assert invitation_for_token(token) is not None
    with time_machine.travel(timezone.now() + timedelta(hours=72, seconds=1)):
        assert invitation_for_token(token) is None
        assert _accept(client, token).status_code == 404
        assert Invitation.objects.get().display_status == "Expired"
    newcomer.refresh_from_db()
    assert newcomer.user is None


def test_a_guessed_or_altered_token_opens_nothing(
    cast, newcomer, client, django_capture_on_commit_callbacks
):
    token = _invite(cast, newcomer, django_capture_on_commit_callbacks)
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for guess in (altered, "x" * 43, "1", hashlib.sha256(token.encode()).hexdigest()):
        assert _accept(client, guess).status_code == 404
    assert Invitation.objects.get().status == "pending"


def test_a_wrong_date_of_birth_is_refused_and_the_link_still_works(
    cast, newcomer, client, django_capture_on_commit_callbacks
):
    token = _invite(cast, newcomer, django_capture_on_commit_callbacks)
    response = _accept(client, token, dob="1991-01-01")
    assert response.status_code == 200
    assert b"does not match" in response.content
    assert _accept(client, token).status_code == 302


def test_re_inviting_replaces_the_waiting_link(
    cast, newcomer, client, django_capture_on_commit_callbacks
):
    first = _invite(cast, newcomer, django_capture_on_commit_callbacks)
    second = _invite(cast, newcomer, django_capture_on_commit_callbacks)
    assert _accept(client, first).status_code == 404
    assert _accept(client, second).status_code == 302
    assert list(Invitation.objects.order_by("id").values_list("status", flat=True)) == [
        "revoked",
        "accepted",
    ]


def test_an_address_already_linked_to_another_client_is_refused(cast, newcomer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        client_invite(actor=cast.front_desk, client=newcomer, email=cast.client_user.email)
    assert "another client" in str(refused.value)


def test_a_client_with_a_login_is_not_invited_again(cast):
    with pytest.raises(ConflictError):
        client_invite(actor=cast.front_desk, client=cast.client, email="new@test.example.org")


def test_staff_of_another_program_cannot_invite_and_the_api_invites(cast, newcomer):
    refused = api_as(cast.other_program_clinician).post(
        f"/api/v1/clients/{newcomer.id}/invite/", {"email": newcomer.email}, format="json"
    )
    assert refused.status_code == 404
    as_client = api_as(cast.client_user).post(
        f"/api/v1/clients/{cast.client.id}/invite/", {"email": "x@test.example.org"}, format="json"
    )
    assert as_client.status_code == 403
    ok = api_as(cast.front_desk).post(
        f"/api/v1/clients/{newcomer.id}/invite/", {"email": newcomer.email}, format="json"
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["status"] == "pending"
    listed = api_as(cast.front_desk).get(f"/api/v1/clients/{newcomer.id}/invitations/")
    assert [i["status"] for i in listed.json()["results"]] == ["pending"]
    no_address = api_as(cast.front_desk).post(
        f"/api/v1/clients/{newcomer.id}/invite/", {"email": "", "phone": ""}, format="json"
    )
    assert no_address.status_code == 400
    assert no_address.json()["error"]["fields"]


def test_a_waiting_invitation_can_be_revoked_from_the_client_page(
    cast, newcomer, client, django_capture_on_commit_callbacks
):
    token = _invite(cast, newcomer, django_capture_on_commit_callbacks)
    client.force_login(cast.front_desk)
    page = client.get(f"/clients/{newcomer.id}/")
    assert b"Waiting" in page.content
    invitation = Invitation.objects.get()
    client.post(f"/invitations/{invitation.id}/revoke/", {"next": f"/clients/{newcomer.id}/"})
    client.logout()
    assert _accept(client, token).status_code == 404


def test_program_admins_switch_a_client_login_off(cast):
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied for front desk
        client_login_deactivate(actor=cast.front_desk, client=cast.client)
    client_login_deactivate(actor=cast.admin, client=cast.client)
    assert not User.objects.get(pk=cast.client_user.pk).is_active
    assert AuditEvent.objects.filter(
        action="update", object_type="accounts.user", client_id=cast.client.id
    ).exists()


def test_staff_invitation_role_change_and_removal_are_audited(
    cast, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff_invite(
            actor=cast.admin,
            program=cast.program,
            email="newhire@test.example.org",
            role="clinician",
        )
    token = LINK.search(mail.outbox[-1].body).group(1)
    response = client.post(
        f"/invite/{token}/",
        {"first_name": "Nell", "password": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="newhire@test.example.org")
    assert membership.role == "clinician"
    membership_change_role(actor=cast.admin, membership=membership, role="coordinator")
    membership_remove(actor=cast.admin, membership=membership)
    actions = list(
        AuditEvent.objects.filter(
            object_type__in=["accounts.invitation", "accounts.membership"]
        ).values_list("action", "object_type", "actor_email")
    )
    assert ("create", "accounts.invitation", cast.admin.email) in actions
    assert ("create", "accounts.membership", "newhire@test.example.org") in actions
    assert ("update", "accounts.membership", cast.admin.email) in actions
    assert ("delete", "accounts.membership", cast.admin.email) in actions
    role_change = AuditEvent.objects.get(action="update", object_type="accounts.membership")
    assert role_change.changes["role"] == ["clinician", "coordinator"]


def test_only_program_admins_manage_staff(cast, client):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        staff_invite(
            actor=cast.clinician, program=cast.program, email="x@test.example.org", role="admin"
        )
    member = Membership.objects.get(user=cast.front_desk)
    with pytest.raises(PermissionDenied):
        membership_change_role(actor=cast.clinician, membership=member, role="admin")
    with pytest.raises(ConflictError):
        membership_remove(actor=cast.admin, membership=Membership.objects.get(user=cast.admin))
    client.force_login(cast.clinician)
    assert client.get(f"/staff/programs/{cast.program.id}/").status_code == 404
    client.force_login(cast.admin)
    page = client.get(f"/staff/programs/{cast.program.id}/")
    assert page.status_code == 200 and b"frontdesk@test.example.org" in page.content
    assert client.get(f"/staff/programs/{cast.outsider_program.id}/").status_code == 404


def test_an_sms_invitation_goes_through_the_sms_provider_and_asks_for_an_email(
    cast, client, settings, capsys, django_capture_on_commit_callbacks
):
    settings.SMS_URL = ""
    newcomer = ClientFactory(program=cast.program, email="", phone="+12025550161")
    with django_capture_on_commit_callbacks(execute=True):
        client_invite(actor=cast.front_desk, client=newcomer, phone="+12025550161")
    out = capsys.readouterr().out
    assert "SMS to +12025550161:" in out
    token = LINK.search(out).group(1)
    response = client.post(
        f"/invite/{token}/",
        {
            "email": "texted@test.example.org",
            "date_of_birth": "1990-05-17",
            "password": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.user.email == "texted@test.example.org"


def test_a_program_admin_invites_changes_a_role_and_removes_through_the_page(
    cast, client, django_capture_on_commit_callbacks
):
    client.force_login(cast.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/staff/programs/{cast.program.id}/",
            {"email": "nurse@test.example.org", "name": "Nell", "role": "clinician"},
        )
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["nurse@test.example.org"]
    duplicate = client.post(
        f"/staff/programs/{cast.program.id}/",
        {"email": cast.front_desk.email, "role": "clinician"},
    )
    assert b"already on the staff" in duplicate.content
    member = Membership.objects.get(user=cast.front_desk)
    client.post(f"/staff/members/{member.id}/role/", {"role": "coordinator"})
    member.refresh_from_db()
    assert member.role == "coordinator"
    client.post(f"/staff/members/{member.id}/remove/")
    assert not Membership.objects.filter(pk=member.pk).exists()
    assert AuditEvent.objects.filter(
        actor=cast.admin, object_type="accounts.membership", action="delete"
    ).exists()


def test_a_program_admin_switches_a_client_login_off_and_on_from_the_client_page(cast, client):
    client.force_login(cast.admin)
    client.post(f"/clients/{cast.client.id}/login/deactivate/")
    assert not User.objects.get(pk=cast.client_user.pk).is_active
    page = client.get(f"/clients/{cast.client.id}/").content.decode()
    assert "is switched off" in page
    client.post(f"/clients/{cast.client.id}/login/reactivate/")
    assert User.objects.get(pk=cast.client_user.pk).is_active
    client.force_login(cast.front_desk)
    client.post(f"/clients/{cast.client.id}/login/deactivate/")
    assert User.objects.get(pk=cast.client_user.pk).is_active
