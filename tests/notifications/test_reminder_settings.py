"""A program's reminder settings: every kind on by default, changed by program admins only (web
page and API), validated, audited, and read in one query."""

from __future__ import annotations

from datetime import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recoverypath.core.models import AuditEvent
from recoverypath.notifications import selectors, services
from recoverypath.notifications.models import ReminderSetting
from tests.conftest import api_as

NOT_ADMINS = [
    "clinician",
    "coordinator",
    "front_desk",
    "other_program_clinician",
    "outsider",
    "client_user",
]


def _url(program) -> str:
    return f"/api/v1/reminder-settings/{program.id}/"


def _page(program) -> str:
    return f"/notifications/reminders/{program.id}/"


def _as(cast, who: str):
    return api_as(None if who == "anonymous" else getattr(cast, who))


def test_every_kind_of_reminder_is_on_by_default_with_its_times(cast):
    configs = selectors.reminder_configs(program_id=cast.program.id)
    assert all(config.enabled for config in configs.values())
    assert configs["session_day_before"].lead_minutes == 24 * 60
    assert configs["session_hour_before"].lead_minutes == 60
    assert configs["check_in_missed"].send_time == time(9, 0)
    assert configs["coordinator_check_in"].lead_minutes == 24 * 60


def test_an_admin_changes_a_kind_and_the_change_is_audited_with_before_and_after(cast):
    services.reminder_settings_update(
        actor=cast.admin,
        program=cast.program,
        changes={
            "session_hour_before": {"lead_minutes": 30},
            "check_in_missed": {"enabled": False},
        },
    )
    configs = selectors.reminder_configs(program_id=cast.program.id)
    assert configs["session_hour_before"].lead_minutes == 30
    assert configs["check_in_missed"].enabled is False
    assert configs["check_in_missed"].send_time == time(9, 0)
    event = AuditEvent.objects.get(object_type="notifications.reminder_settings")
    before, after = event.changes["reminders"]
    assert before["session_hour_before"]["lead_minutes"] == 60
    assert after["session_hour_before"]["lead_minutes"] == 30
    # The other program is untouched.
    assert selectors.reminder_configs(program_id=cast.other_program.id)["check_in_missed"].enabled


def test_saving_the_same_values_writes_no_row_and_no_audit(cast):
    services.reminder_settings_update(
        actor=cast.admin, program=cast.program, changes={"session_day_before": {"enabled": True}}
    )
    assert not ReminderSetting.objects.exists()
    assert not AuditEvent.objects.filter(object_type="notifications.reminder_settings").exists()


@pytest.mark.parametrize("who", NOT_ADMINS)
def test_only_the_programs_admins_change_its_reminders(cast, who):
    with pytest.raises(PermissionDenied):
        services.reminder_settings_update(
            actor=getattr(cast, who),
            program=cast.program,
            changes={"session_day_before": {"enabled": False}},
        )
    assert not ReminderSetting.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {"session_hour_before": {"lead_minutes": 5}},
            "reminders.session_hour_before.lead_minutes",
        ),
        (
            {"session_day_before": {"lead_minutes": True}},
            "reminders.session_day_before.lead_minutes",
        ),
        ({"check_in_daily": {"lead_minutes": 30}}, "reminders.check_in_daily.lead_minutes"),
        ({"session_day_before": {"send_time": time(8)}}, "reminders.session_day_before.send_time"),
        ({"check_in_missed": {"send_time": "nine"}}, "reminders.check_in_missed.send_time"),
        ({"telepathy": {"enabled": True}}, "reminders.telepathy"),
        ({"check_in_daily": {"colour": "blue"}}, "reminders.check_in_daily.colour"),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(cast, changes, field):
    with pytest.raises(ValidationError) as caught:
        services.reminder_settings_update(actor=cast.admin, program=cast.program, changes=changes)
    assert field in caught.value.message_dict
    assert not ReminderSetting.objects.exists()


# --- API -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"), [("admin", 200), ("anonymous", 401)] + [(w, 404) for w in NOT_ADMINS]
)
def test_only_program_admins_read_the_reminder_settings(cast, who, status):
    assert _as(cast, who).get(_url(cast.program)).status_code == status


def test_the_api_shows_every_kind_with_its_defaults_and_limits(cast):
    body = api_as(cast.admin).get(_url(cast.program)).json()
    kinds = {r["kind"]: r for r in body["reminders"]}
    assert body["program"] == cast.program.id
    assert kinds["session_hour_before"]["lead_minutes"] == 60
    assert kinds["session_hour_before"]["lead_limits"] == [10, 720]
    assert kinds["check_in_missed"]["send_time"] == "09:00:00"
    assert kinds["check_in_daily"]["lead_minutes"] is None
    assert kinds["check_in_daily"]["lead_limits"] is None


