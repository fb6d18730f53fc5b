from __future__ import annotations

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from recoverypath.care import services
from recoverypath.care.models import EpisodeOfCare
from tests.factories import SAFE_PLACEMENT


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_enrollments_of_one_client_leave_one_active_episode(cast):
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def enroll(level_code: str) -> None:
        try:
            barrier.wait(timeout=10)
            services.episode_start(
                actor=cast.clinician,
                client=cast.client,
                level_code=level_code,
                start_date=date(2026, 1, 5),
                placement_answers=SAFE_PLACEMENT if level_code == "2.1" else None,
            )
            outcomes.append("enrolled")
        except ValidationError as exc:
            outcomes.append("refused: " + " ".join(exc.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=enroll, args=(code,)) for code in ("2.1", "2.5")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(o.split(":")[0] for o in outcomes) == ["enrolled", "refused"]
    assert "already has an active episode" in next(o for o in outcomes if o.startswith("refused"))
    assert EpisodeOfCare.objects.filter(client=cast.client, status="active").count() == 1
