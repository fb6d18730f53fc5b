"""The Django admin audits like the app: every model admin of ours records change-list reads,
object reads, saves and deletes (assessments, alerts, consents...), with the client named."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib import admin
from django.test import Client as WebClient

from recoverypath.alerts.services import alert_raise
from recoverypath.assessments.services import assessment_submit
from recoverypath.consent.services import consent_create
from recoverypath.core.admin import AuditedAdminMixin
from recoverypath.core.audit import Action
from recoverypath.core.models import AuditEvent

ADDRESS = "203.0.113.9"


def test_every_model_admin_of_ours_audits():
    ours = {
        model._meta.label: model_admin
        for model, model_admin in admin.site._registry.items()
        if model.__module__.startswith("recoverypath.")
    }
    assert len(ours) >= 15
    # The audit trail itself offers nothing to change or delete; reading it is no client record.
    del ours["core.AuditEvent"]
    assert [label for label, ma in ours.items() if not isinstance(ma, AuditedAdminMixin)] == []


@pytest.fixture
def superuser_web(cast):
    cast.admin.is_superuser = True
    cast.admin.is_staff = True
    cast.admin.save()
    web = WebClient(REMOTE_ADDR=ADDRESS)
    web.force_login(cast.admin)
    return web


@pytest.fixture
def records(cast):
    assessment = assessment_submit(
        actor=cast.clinician, client=cast.client, instrument="PHQ-9", answers=[1] * 9
    )
    alert = alert_raise(
        client=cast.client, kind="test.kind", severity="low", reason="Testing.", dedup_key="t:1"
    )
    consent = consent_create(
        actor=cast.coordinator,
        client=cast.client,
        information_description="Discharge summary",
        recipient_name="Birchlight Counseling (fictional)",
        purposes=["treatment"],
        revocation_right_explained=True,
        how_to_revoke="Write to the program director.",
        expires_on=date(2099, 1, 1),
        signed_by_name="Juniper Quillfeather",
        signed_on=date.today(),  # noqa: DTZ011 - the consent's own calendar day
        categories=["discharge_summary"],
        signature_attested=True,
    )
    return {"assessments/assessment": assessment, "alerts/alert": alert, "consent/consent": consent}


@pytest.mark.parametrize("page", ["assessments/assessment", "alerts/alert", "consent/consent"])
def test_admin_reads_and_deletes_are_audited(cast, superuser_web, records, page):
    record = records[page]
    label = record._meta.label_lower
    listing = superuser_web.get(f"/admin/{page}/")
    assert listing.status_code == 200
    listed = AuditEvent.objects.filter(actor=cast.admin, action=Action.LIST, object_type=label)
    rows = {(e.client_id, e.object_id, e.ip_address) for e in listed}
    assert (cast.client.id, str(record.pk), ADDRESS) in rows
    assert len(rows) == type(record).objects.count()

    assert superuser_web.get(f"/admin/{page}/{record.pk}/change/").status_code == 200
    read = AuditEvent.objects.filter(actor=cast.admin, action=Action.READ, object_type=label)
    assert [(e.client_id, e.object_id) for e in read] == [(cast.client.id, str(record.pk))]

    response = superuser_web.post(f"/admin/{page}/{record.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not type(record).objects.filter(pk=record.pk).exists()
    [deleted] = AuditEvent.objects.filter(actor=cast.admin, action=Action.DELETE, object_type=label)
    assert (deleted.client_id, deleted.object_id) == (cast.client.id, str(record.pk))
    assert deleted.changes == {"via": "admin"}


def test_bulk_deletes_in_the_admin_are_audited_per_row(cast, superuser_web, records):
    consent = records["consent/consent"]
    response = superuser_web.post(
        "/admin/consent/consent/",
        {"action": "delete_selected", "_selected_action": [consent.pk], "post": "yes"},
    )
    assert response.status_code == 302
    [deleted] = AuditEvent.objects.filter(actor=cast.admin, action=Action.DELETE)
    assert (deleted.client_id, deleted.object_id) == (cast.client.id, str(consent.pk))
