from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import ValidationError

from recoverypath.scheduling import services
from recoverypath.scheduling.models import GroupEnrollment
from tests.factories import ClientFactory

from .conftest import make_clients

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _march():
    with time_machine.travel("2026-03-01 12:00:00Z", tick=False):
        yield


def test_a_full_group_puts_clients_on_a_waitlist_that_fills_freed_places_in_order(
    cast, group_factory
):
    group = group_factory(capacity=2)
    a, b, c, d = make_clients(cast, 4)
    enrollments = [
        services.group_enroll(actor=cast.front_desk, group=group, client=x) for x in (a, b, c)
    ]
    with time_machine.travel("2026-03-01 12:05:00Z", tick=False):
        services.group_enroll(actor=cast.front_desk, group=group, client=d)
    assert [e.status for e in enrollments] == ["active", "active", "waitlisted"]
    services.group_leave(actor=cast.front_desk, enrollment=enrollments[0])
    statuses = dict(GroupEnrollment.objects.filter(group=group).values_list("client_id", "status"))
    assert statuses == {a.id: "ended", b.id: "active", c.id: "active", d.id: "waitlisted"}
    services.group_leave(
        actor=cast.front_desk, enrollment=GroupEnrollment.objects.get(group=group, client=b)
    )
    assert GroupEnrollment.objects.get(group=group, client=d).status == "active"


def test_raising_capacity_fills_from_the_waitlist(cast, group_factory):
    group = group_factory(capacity=1)
    a, b = make_clients(cast, 2)
    services.group_enroll(actor=cast.front_desk, group=group, client=a)
    services.group_enroll(actor=cast.front_desk, group=group, client=b)
    services.group_update(actor=cast.clinician, group=group, capacity=2)
    assert GroupEnrollment.objects.get(group=group, client=b).status == "active"


def test_a_full_group_refuses_when_the_waitlist_is_not_wanted(cast, group_factory):
    group = group_factory(capacity=1)
    a, b = make_clients(cast, 2)
    services.group_enroll(actor=cast.front_desk, group=group, client=a)
    with pytest.raises(ValidationError) as exc:
        services.group_enroll(actor=cast.front_desk, group=group, client=b, waitlist=False)
    assert "is full (1 places)" in exc.value.message_dict["group"][0]


def test_a_track_group_refuses_clients_of_another_track(cast, group_factory):
    group = group_factory(track="womens", name="Women's group")
    general = make_clients(cast, 1)[0]
    womens = make_clients(cast, 1, track="womens")[0]
    with pytest.raises(ValidationError) as exc:
        services.group_enroll(actor=cast.front_desk, group=group, client=general)
    assert "Women's track" in exc.value.message_dict["client"][0]
    assert (
        services.group_enroll(actor=cast.front_desk, group=group, client=womens).status == "active"
    )


def test_a_client_without_an_active_episode_cannot_join(cast, group_factory):
    group = group_factory()
    client = ClientFactory(program=cast.program)
    with pytest.raises(ValidationError) as exc:
        services.group_enroll(actor=cast.front_desk, group=group, client=client)
    assert "no active episode" in exc.value.message_dict["client"][0]


def test_a_client_cannot_join_the_same_group_twice(cast, group_factory):
    group = group_factory()
    client = make_clients(cast, 1)[0]
    services.group_enroll(actor=cast.front_desk, group=group, client=client)
    with pytest.raises(ValidationError):
        services.group_enroll(actor=cast.front_desk, group=group, client=client)


def test_finishing_care_ends_group_places_and_fills_them_but_a_step_up_keeps_them(
    cast, group_factory, django_capture_on_commit_callbacks
):
    from recoverypath.care import services as care_services
    from recoverypath.care.selectors import episode_active

    group = group_factory(capacity=1)
    a, b = make_clients(cast, 2)
    services.group_enroll(actor=cast.front_desk, group=group, client=a)
    services.group_enroll(actor=cast.front_desk, group=group, client=b)
    with django_capture_on_commit_callbacks(execute=True):
        php = care_services.episode_transition(
            actor=cast.clinician, episode=episode_active(client=a), level_code="2.5", reason="More"
        )
    assert GroupEnrollment.objects.get(group=group, client=a).status == "active"
    with django_capture_on_commit_callbacks(execute=True):
        care_services.episode_finish(actor=cast.clinician, episode=php, end_reason="Completed")
    assert GroupEnrollment.objects.get(group=group, client=a).status == "ended"
    assert GroupEnrollment.objects.get(group=group, client=b).status == "active"
