"""The coordinator dashboard and early-warning rule settings over JSON."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recoverypath.alerts.models import Alert
from recoverypath.core.models import AuditEvent
from recoverypath.earlywarning.models import RuleSetting
from recoverypath.monitoring.models import CheckIn
from tests.conftest import api_as

from .builders import build_caseload
from .conftest import NOW, TODAY

DASHBOARD = "/api/v1/coordinator-dashboard/"


def _as(cast, who: str):
    return api_as(None if who == "anonymous" else getattr(cast, who))


def _fields(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["error"]["fields"]


def _rules_url(program) -> str:
    return f"/api/v1/early-warning-rules/{program.id}/"


# Dashboard


@pytest.mark.parametrize(
    "who,status,rows",
    [
        ("admin", 200, 1),
        ("clinician", 200, 1),
        ("coordinator", 200, 1),
        ("front_desk", 403, 0),
        ("other_program_clinician", 200, 0),
        ("outsider", 200, 0),
        ("client_user", 403, 0),
        ("anonymous", 401, 0),
    ],
)
def test_dashboard_access_by_role(cast, plan, who, status, rows):
    response = _as(cast, who).get(DASHBOARD)
    assert response.status_code == status
    if status == 200:
        assert response.json()["count"] == rows


def test_a_row_has_the_numbers_the_caseload_page_shows(cast, plan):
    CheckIn.objects.create(
        client=cast.client, date=TODAY, mood=4, craving=3, sleep_hours=7, stress=2
    )
    CheckIn.objects.create(
        client=cast.client,
        date=TODAY - timedelta(days=2),
        mood=2,
        craving=8,
        sleep_hours=5,
        stress=7,
    )
    Alert.objects.create(
        client=cast.client,
        kind="monitoring.high_craving",
        severity="high",
        reason="Cravings 8/10.",
        dedup_key="t:1",
        raised_at=NOW,
        last_raised_at=NOW,
    )
    response = api_as(cast.coordinator).get(DASHBOARD)
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["client"] == cast.client.id
    assert row["name"] == cast.client.display_name
    assert row["risk_order"] == 1
    assert row["last_check_in"] == str(TODAY)
    assert row["days_since_check_in"] == 0
    assert len(row["moods"]) == len(row["cravings"]) == 14
    assert row["moods"][-1] == 4 and row["cravings"][-3] == 8 and row["moods"][-2] is None
    assert row["open_alerts"] == 1 and row["top_severity"] == "high"
    assert row["next_appointment"] is None  # the first check-in (May 15) has passed
    assert "adherence" in row and "days_sober" in row
    assert AuditEvent.objects.filter(action="list", client_id=cast.client.id).exists()


def test_rows_are_in_risk_order_across_pages(cast, at_noon):
    build_caseload(
        program=cast.program, coordinator=cast.coordinator, clients=8, days=14, today=TODAY
    )
    api = api_as(cast.coordinator)
    first = api.get(DASHBOARD, {"page_size": 5}).json()
    second = api.get(DASHBOARD, {"page_size": 5, "page": 2}).json()
    assert [r["risk_order"] for r in first["results"]] == [1, 2, 3, 4, 5]
    assert [r["risk_order"] for r in second["results"]] == [6, 7, 8]
    assert first["results"][0]["open_alerts"] >= 1


@pytest.mark.parametrize(
    "query,expected",
    [
        ({"q": "Quillfeather"}, 1),
        ({"q": "Nobody"}, 0),
        ({"mine": "true"}, 1),
        ({"status": "paused"}, 0),
        ({"risk": "alerts"}, 0),
    ],
)
def test_dashboard_filters(cast, plan, query, expected):
    response = api_as(cast.coordinator).get(DASHBOARD, query)
    assert response.status_code == 200
    assert response.json()["count"] == expected


def test_only_my_clients_leaves_out_a_colleagues(cast, plan):
    response = api_as(cast.clinician).get(DASHBOARD, {"mine": "true"})
    assert response.json()["count"] == 0


@pytest.mark.parametrize(
    "query,field",
    [
        ({"risk": "extreme"}, "risk"),
        ({"status": "completed"}, "status"),
        ({"program": "abc"}, "program"),
        ({"mine": "perhaps"}, "mine"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_bad_dashboard_filters_are_a_400(cast, plan, query, field):
    assert field in _fields(api_as(cast.coordinator).get(DASHBOARD, query))


def test_filtering_by_a_program_the_caller_does_not_coordinate_is_a_400(cast, plan):
    response = api_as(cast.coordinator).get(DASHBOARD, {"program": cast.other_program.id})
    assert "program" in _fields(response)
    response = api_as(cast.coordinator).get(DASHBOARD, {"program": cast.program.id})
    assert response.json()["count"] == 1


def test_the_dashboard_runs_the_same_queries_for_4_and_40_clients(
    cast, at_noon, django_assert_num_queries
):
    api = api_as(cast.coordinator)
    build_caseload(
        program=cast.program, coordinator=cast.coordinator, clients=4, days=20, today=TODAY
    )
    api.get(DASHBOARD)  # warm up
    with CaptureQueriesContext(connection) as ctx:
        api.get(DASHBOARD, {"page_size": 100})
    small = len(ctx.captured_queries)
    build_caseload(
        program=cast.program,
        coordinator=cast.coordinator,
        clients=36,
        days=20,
        today=TODAY,
        prefix="B",
    )
    with django_assert_num_queries(small):
        response = api.get(DASHBOARD, {"page_size": 100})
    assert len(response.json()["results"]) == 40


# Rule settings


@pytest.mark.parametrize(
    "who,status",
    [
        ("admin", 200),
        ("clinician", 404),
        ("coordinator", 404),
        ("front_desk", 404),
        ("other_program_clinician", 404),
        ("outsider", 404),
        ("client_user", 404),
        ("anonymous", 401),
    ],
)
def test_only_program_admins_read_the_rules(cast, who, status):
    assert _as(cast, who).get(_rules_url(cast.program)).status_code == status


def test_the_rules_show_defaults_and_limits(cast):
    body = api_as(cast.admin).get(_rules_url(cast.program)).json()
    rules = {r["rule"]: r for r in body["rules"]}
    assert body["program"] == cast.program.id
    assert rules["no_checkin"]["enabled"] is True
    assert rules["no_checkin"]["params"] == {"medium_days": 2, "high_days": 4}
    assert rules["low_adherence"]["limits"]["percent"] == [1, 100]


def test_an_admin_switches_a_rule_off_and_changes_a_threshold(cast):
    response = api_as(cast.admin).put(
        _rules_url(cast.program),
        {
            "rules": [
                {"rule": "high_craving", "enabled": False},
                {"rule": "no_checkin", "params": {"high_days": 6}},
            ]
        },
    )
    assert response.status_code == 200, response.content
    rules = {r["rule"]: r for r in response.json()["rules"]}
    assert rules["high_craving"]["enabled"] is False
    assert rules["no_checkin"]["params"] == {"medium_days": 2, "high_days": 6}
    assert RuleSetting.objects.get(program=cast.program, rule="no_checkin").params["high_days"] == 6
    assert AuditEvent.objects.filter(action="update", object_type="accounts.program").exists()


@pytest.mark.parametrize(
    "who,status",
    [
        ("clinician", 404),
        ("coordinator", 404),
        ("front_desk", 404),
        ("other_program_clinician", 404),
        ("outsider", 404),
        ("client_user", 404),
        ("anonymous", 401),
    ],
)
def test_only_program_admins_change_the_rules(cast, who, status):
    body = {"rules": [{"rule": "high_craving", "enabled": False}]}
    assert _as(cast, who).put(_rules_url(cast.program), body).status_code == status
    assert not RuleSetting.objects.exists()


@pytest.mark.parametrize(
    "rules,field",
    [
        ([{"rule": "no_checkin", "params": {"high_days": 999}}], "rules.no_checkin.high_days"),
        ([{"rule": "no_checkin", "params": {"high_days": "lots"}}], "rules.0.params.high_days"),
        ([{"rule": "no_checkin", "params": {"weeks": 2}}], "rules.no_checkin.weeks"),
        ([{"rule": "telepathy", "enabled": True}], "rules.0.rule"),
        ([{"rule": "low_mood"}, {"rule": "low_mood"}], "rules"),
        ("all of them", "rules"),
    ],
)
def test_bad_rule_settings_are_a_400_and_nothing_changes(cast, rules, field):
    response = api_as(cast.admin).put(_rules_url(cast.program), {"rules": rules})
    fields = _fields(response)
    assert any(name.startswith(field) for name in fields), fields
    assert not RuleSetting.objects.exists()


def test_an_unknown_program_is_a_404_and_patch_is_not_allowed(cast):
    api = api_as(cast.admin)
    assert api.get("/api/v1/early-warning-rules/999999/").status_code == 404
    assert api.patch(_rules_url(cast.program), {"rules": []}).status_code == 405
