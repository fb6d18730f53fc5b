"""The coordinator dashboard: risk order, filters, sparklines, fixed queries, access."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recoverypath.aftercare.services import aftercare_plan_start
from recoverypath.alerts.models import Alert
from recoverypath.monitoring.services import check_in_submit
from tests.factories import ClientFactory
from tests.monitoring.conftest import make_check_ins

from .builders import build_caseload
from .conftest import TODAY

URL = "/aftercare/caseload/"


def _queries(client, url=URL):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_the_dashboard_runs_a_fixed_number_of_queries_for_200_clients_with_90_days(
    client, cast, at_noon
):
    build_caseload(
        program=cast.program, coordinator=cast.coordinator, clients=5, days=90, today=TODAY
    )
    client.force_login(cast.coordinator)
    client.get(URL)
    few, html = _queries(client)
    assert html.count('class="sparkline"') == 5
    build_caseload(
        program=cast.program,
        coordinator=cast.coordinator,
        clients=195,
        days=90,
        today=TODAY,
        prefix="B",
        seed=8,
    )
    many, html = _queries(client)
    assert html.count('class="sparkline"') == 50  # first page of 200
    assert many == few
    assert many <= 16
    last, html = _queries(client, URL + "?page=4")
    assert html.count('class="sparkline"') == 50
    assert last == few


def test_clients_are_sorted_by_open_alert_severity_then_recent_warning_signs(client, cast, at_noon):
    quiet = ClientFactory(program=cast.program, last_name="Quiet", coordinator=cast.coordinator)
    medium = ClientFactory(program=cast.program, last_name="Medium", coordinator=cast.coordinator)
    critical = ClientFactory(
        program=cast.program, last_name="Critical", coordinator=cast.coordinator
    )
    for c in (quiet, medium, critical, cast.client):
        aftercare_plan_start(actor=cast.coordinator, client=c, start_date=TODAY - timedelta(30))
    from recoverypath.alerts.services import alert_raise

    alert_raise(client=medium, kind="t.x", severity="medium", reason="r", dedup_key="m")
    alert_raise(client=critical, kind="t.x", severity="critical", reason="r", dedup_key="c")
    # a warning sign without an open alert still ranks above the quiet client
    check_in_submit(
        actor=cast.client_user,
        client=cast.client,
        mood=3,
        craving=1,
        sleep_hours=7,
        stress=2,
        used=True,
        substances=["alcohol"],
    )
    # resolved through the service, which keeps the plan's stored risk rank
    from recoverypath.alerts.services import alert_resolve_cleared

    for alert in Alert.objects.filter(client=cast.client):
        alert_resolve_cleared(alert_id=alert.id, note="ok")
    client.force_login(cast.coordinator)
    html = client.get(URL).content.decode()
    order = [html.index(name) for name in ("Critical", "Medium", "Quillfeather", "Quiet")]
    assert order == sorted(order)


def test_the_row_shows_days_sober_last_check_in_sparkline_adherence_and_next_appointment(
    client, cast, at_noon
):
    cast.client.sobriety_date = TODAY - timedelta(days=45)
    cast.client.save(update_fields=["sobriety_date"])
    aftercare_plan_start(
        actor=cast.coordinator,
        client=cast.client,
        start_date=TODAY - timedelta(days=10),
        components=[{"kind": "therapy", "expected_per_week": 1}],
        checkin_every_days=14,
    )
    make_check_ins(cast.client, today=TODAY - timedelta(days=3), values=[(2, 8), (3, 6)])
    client.force_login(cast.coordinator)
    html = client.get(URL).content.decode()
    assert "<td>45</td>" in html
    assert "Jun 12" in html and "(3 days ago)" in html
    assert "<polyline" in html and "craving" in html.lower()
    assert "0%" in html
    assert "Jun 19, 10:00" in html or "Jun 19" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [("risk=alerts", ["Alerted"]), ("q=Calm", ["Calm"]), ("mine=on", ["Alerted", "Calm"])],
)
def test_filters(client, cast, at_noon, query, expected):
    alerted = ClientFactory(program=cast.program, last_name="Alerted", coordinator=cast.coordinator)
    calm = ClientFactory(program=cast.program, last_name="Calm", coordinator=cast.coordinator)
    for c in (alerted, calm):
        aftercare_plan_start(actor=cast.coordinator, client=c, start_date=TODAY)
    from recoverypath.alerts.services import alert_raise

    alert_raise(client=alerted, kind="t.x", severity="high", reason="r", dedup_key="a")
    client.force_login(cast.coordinator)
    html = client.get(f"{URL}?{query}").content.decode()
    shown = [name for name in ("Alerted", "Calm") if name in html]
    assert shown == expected


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("clinician", 200),
        ("coordinator", 200),
        ("front_desk", 403),
        ("other_program_clinician", 200),
        ("outsider", 200),
        ("client_user", 403),
    ],
)
def test_dashboard_access_by_role(client, cast, at_noon, who, status):
    aftercare_plan_start(actor=cast.coordinator, client=cast.client, start_date=TODAY)
    client.force_login(getattr(cast, who))
    response = client.get(URL)
    assert response.status_code == status
    if status == 200:
        shown = "Quillfeather" in response.content.decode()
        assert shown == (who in ("admin", "clinician", "coordinator"))


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("clinician", 200),
        ("coordinator", 200),
        ("front_desk", 403),
        ("other_program_clinician", 404),
        ("outsider", 404),
        ("client_user", 403),
    ],
)
def test_timeline_access_by_role(client, cast, at_noon, who, status):
    client.force_login(getattr(cast, who))
    assert client.get(f"/aftercare/clients/{cast.client.id}/timeline/").status_code == status


def test_the_timeline_lists_check_ins_lapses_and_warning_signs(client, cast, at_noon):
    check_in_submit(
        actor=cast.client_user,
        client=cast.client,
        mood=2,
        craving=9,
        sleep_hours=5,
        stress=8,
        used=True,
        substances=["alcohol"],
    )
    client.force_login(cast.coordinator)
    html = client.get(f"/aftercare/clients/{cast.client.id}/timeline/").content.decode()
    assert "Mood 2/5, craving 9/10" in html
    assert "Lapse" in html and "Warning sign" in html


def test_anonymous_is_sent_to_log_in(client):
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("clinician", 404),
        ("coordinator", 404),
        ("front_desk", 404),
        ("other_program_clinician", 404),
        ("outsider", 404),
        ("client_user", 404),
    ],
)
def test_only_program_admins_configure_rules(client, cast, who, status):
    client.force_login(getattr(cast, who))
    assert client.get(f"/aftercare/rules/{cast.program.id}/").status_code == status


def test_an_admin_switches_a_rule_off_and_changes_a_threshold(client, cast):
    from recoverypath.earlywarning.config import rule_config

    client.force_login(cast.admin)
    form = client.get(f"/aftercare/rules/{cast.program.id}/").context["form"]
    data = {name: field.initial for name, field in form.fields.items()}
    data = {k: v for k, v in data.items() if v is not False}
    data.pop("reported_use__enabled")
    data["high_craving__threshold"] = 8
    response = client.post(f"/aftercare/rules/{cast.program.id}/", data)
    assert response.status_code == 302
    assert not rule_config(program_id=cast.program.id, rule="reported_use").enabled
    assert rule_config(program_id=cast.program.id, rule="high_craving")["threshold"] == 8


@pytest.mark.parametrize(("who", "links"), [("admin", True), ("coordinator", False)])
def test_program_admins_reach_the_rules_and_reminder_settings_from_the_dashboard(
    client, cast, at_noon, who, links
):
    client.force_login(getattr(cast, who))
    page = client.get(URL).content.decode()
    rules = f"/aftercare/rules/{cast.program.id}/"
    reminders = f"/notifications/reminders/{cast.program.id}/"
    assert (rules in page and reminders in page) == links
    if links:
        assert client.get(rules).status_code == 200
        assert client.get(reminders).status_code == 200
