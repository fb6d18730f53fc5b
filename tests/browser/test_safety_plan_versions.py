"""Safety plan edits keep every version; the client reaches the plan in one tap from home."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from recoverypath.safety.models import SafetyPlan
from recoverypath.safety.services import safety_plan_create

from .conftest import PHONE, log_in

PLAN = {
    "warning_signs": "Staying in bed, skipping meals",
    "internal_coping": "Walk the dog; music",
    "social_distractions": "Library, coffee shop on Elm",
    "people_to_ask": "Marlow (sister)",
    "professionals": "Clinician Cleo; 988",
    "environment_safety": "Medications kept by Marlow",
    "reasons_for_living": "My niece",
}


@pytest.mark.django_db(transaction=True)
def test_a_clinician_edits_the_plan_and_the_client_opens_it_in_one_tap(new_page, cast):
    safety_plan_create(actor=cast.clinician, client=cast.client, **PLAN)

    staff = new_page()
    log_in(staff, cast.clinician.email, cast.password)
    staff.goto(f"/clients/{cast.client.id}/safety-plan/")
    staff.get_by_role("link", name="Write a new version").click()
    coping = staff.get_by_label("2. Internal coping strategies")
    expect(coping).to_have_value("Walk the dog; music")
    coping.fill("Walk the dog; music; cold water on my face")
    staff.get_by_label("What changed (optional)").fill("Added a coping step")
    staff.get_by_role("button", name="Save version 2").click()
    expect(staff.get_by_role("heading", name="Current plan (version 2)")).to_be_visible()
    versions = staff.get_by_role("region", name="Versions")
    expect(versions.get_by_role("link", name="Version 1")).to_be_visible()
    expect(versions.get_by_role("link", name="Version 2")).to_be_visible()
    assert list(SafetyPlan.objects.values_list("version", "internal_coping")) == [
        (2, "Walk the dog; music; cold water on my face"),
        (1, "Walk the dog; music"),
    ]

    phone = new_page(PHONE)
    log_in(phone, cast.client_user.email, cast.password)
    assert phone.url.endswith("/me/")
    phone.get_by_role("link", name="My safety plan").click()  # the one tap
    expect(phone.get_by_role("heading", name="My safety plan")).to_be_visible()
    expect(phone.get_by_text("Walk the dog; music; cold water on my face")).to_be_visible()
    expect(phone.get_by_role("heading", name="6. Making the environment safe")).to_be_visible()
    expect(phone.get_by_test_id("crisis-resources")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
