"""The inbox page: scoped to the viewer's programs, most severe and oldest first, filters, bulk
acknowledge, nav badge, and a fixed number of queries whatever the number of alerts."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from recoverypath.alerts.models import Alert
from recoverypath.core.models import AuditEvent
from tests.factories import ClientFactory

KINDS = ["safety.phq9_item9", "attendance.unexcused_absences", "monitoring.no_checkin"]
SEVERITIES = ["critical", "high", "medium", "low"]


def _bulk_alerts(cast, count: int) -> None:
    clients = [cast.client, *ClientFactory.create_batch(4, program=cast.program)]
    now = timezone.now()
    Alert.objects.bulk_create(
        Alert(
            client=clients[i % len(clients)],
            kind=KINDS[i % len(KINDS)],
            severity=SEVERITIES[i % 4],
            reason=f"Signal number {i}",
            dedup_key=f"bulk:{i}",
            raised_at=now - timedelta(minutes=i),
            last_raised_at=now - timedelta(minutes=i),
            assignee=cast.clinician if i % 5 == 0 else None,
        )
        for i in range(count)
    )


def _inbox_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_inbox_lists_1000_alerts_in_a_fixed_number_of_queries_paginated(
    client, cast, django_assert_num_queries
):
    client.force_login(cast.coordinator)
    url = reverse("alerts:inbox")
    _bulk_alerts(cast, 3)
    baseline = _inbox_queries(client, url)

    Alert.objects.all().delete()
    _bulk_alerts(cast, 1000)
    with django_assert_num_queries(baseline):
        response = client.get(url)
    assert response.context["page"].paginator.count == 1000
    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].paginator.num_pages == 40
    with django_assert_num_queries(baseline):
        last = client.get(url + "?page=40")
    assert len(last.context["page"].object_list) == 25


def test_the_inbox_puts_the_most_severe_and_longest_waiting_first(client, cast, raise_alert):
    now = timezone.now()
    low = raise_alert(severity="low")
    new_high = raise_alert(severity="high")
    old_high = raise_alert(severity="high")
    Alert.objects.filter(pk=old_high.pk).update(raised_at=now - timedelta(hours=3))
    critical = raise_alert(severity="critical")
    client.force_login(cast.coordinator)
    page = client.get(reverse("alerts:inbox")).context["page"]
    assert [a.id for a in page] == [critical.id, old_high.id, new_high.id, low.id]


def test_the_inbox_filters_by_kind_status_assignee_and_program(client, cast, raise_alert):
    mine = raise_alert(kind="safety.phq9_item9")
    other = raise_alert(kind="monitoring.no_checkin")
    Alert.objects.filter(pk=mine.pk).update(assignee=cast.coordinator)
    done = raise_alert(kind="monitoring.no_checkin")
    Alert.objects.filter(pk=done.pk).update(status="resolved", resolution_note="ok")
    client.force_login(cast.coordinator)

    def ids(query):
        return [a.id for a in client.get(reverse("alerts:inbox") + query).context["page"]]

    assert ids("?kind=safety.phq9_item9") == [mine.id]
    assert ids("?assignee=me") == [mine.id]
    assert ids("?assignee=none") == [other.id]
    assert ids(f"?assignee={cast.coordinator.id}") == [mine.id]
    assert ids("?status=resolved") == [done.id]
    assert sorted(ids("?status=all")) == sorted([mine.id, other.id, done.id])
    assert sorted(ids("")) == sorted([mine.id, other.id])


def test_the_program_filter_narrows_for_staff_of_two_programs(client, cast, raise_alert):
    from recoverypath.accounts.models import Membership

    Membership.objects.create(user=cast.coordinator, program=cast.other_program, role="coordinator")
    a = raise_alert()
    b = raise_alert(client=cast.other_program_client)
    client.force_login(cast.coordinator)
    url = reverse("alerts:inbox")
    assert {x.id for x in client.get(url).context["page"]} == {a.id, b.id}
    narrowed = client.get(url + f"?program={cast.other_program.id}").context["page"]
    assert [x.id for x in narrowed] == [b.id]


def test_the_inbox_shows_only_the_viewers_programs(client, cast, raise_alert):
    raise_alert(client=cast.other_program_client, reason="Program B signal")
    raise_alert(client=cast.outsider_client, reason="Outsider signal")
    mine = raise_alert(reason="Program A signal")
    client.force_login(cast.coordinator)
    response = client.get(reverse("alerts:inbox"))
    assert [a.id for a in response.context["page"]] == [mine.id]
    assert b"Outsider signal" not in response.content


def test_the_inbox_list_is_audited(client, cast, raise_alert):
    alert = raise_alert()
    client.force_login(cast.coordinator)
    client.get(reverse("alerts:inbox"))
    event = AuditEvent.objects.get(action="list", object_type="alerts.alert")
    assert (event.object_id, event.client_id) == (str(alert.id), cast.client.id)


def test_bulk_acknowledge_from_the_inbox(client, cast, raise_alert):
    a, b, c = raise_alert(), raise_alert(), raise_alert()
    elsewhere = raise_alert(client=cast.outsider_client)
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("alerts:acknowledge_many"), {"alert": [a.id, b.id, elsewhere.id]}, follow=True
    )
    assert b"Acknowledged 2 alerts" in response.content
    statuses = dict(Alert.objects.values_list("id", "status"))
    assert statuses[a.id] == statuses[b.id] == "acknowledged"
    assert statuses[c.id] == statuses[elsewhere.id] == "open"


def test_the_nav_badge_counts_open_alerts(client, cast, raise_alert):
    raise_alert()
    raise_alert()
    client.force_login(cast.coordinator)
    page = client.get(reverse("clients:caseload"))
    assert b'aria-label="2 open alerts"' in page.content
    client.force_login(cast.front_desk)
    page = client.get(reverse("clients:caseload"))
    assert b"open alerts" not in page.content


def test_the_htmx_filter_returns_just_the_table(client, cast, raise_alert):
    raise_alert()
    client.force_login(cast.coordinator)
    response = client.get(reverse("alerts:inbox"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Acknowledge selected" in response.content


def test_the_live_count_offers_the_latest_list_when_it_changed(client, cast, raise_alert):
    client.force_login(cast.coordinator)
    url = reverse("alerts:open_count")
    assert b"Show the latest" not in client.get(url + "?shown=0").content
    raise_alert()
    response = client.get(url + "?shown=0")
    assert b"1 open alert in your programs" in response.content
    assert b"Show the latest" in response.content


def test_the_inbox_and_its_nav_badge_count_open_alerts_once(client, cast, raise_alert):
    raise_alert()
    client.force_login(cast.coordinator)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("alerts:inbox"))
    assert b"1 open alert in your programs" in response.content
    counts = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT COUNT(*)") and '"alerts_alert"."status" = ' in q["sql"]
    ]
    assert len(counts) == 1, counts
