"""A client's way out of IOP: enrollment opens the discharge plan, the team completes the
checklist, books the first aftercare appointment, graduates the client (aftercare starts, the
alumni network is offered on the phone), and the gap in care is measured."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from recoverypath.aftercare.models import AftercarePlan, ExternalProvider
from recoverypath.scheduling.models import Attendance, Session

from .conftest import PHONE, log_in

NY = ZoneInfo("America/New_York")


def _fill_item(page, label: str, fill) -> None:
    """From the plan page: open the item, fill it, mark it done; saving returns to the plan."""
    page.get_by_role("link", name=label).click()
    fill(page)
    page.get_by_label("Status").select_option("done")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"{label}: saved.")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_a_client_goes_from_enrollment_through_the_checklist_to_graduation_and_aftercare(
    new_page, cast
):
    today = datetime.now(NY).date()
    start, graduation = today - timedelta(days=45), today - timedelta(days=2)
    provider = ExternalProvider.objects.create(
        organization=cast.program.organization,
        name="Birchlight Counseling (fictional)",
        kind="therapist",
        phone="+12025550166",
    )
    last_session = datetime.combine(today - timedelta(days=3), datetime.min.time(), NY).replace(
        hour=18
    )
    session = Session.objects.create(
        program=cast.program,
        client=cast.client,
        session_type=Session._meta.get_field("session_type").choices[0][0],
        facilitator=cast.clinician,
        starts_at=last_session,
        ends_at=last_session + timedelta(hours=3),
    )
    Attendance.objects.create(
        session=session, client=cast.client, status="present", minutes_attended=180
    )

    page = new_page()
    log_in(page, cast.clinician.email, cast.password)

    # Enrollment in IOP opens the discharge plan in week one.
    page.goto(f"/clients/{cast.client.id}/")
    page.get_by_role("link", name="Enroll in a level of care").click()
    for question in (
        "Does the person need medically managed withdrawal (detox)?",
        "Is the living environment unsafe for recovery?",
        "Is there an acute safety risk (to self or others)?",
    ):
        page.get_by_role("group", name=question).get_by_label("No").check()
    page.get_by_role(
        "group", name="Can the person attend the program's hours each week?"
    ).get_by_label("Yes").check()
    page.get_by_label("Start date").fill(start.isoformat())
    page.get_by_label("Planned end date").fill(graduation.isoformat())
    page.get_by_role("button", name="Enroll").click()
    expect(page.get_by_text("Enrolled in 2.1 Intensive outpatient.")).to_be_visible()
    page.get_by_role("link", name="Open discharge plan").click()
    expect(page.get_by_test_id("missing-items").get_by_role("listitem")).to_have_count(7)

    # The checklist, item by item, with its structured data.
    _fill_item(
        page,
        "Living situation assessed",
        lambda p: p.get_by_label("Situation").select_option("stable"),
    )
    _fill_item(
        page,
        "Barriers to sobriety named, each with a plan",
        lambda p: p.get_by_label("Barriers and plans").fill(
            "Friday drinks with coworkers | Friday evening NA meeting instead"
        ),
    )

    def peer(p):
        p.get_by_label("Group", exact=True).select_option("na")
        p.get_by_label("Mon").check()
        p.get_by_label("Fri").check()

    _fill_item(page, "Peer support chosen", peer)
    _fill_item(
        page,
        "Family involvement",
        lambda p: p.get_by_label("Involvement").select_option("declined"),
    )
    _fill_item(
        page,
        "Medication continuity",
        lambda p: p.get_by_label("No current medications").check(),
    )
    _fill_item(
        page,
        "Aftercare plan drafted",
        lambda p: p.get_by_label("Aftercare plan summary").fill(
            "Weekly therapy at Birchlight, NA Monday and Friday, coordinator check-ins."
        ),
    )

    # Booking the first aftercare appointment completes the last required item.
    page.get_by_role("link", name="Refer to a provider").click()
    page.get_by_label("Provider").select_option(label=str(provider))
    page.get_by_label("Reason").fill("Weekly outpatient therapy")
    page.get_by_label("First appointment (if booked)").fill(
        f"{(today - timedelta(days=1)).isoformat()}T10:00"
    )
    page.get_by_role("button", name="Record referral").click()
    expect(page.get_by_text("Referral recorded.")).to_be_visible()
    expect(page.get_by_test_id("ready")).to_be_visible()

    # Graduation: the episode finishes as completed and aftercare starts.
    page.get_by_label("Graduation date").fill(graduation.isoformat())
    page.get_by_role("button", name="Graduate Juniper Quillfeather").click()
    expect(
        page.get_by_text("Juniper Quillfeather graduated. Aftercare has started.")
    ).to_be_visible()
    expect(page.get_by_test_id("graduated")).to_be_visible()
    expect(page.get_by_test_id("gap-days")).to_have_text("No aftercare contact yet")
    assert AftercarePlan.objects.filter(client=cast.client, status="active").exists()

    # The first appointment is attended: the gap is measured from the last IOP session.
    page.get_by_role("link", name="Update").click()
    page.get_by_label("New status").select_option("attended")
    page.get_by_role("button", name="Update referral").click()
    expect(page.get_by_test_id("gap-days")).to_have_text("2 days")
    page.goto("/discharge/report/gap/")
    row = page.get_by_role("row").filter(has_text="Juniper Quillfeather")
    expect(row).to_contain_text("2 days")

    # On the phone, the client's home has switched to aftercare and offers the alumni network.
    phone = new_page(PHONE)
    log_in(phone, cast.client_user.email, cast.password)
    aftercare = phone.get_by_test_id("home-aftercare")
    expect(aftercare).to_contain_text("You graduated from IOP")
    expect(aftercare).to_contain_text("Your aftercare plan has started.")
    aftercare.get_by_role("button", name="Join the alumni network").click()
    expect(phone.get_by_text("Welcome to the alumni network!")).to_be_visible()
    expect(phone.get_by_text("You're in the alumni network.")).to_be_visible()
