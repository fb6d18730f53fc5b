"""Idempotency-Key on API POSTs: a retry gets the first answer and writes nothing again."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from rest_framework.test import APIClient

from recoverypath.assessments import services as assessment_services
from recoverypath.assessments.models import Assessment
from recoverypath.core.idempotency import (
    idempotency_begin,
    idempotency_fingerprint,
    idempotency_hold,
    idempotency_purge,
)
from recoverypath.core.models import IdempotencyRecord
from recoverypath.monitoring import api as monitoring_api
from recoverypath.monitoring.models import CheckIn
from tests.conftest import api_as

ASSESSMENTS = "/api/v1/assessments/"
CHECK_INS = "/api/v1/check-ins/"
PHQ9 = [2, 2, 2, 2, 2, 0, 0, 0, 0]


def _phq9(client, cast, key, answers=PHQ9):
    return client.post(
        ASSESSMENTS,
        {"client": cast.client.id, "instrument": "PHQ-9", "answers": answers},
        format="json",
        headers={"Idempotency-Key": key},
    )


@pytest.mark.django_db
def test_a_retried_phq9_returns_the_first_answer_and_writes_one_row(cast):
    api = api_as(cast.client_user)
    first = _phq9(api, cast, "phq9-retry-1")
    again = _phq9(api, cast, "phq9-retry-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Assessment.objects.count() == 1
    record = IdempotencyRecord.objects.get()
    assert (record.user, record.status, record.response_status) == (
        cast.client_user,
        IdempotencyRecord.Status.COMPLETED,
        201,
    )


@pytest.mark.django_db
def test_a_retried_check_in_returns_the_first_answer_and_writes_one_row(cast):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {_token(cast.client_user)}")
    body = {"mood": 4, "craving": 1, "sleep_hours": 7, "stress": 3, "used": False}
    first = api.post(CHECK_INS, body, format="json", headers={"Idempotency-Key": "ci-1"})
    again = api.post(CHECK_INS, body, format="json", headers={"Idempotency-Key": "ci-1"})
    assert first.status_code == again.status_code == 201  # not the 200 of a second submit
    assert again.json() == first.json()
    assert CheckIn.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1


def _token(user) -> str:
    from recoverypath.accounts.services.tokens import api_token_issue

    return api_token_issue(user=user).secret


@pytest.mark.django_db
def test_without_a_key_every_post_runs(cast):
    api = api_as(cast.client_user)
    for _ in range(2):
        response = api.post(
            ASSESSMENTS,
            {"client": cast.client.id, "instrument": "PHQ-9", "answers": PHQ9},
            format="json",
        )
        assert response.status_code == 201
    assert Assessment.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 0


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused_in_the_one_error_shape(cast):
    api = api_as(cast.client_user)
    assert _phq9(api, cast, "reused").status_code == 201
    response = _phq9(api, cast, "reused", answers=[0] * 9)
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (422, "idempotency_key_reused")
    assert Assessment.objects.count() == 1


@pytest.mark.django_db
def test_a_key_is_scoped_to_its_user(cast):
    first = _phq9(api_as(cast.client_user), cast, "shared-key")
    other = _phq9(api_as(cast.clinician), cast, "shared-key")
    assert first.status_code == other.status_code == 201
    assert other.json()["id"] != first.json()["id"]  # ran again: not the first user's answer
    assert "Idempotent-Replayed" not in other
    assert Assessment.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 2


@pytest.mark.django_db
def test_a_refusal_is_replayed_too_and_runs_nothing(cast):
    api = api_as(cast.outsider)
    first = _phq9(api, cast, "outsider-1")
    again = _phq9(api, cast, "outsider-1")
    # Someone else's client id in the body is "Not found." (a 400), like any id out of reach.
    assert first.status_code == 400
    assert first.json()["error"]["fields"] == {"client": ["Not found."]}
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "naïve"])
def test_a_malformed_key_is_a_400(cast, key):
    response = _phq9(api_as(cast.client_user), cast, key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["message"]
    assert Assessment.objects.count() == 0


@pytest.mark.django_db
def test_an_anonymous_post_ignores_the_key(cast):
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"email": cast.client_user.email, "password": cast.password},
        format="json",
        headers={"Idempotency-Key": "login-1"},
    )
    assert response.status_code == 200
    assert IdempotencyRecord.objects.count() == 0


@pytest.mark.django_db
def test_a_server_error_rolls_the_writes_back_and_frees_the_key(cast, monkeypatch):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {_token(cast.client_user)}")
    body = {"mood": 3, "craving": 2, "sleep_hours": 6, "stress": 4, "used": False}

    def broken(self, instance):
        raise RuntimeError("serializer bug after the write")

    monkeypatch.setattr(monitoring_api.CheckInSerializer, "to_representation", broken)
    with pytest.raises(RuntimeError):
        api.post(CHECK_INS, body, format="json", headers={"Idempotency-Key": "boom"})
    assert CheckIn.objects.count() == 0  # the write went with the failed request
    assert IdempotencyRecord.objects.count() == 0

    monkeypatch.undo()
    retry = api.post(CHECK_INS, body, format="json", headers={"Idempotency-Key": "boom"})
    assert retry.status_code == 201
    assert CheckIn.objects.count() == 1


@pytest.mark.django_db
def test_a_request_that_died_is_taken_over_by_its_retry_and_runs_once(cast):
    fingerprint = idempotency_fingerprint(
        method="POST",
        path=ASSESSMENTS,
        query="",
        body=b'{"client":%d,"instrument":"PHQ-9","answers":[2,2,2,2,2,0,0,0,0]}' % cast.client.id,
    )
    # The first request claimed the key and its process was killed: nothing else was written.
    dead = idempotency_begin(
        user=cast.client_user,
        key="died",
        fingerprint=fingerprint,
        method="POST",
        path=ASSESSMENTS,
    ).record
    retry = _phq9(api_as(cast.client_user), cast, "died")
    assert retry.status_code == 201
    assert Assessment.objects.count() == 1
    assert _phq9(api_as(cast.client_user), cast, "died").json() == retry.json()
    # Had the first request only been slow, it would find its claim gone and run nothing.
    assert idempotency_hold(record=dead) is False


@pytest.mark.django_db
def test_answers_are_kept_for_24_hours_then_purged(cast):
    t0 = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    api = api_as(cast.client_user)
    with time_machine.travel(t0, tick=False) as clock:
        first = _phq9(api, cast, "day-old")
        clock.shift(timedelta(hours=23, minutes=59))
        assert _phq9(api, cast, "day-old").json() == first.json()
        assert idempotency_purge() == 0
        clock.shift(timedelta(minutes=2))
        assert idempotency_purge() == 1
        assert IdempotencyRecord.objects.count() == 0
        later = _phq9(api, cast, "day-old")
    assert later.status_code == 201
    assert later.json()["id"] != first.json()["id"]
    assert Assessment.objects.count() == 2


@pytest.mark.django_db
def test_the_schema_documents_the_optional_header_on_posts(api, cast):
    api.force_authenticate(cast.admin)
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    for path in (ASSESSMENTS, CHECK_INS):
        names = {
            (p["name"], p["in"], p.get("required", False))
            for p in schema["paths"][path]["post"]["parameters"]
        }
        assert ("Idempotency-Key", "header", False) in names
    get_names = {p["name"] for p in schema["paths"][CHECK_INS]["get"].get("parameters", [])}
    assert "Idempotency-Key" not in get_names


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_duplicates_run_once(cast, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions")
    real_submit = assessment_services.assessment_submit
    entered = threading.Event()

    def slow_submit(**kwargs):
        entered.set()
        time.sleep(0.5)
        return real_submit(**kwargs)

    monkeypatch.setattr(assessment_services, "assessment_submit", slow_submit)
    responses = []

    def post():
        try:
            responses.append(_phq9(api_as(cast.client_user), cast, "concurrent"))
        finally:
            connection.close()

    first = threading.Thread(target=post)
    first.start()
    assert entered.wait(10)
    second = threading.Thread(target=post)
    second.start()
    first.join(30)
    second.join(30)
    assert sorted(r.status_code for r in responses) == [201, 409]
    assert Assessment.objects.count() == 1
    late = _phq9(api_as(cast.client_user), cast, "concurrent")
    assert late.status_code == 201
    assert late["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
def test_the_purge_job_runs_hourly_and_forgets_answers_older_than_a_day(cast):
    from recoverypath.core.tasks import idempotency_purge_task

    t0 = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    hourly = [t0 + timedelta(minutes=m) for m in range(0, 180)]
    assert sum(idempotency_purge_task.s().validate_datetime(t) for t in hourly) == 3
    with time_machine.travel(t0, tick=False) as clock:
        _phq9(api_as(cast.client_user), cast, "old")
        clock.shift(timedelta(hours=25))
        _phq9(api_as(cast.client_user), cast, "new")
        idempotency_purge_task()
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.django_db
def test_a_signed_in_browser_posting_json_with_a_key_is_authenticated_by_its_session(cast):
    """The installed client app sends a queued check-in with the session's cookie, the CSRF
    token and an Idempotency-Key (static/recoverypath/offline.js)."""
    from django.test import Client as WebClient

    web = WebClient(enforce_csrf_checks=True)
    web.force_login(cast.client_user)
    web.get("/me/")
    body = '{"mood": 4, "craving": 1, "sleep_hours": 7, "stress": 3, "used": false}'
    token = web.cookies["csrftoken"].value

    def send(csrf: str):
        return web.post(
            CHECK_INS,
            body,
            content_type="application/json",
            headers={"Idempotency-Key": "ci-session-1", "X-CSRFToken": csrf},
        )

    refused = send("not-the-token")
    assert refused.status_code == 403  # the CSRF failure itself, not a 401
    assert refused.json()["error"]["message"].startswith("CSRF Failed")
    first, again = send(token), send(token)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert CheckIn.objects.count() == 1