def test_an_admin_changes_reminders_over_the_api(cast):
    response = api_as(cast.admin).put(
        _url(cast.program),
        {
            "reminders": [
                {"kind": "session_day_before", "enabled": False},
                {"kind": "check_in_missed", "send_time": "08:30"},
            ]
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    kinds = {r["kind"]: r for r in response.json()["reminders"]}
    assert kinds["session_day_before"]["enabled"] is False
    assert kinds["check_in_missed"]["send_time"] == "08:30:00"
    assert AuditEvent.objects.filter(object_type="notifications.reminder_settings").count() == 1


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401)] + [(w, 404) for w in NOT_ADMINS])
def test_only_program_admins_change_reminders_over_the_api(cast, who, status):
    body = {"reminders": [{"kind": "session_day_before", "enabled": False}]}
    assert _as(cast, who).put(_url(cast.program), body, format="json").status_code == status
    assert not ReminderSetting.objects.exists()


@pytest.mark.parametrize(
    ("reminders", "field"),
    [
        ([{"kind": "session_hour_before", "lead_minutes": 99999}], "reminders.session_hour_before"),
        ([{"kind": "session_hour_before", "lead_minutes": "soon"}], "reminders.0.lead_minutes"),
        ([{"kind": "telepathy", "enabled": True}], "reminders.0.kind"),
        ([{"kind": "check_in_daily"}, {"kind": "check_in_daily"}], "reminders"),
        ("all of them", "reminders"),
    ],
)
def test_bad_reminder_settings_are_a_400_and_nothing_changes(cast, reminders, field):
    response = api_as(cast.admin).put(_url(cast.program), {"reminders": reminders}, format="json")
    assert response.status_code == 400, response.content
    fields = response.json()["error"]["fields"]
    assert any(name.startswith(field) for name in fields), fields
    assert not ReminderSetting.objects.exists()


def test_an_unknown_or_foreign_program_is_a_404(cast):
    api = api_as(cast.admin)
    assert api.get("/api/v1/reminder-settings/999999/").status_code == 404
    assert api.get(_url(cast.outsider_program)).status_code == 404


# --- Web page ------------------------------------------------------------------------------------


def _form_data(client, cast) -> dict:
    client.force_login(cast.admin)
    form = client.get(_page(cast.program)).context["form"]
    client.logout()
    data = {}
    for name, field in form.fields.items():
        value = field.initial
        if value is False:
            continue
        data[name] = value.strftime("%H:%M") if isinstance(value, time) else value
    return data


def test_an_admin_switches_a_reminder_off_on_the_page(client, cast):
    data = _form_data(client, cast)
    data.pop("check_in_daily__enabled")
    data["session_hour_before__lead_minutes"] = 45
    client.force_login(cast.admin)
    response = client.post(_page(cast.program), data)
    assert response.status_code == 302
    configs = selectors.reminder_configs(program_id=cast.program.id)
    assert configs["check_in_daily"].enabled is False
    assert configs["session_hour_before"].lead_minutes == 45


def test_an_out_of_range_lead_time_is_a_form_error(client, cast):
    data = _form_data(client, cast)
    data["session_hour_before__lead_minutes"] = 1
    client.force_login(cast.admin)
    response = client.post(_page(cast.program), data)
    assert response.status_code == 200
    assert response.context["form"].errors["session_hour_before__lead_minutes"]
    assert not ReminderSetting.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302)] + [(w, 404) for w in NOT_ADMINS])
def test_only_program_admins_save_reminders_on_the_web(client, cast, who, status):
    data = _form_data(client, cast)
    data.pop("check_in_daily__enabled")
    if who != "anonymous":
        client.force_login(getattr(cast, who))
    assert client.post(_page(cast.program), data).status_code == status
    assert client.get(_page(cast.program)).status_code == status
    assert not ReminderSetting.objects.exists()


def test_the_settings_page_reads_every_kind_in_one_query(client, cast):
    ReminderSetting.objects.create(program=cast.program, kind="check_in_daily", enabled=False)
    client.force_login(cast.admin)
    client.get(_page(cast.program))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_page(cast.program)).status_code == 200
    reads = [
        q["sql"] for q in queries.captured_queries if "notifications_remindersetting" in q["sql"]
    ]
    assert len(reads) == 1
