from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from recoverypath.care import services as care_services
from recoverypath.scheduling import services
from recoverypath.scheduling.models import Room, Session
from tests.factories import ClientFactory

from .conftest import log_in

SAFE = {
    "needs_withdrawal_management": False,
    "living_environment_unsafe": False,
    "acute_safety_risk": False,
    "can_attend_hours": True,
}


def _group_session(cast) -> tuple[Session, list]:
    room = Room.objects.create(program=cast.program, name="Room Juniper")
    group = services.group_create(
        actor=cast.clinician,
        program=cast.program,
        name="Morning process group",
        session_type="group_therapy",
        facilitator=cast.clinician,
        room=room,
        capacity=10,
        rrule="FREQ=WEEKLY;BYDAY=MO,WE,TH",
        start_date=date(2026, 1, 5),
        start_time=time(9),
        duration_minutes=180,
    )
    others = [
        ClientFactory(program=cast.program, first_name=n, last_name="Testcase")
        for n in ("Bramwell", "Corvina")
    ]
    for client in [cast.client, *others]:
        care_services.episode_start(
            actor=cast.clinician,
            client=client,
            level_code="2.1",
            start_date=date(2026, 1, 5),
            placement_answers=SAFE,
        )
        services.group_enroll(
            actor=cast.clinician, group=group, client=client, on_date=date(2026, 1, 5)
        )
    start = datetime.now(tz=UTC).replace(microsecond=0) - timedelta(hours=4)
    session = Session.objects.create(
        program=cast.program,
        group=group,
        session_type="group_therapy",
        facilitator=cast.clinician,
        room=room,
        starts_at=start,
        ends_at=start + timedelta(minutes=180),
        occurrence_date=date(2020, 1, 1),
    )
    return session, others


@pytest.mark.django_db(transaction=True)
def test_a_counselor_takes_attendance_signs_a_note_and_can_then_only_add_an_addendum(
    new_page, cast
):
    session, _ = _group_session(cast)
    page = new_page()
    log_in(page, cast.clinician.email, cast.password)

    page.goto(f"/schedule/sessions/{session.id}/")
    page.get_by_role("link", name="Take attendance").click()
    page.get_by_label("Status for Bramwell Testcase").select_option(label="Late")
    page.get_by_label("Minutes for Bramwell Testcase").fill("150")
    page.get_by_label("Status for Corvina Testcase").select_option(label="Unexcused absence")
    page.get_by_label("Minutes for Corvina Testcase").fill("")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved.")).to_be_visible()
    row = page.get_by_role("row", name="Corvina Testcase")
    expect(row.get_by_text("Unexcused absence")).to_be_visible()
    expect(page.get_by_role("row", name="Bramwell Testcase").get_by_text("Late")).to_be_visible()

    page.get_by_role("link", name="Write note for Juniper Quillfeather").click()
    page.get_by_label("Data").fill("Shared a craving episode at work.")
    page.get_by_label("Assessment").fill("Using urge surfing; insight improving.")
    page.get_by_label("Plan").fill("Continue IOP; review coping card Thursday.")
    page.get_by_role("button", name="Sign note").click()
    expect(page.get_by_text("Note signed and locked.")).to_be_visible()
    expect(page.get_by_text("Locked", exact=True)).to_be_visible()

    # Trying to edit: there is nothing to edit any more, only an addendum.
    expect(page.get_by_role("textbox", name="Plan")).to_have_count(0)
    expect(page.get_by_role("button", name="Save draft")).to_have_count(0)
    page.get_by_label("Addendum").fill("Client phoned: found a sponsor.")
    page.get_by_role("button", name="Add addendum").click()
    expect(page.get_by_text("Addendum added; the signed note is unchanged.")).to_be_visible()
    expect(page.get_by_text("Client phoned: found a sponsor.")).to_be_visible()
    expect(page.get_by_text("Continue IOP; review coping card Thursday.")).to_be_visible()
