"""Rules the pages check first are enforced by the selectors and services themselves, with the
same messages, so a direct caller (a task, the API, another app) cannot go around them."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from recoverypath.testing.selectors import program_report


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (date(2026, 11, 2), date(2026, 11, 1), "end", "The end cannot be before the start."),
        (date(2024, 1, 1), date(2026, 1, 2), "start", "Choose at most two years."),
    ],
)
def test_the_program_report_refuses_a_backwards_or_overlong_period(
    cast, start, end, field, message
):
    with pytest.raises(ValidationError) as caught:
        program_report(user=cast.coordinator, program=cast.program, start=start, end=end)
    assert caught.value.message_dict == {field: [message]}


def test_the_program_report_takes_two_years_exactly(cast):
    report = program_report(
        user=cast.coordinator, program=cast.program, start=date(2024, 1, 1), end=date(2026, 1, 1)
    )
    assert report.tests == 0


def test_the_report_page_shows_the_same_message_on_its_field(client, cast):
    client.force_login(cast.coordinator)
    response = client.get(
        "/testing/report/", {"program": cast.program.id, "start": "2026-11-02", "end": "2026-11-01"}
    )
    assert response.status_code == 400
    assert "The end cannot be before the start." in response.content.decode()


@pytest.mark.parametrize("role", ["coordinator", "clinician", "admin", "front_desk", "outsider"])
def test_only_the_client_marks_their_tests_seen(cast, role):
    """A staff member looking at the client's tests must not stop the client's reminder."""
    from django.core.exceptions import PermissionDenied

    from recoverypath.testing.services import selections_mark_seen

    with pytest.raises(PermissionDenied):
        selections_mark_seen(actor=cast.person(role), client=cast.client)
    assert selections_mark_seen(actor=cast.client_user, client=cast.client) == 0
