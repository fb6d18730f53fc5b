from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from recoverypath.core.errors import ConflictError
from recoverypath.core.todo import todo_list
from recoverypath.scheduling import services

from .conftest import make_clients, past_session

pytestmark = pytest.mark.django_db
DAP = {
    "data": "Shared a craving episode.",
    "assessment": "Coping skills emerging.",
    "plan": "Practise urge surfing; review Thursday.",
}


@pytest.fixture
def session_and_client(cast, group_factory):
    group = group_factory()
    client = make_clients(cast, 1)[0]
    services.group_enroll(
        actor=cast.front_desk, group=group, client=client, on_date=date(2026, 1, 5)
    )
    return past_session(cast, group), client


def test_a_signed_note_is_locked_and_an_addendum_keeps_the_original(cast, session_and_client):
    session, client = session_and_client
    note = services.note_create(actor=cast.clinician, session=session, client=client, **DAP)
    services.note_sign(actor=cast.clinician, note=note)
    with pytest.raises(ConflictError) as exc:
        services.note_update(actor=cast.clinician, note=note, plan="Changed my mind")
    assert exc.value.message == "This note is signed and locked. Add an addendum instead."
    services.note_addendum_add(
        actor=cast.clinician, note=note, text="Client called: sponsor found."
    )
    note.refresh_from_db()
    assert note.plan == DAP["plan"] and note.status == "signed" and note.signed_at
    assert [a.text for a in note.addenda.all()] == ["Client called: sponsor found."]


def test_a_draft_is_edited_by_its_author_only(cast, session_and_client):
    session, client = session_and_client
    note = services.note_create(actor=cast.clinician, session=session, client=client)
    services.note_update(actor=cast.clinician, note=note, data="Arrived on time.")
    with pytest.raises(PermissionDenied):
        services.note_update(actor=cast.admin, note=note, data="Overwritten")
    with pytest.raises(PermissionDenied):
        services.note_sign(actor=cast.admin, note=note)


def test_an_incomplete_note_cannot_be_signed(cast, session_and_client):
    session, client = session_and_client
    note = services.note_create(
        actor=cast.clinician, session=session, client=client, data="Only data"
    )
    with pytest.raises(ValidationError) as exc:
        services.note_sign(actor=cast.clinician, note=note)
    assert set(exc.value.message_dict) == {"assessment", "plan"}


def test_one_note_per_client_per_session(cast, session_and_client):
    session, client = session_and_client
    services.note_create(actor=cast.clinician, session=session, client=client)
    with pytest.raises(ValidationError):
        services.note_create(actor=cast.admin, session=session, client=client)


def test_a_draft_cannot_take_an_addendum(cast, session_and_client):
    session, client = session_and_client
    note = services.note_create(actor=cast.clinician, session=session, client=client)
    with pytest.raises(ValidationError):
        services.note_addendum_add(actor=cast.clinician, note=note, text="x")


@pytest.mark.parametrize("role", ["coordinator", "front_desk"])
def test_only_clinicians_and_admins_write_notes(cast, session_and_client, role):
    session, client = session_and_client
    with pytest.raises(PermissionDenied):
        services.note_create(actor=cast.staff_users()[role], session=session, client=client)


def test_a_note_for_a_client_not_in_the_session_is_refused(cast, session_and_client):
    session, _ = session_and_client
    with pytest.raises(ValidationError):
        services.note_create(actor=cast.clinician, session=session, client=cast.client)


def test_unsigned_notes_older_than_72_hours_are_on_the_authors_todo(cast, session_and_client):
    session, client = session_and_client
    with time_machine.travel("2026-11-01 09:00:00Z", tick=False):
        note = services.note_create(actor=cast.clinician, session=session, client=client, **DAP)
    with time_machine.travel("2026-11-04 08:59:00Z", tick=False):
        assert not [
            i for i in todo_list(user=cast.clinician) if i.kind == "scheduling.unsigned_note"
        ]
    with time_machine.travel("2026-11-04 09:01:00Z", tick=False):
        items = [i for i in todo_list(user=cast.clinician) if i.kind == "scheduling.unsigned_note"]
        assert [i.url for i in items] == [f"/schedule/notes/{note.id}/"]
        assert not [i for i in todo_list(user=cast.admin) if i.kind == "scheduling.unsigned_note"]
        services.note_sign(actor=cast.clinician, note=note)
        assert not [
            i for i in todo_list(user=cast.clinician) if i.kind == "scheduling.unsigned_note"
        ]
