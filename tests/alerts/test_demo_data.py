from __future__ import annotations

import random
from types import SimpleNamespace

from django.utils import timezone

from recoverypath.alerts import demo_data
from recoverypath.alerts.models import Alert, AlertEvent
from tests.factories import ClientFactory


def test_the_demo_gets_open_acknowledged_and_resolved_alerts(cast):
    clients = [cast.client, *ClientFactory.create_batch(9, program=cast.program)]
    staff = {"coordinator": cast.coordinator, "clinician": cast.clinician, "admin": cast.admin}
    demo_data.extend(
        result=SimpleNamespace(),
        rng=random.Random(1),
        today=timezone.localdate(),
        staff=staff,
        clients=clients,
    )
    statuses = set(Alert.objects.values_list("status", flat=True))
    assert statuses == {"open", "acknowledged", "resolved"}
    assert not Alert.objects.filter(status="resolved", resolution_note="").exists()
    assert (
        AlertEvent.objects.filter(kind="resolved").count()
        == Alert.objects.filter(status="resolved").count()
    )
