"""Every read of a client's record leaves an audit event; nobody can change or remove one."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client as WebClient
from django.test import RequestFactory

from recoverypath.core.audit import Action, audit_record
from recoverypath.core.models import AppendOnlyError, AuditEvent
from tests.conftest import api_as

ADDRESS = "203.0.113.7"  # TEST-NET-3


def _web(user) -> WebClient:
    web = WebClient(REMOTE_ADDR=ADDRESS)
    web.force_login(user)
    return web


def _events(**filters):
    return list(AuditEvent.objects.filter(**filters))


@pytest.mark.parametrize(
    "url",
    [
        "/clients/{id}/",
        "/clients/{id}/edit/",
        "/clients/{id}/contacts/new/",
    ],
)
def test_each_client_page_view_leaves_a_read_event(cast, url):
    response = _web(cast.clinician).get(url.format(id=cast.client.id))
    assert response.status_code == 200
    [event] = _events(action=Action.READ, client_id=cast.client.id)
    assert event.actor == cast.clinician
    assert event.actor_email == cast.clinician.email
    assert event.ip_address == ADDRESS
    assert event.organization_id == cast.client.organization_id
    assert event.object_type == "clients.client"
    assert event.object_id == str(cast.client.id)
    assert event.path == url.format(id=cast.client.id)


def test_the_clients_own_home_page_leaves_a_read_event(cast):
    assert _web(cast.client_user).get("/me/").status_code == 200
    [event] = _events(action=Action.READ, client_id=cast.client.id)
    assert event.actor == cast.client_user
    assert event.ip_address == ADDRESS


def test_the_caseload_leaves_one_list_event_per_client_shown(cast):
    assert _web(cast.clinician).get("/clients/").status_code == 200
    events = _events(action=Action.LIST)
    assert [(e.client_id, e.actor_id, e.ip_address) for e in events] == [
        (cast.client.id, cast.clinician.id, ADDRESS)
    ]
    assert events[0].organization_id == cast.client.organization_id


def test_an_api_read_of_a_client_leaves_a_read_event(cast):
    api = api_as(cast.clinician)
    assert api.get(f"/api/v1/clients/{cast.client.id}/", REMOTE_ADDR=ADDRESS).status_code == 200
    [event] = _events(action=Action.READ, client_id=cast.client.id)
    assert (event.actor, event.ip_address) == (cast.clinician, ADDRESS)


def test_an_api_list_of_clients_leaves_a_list_event_per_client(cast):
    api = api_as(cast.admin)
    assert api.get("/api/v1/clients/", REMOTE_ADDR=ADDRESS).status_code == 200
    [event] = _events(action=Action.LIST)
    assert (event.actor, event.client_id, event.ip_address) == (
        cast.admin,
        cast.client.id,
        ADDRESS,
    )


def test_api_reads_of_support_contacts_are_audited(cast):
    contact = cast.client.support_contacts.get()
    api = api_as(cast.coordinator)
    assert api.get("/api/v1/support-contacts/", REMOTE_ADDR=ADDRESS).status_code == 200
    assert api.get(f"/api/v1/support-contacts/{contact.id}/").status_code == 200
    listed = _events(action=Action.LIST, object_type="clients.supportcontact")
    read = _events(action=Action.READ, object_type="clients.supportcontact")
    assert [(e.client_id, e.object_id) for e in listed] == [(cast.client.id, str(contact.id))]
    assert [(e.client_id, e.actor_id) for e in read] == [(cast.client.id, cast.coordinator.id)]


def test_a_refused_read_leaves_no_event_naming_the_client(cast):
    api = api_as(cast.outsider)
    assert api.get(f"/api/v1/clients/{cast.client.id}/").status_code == 404
    assert not _events(client_id=cast.client.id)


def test_writes_are_audited_with_before_and_after(cast):
    api = api_as(cast.clinician)
    response = api.patch(
        f"/api/v1/clients/{cast.client.id}/", {"phone": "(312) 555-0199"}, format="json"
    )
    assert response.status_code == 200
    [event] = _events(action=Action.UPDATE, client_id=cast.client.id)
    assert event.changes == {"phone": ["+12025550143", "+13125550199"]}


def test_log_in_log_out_and_a_failed_log_in_are_audited(cast):
    web = WebClient(REMOTE_ADDR=ADDRESS)
    response = web.post(
        "/accounts/login/", {"username": cast.clinician.email, "password": "not-the-password"}
    )
    assert response.status_code == 200
    [failed] = _events(action=Action.LOGIN_FAILED)
    assert failed.changes == {"attempted_email": cast.clinician.email}
    assert failed.actor is None
    assert failed.ip_address == ADDRESS

    response = web.post(
        "/accounts/login/", {"username": cast.clinician.email, "password": cast.password}
    )
    assert response.status_code == 302
    [login] = _events(action=Action.LOGIN)
    assert (login.actor, login.ip_address) == (cast.clinician, ADDRESS)

    assert web.post("/accounts/logout/").status_code == 302
    [logout] = _events(action=Action.LOGOUT)
    assert logout.actor == cast.clinician


def test_an_audit_event_cannot_be_saved_again(cast):
    event = audit_record(actor=cast.admin, action=Action.READ, client_id=cast.client.id)
    event.action = Action.DELETE
    with pytest.raises(AppendOnlyError):
        event.save()
    event.refresh_from_db()
    assert event.action == Action.READ


def test_an_audit_event_cannot_be_deleted(cast):
    event = audit_record(actor=cast.admin, action=Action.READ, client_id=cast.client.id)
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_audit_events_cannot_be_updated_in_bulk(cast):
    event = audit_record(actor=cast.admin, action=Action.READ, client_id=cast.client.id)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action=Action.DELETE)
    event.action = Action.DELETE
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["action"])
    event.refresh_from_db()
    assert event.action == Action.READ


def test_the_django_admin_offers_no_add_change_or_delete_of_audit_events(cast):
    model_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/admin/core/auditevent/")
    request.user = cast.admin
    cast.admin.is_superuser = True
    cast.admin.is_staff = True
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)


def test_a_superuser_cannot_delete_an_audit_event_through_the_admin(cast):
    event = audit_record(actor=cast.admin, action=Action.READ, client_id=cast.client.id)
    cast.admin.is_superuser = True
    cast.admin.is_staff = True
    cast.admin.save()
    web = _web(cast.admin)
    url = f"/admin/core/auditevent/{event.pk}/"
    assert web.get(url + "delete/").status_code == 403
    assert web.post(url + "delete/", {"post": "yes"}).status_code == 403
    web.post(url + "change/", {"action": "delete"})
    event.refresh_from_db()
    assert event.action == Action.READ
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_api_has_no_way_to_write_audit_events(cast):
    api = api_as(cast.admin)
    for method in ("post", "put", "patch", "delete"):
        response = getattr(api, method)("/api/v1/audit-events/1/", {}, format="json")
        assert response.status_code in (404, 405)
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    audit_paths = {path: ops for path, ops in schema["paths"].items() if "audit" in path}
    # The one audit route lists events for admins; it offers no write of any kind.
    assert list(audit_paths) == ["/api/v1/audit-events/"]
    assert set(audit_paths["/api/v1/audit-events/"]) == {"get"}


def test_the_audit_log_page_is_read_only_and_filters(cast):
    web = _web(cast.admin)
    web.get(f"/clients/{cast.client.id}/")
    response = web.get("/audit/", {"client": cast.client.id, "action": "read"})
    assert response.status_code == 200
    assert cast.admin.email in response.content.decode()
    main = response.content.split(b"<main")[1].split(b"</main>")[0]  # not the footer's switch
    assert b'<form method="post"' not in main
    assert web.post("/audit/").status_code in (403, 405, 200)
    assert AuditEvent.objects.filter(action=Action.READ).count() == 1


def test_the_audit_log_shows_an_admin_only_their_organizations_events(cast):
    _web(cast.clinician).get(f"/clients/{cast.client.id}/")
    _web(cast.outsider).get(f"/clients/{cast.outsider_client.id}/")
    mine = _web(cast.admin).get("/audit/", {"action": "read"}).content.decode()
    theirs = _web(cast.outsider).get("/audit/", {"action": "read"}).content.decode()
    assert cast.clinician.email in mine and cast.outsider.email not in mine
    assert cast.outsider.email in theirs and cast.clinician.email not in theirs


def test_reading_a_client_in_the_django_admin_is_audited(cast):
    cast.admin.is_superuser = True
    cast.admin.is_staff = True
    cast.admin.save()
    web = _web(cast.admin)
    response = web.get(f"/admin/clients/client/{cast.client.id}/change/")
    assert response.status_code == 200
    [event] = _events(action=Action.READ, client_id=cast.client.id)
    assert (event.actor, event.ip_address) == (cast.admin, ADDRESS)
