"""Two workers raising the same signal at the same moment, for real (PostgreSQL only: SQLite
serialises writers, so there is no race to lose)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from recoverypath.alerts import services
from recoverypath.alerts.models import Alert
from recoverypath.alerts.services import raising


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_raises_of_one_signal_make_one_alert(cast, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions")
    real_lookup = raising._unresolved
    both_looked = threading.Barrier(2, timeout=10)
    seen = threading.local()

    def lookup_then_wait(**kwargs):
        found = real_lookup(**kwargs)
        if not getattr(seen, "waited", False):
            seen.waited = True
            both_looked.wait()  # both have looked and found nothing before either inserts
        return found

    monkeypatch.setattr(raising, "_unresolved", lookup_then_wait)
    results, errors = [], []

    def raise_in_own_transaction(reason: str):
        try:
            with transaction.atomic():
                results.append(
                    services.alert_raise(
                        client=cast.client,
                        kind="monitoring.no_checkin",
                        severity="medium",
                        reason=reason,
                        dedup_key=f"monitoring:no-checkin:{cast.client.id}:race",
                    )
                )
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=raise_in_own_transaction, args=(f"worker {n}",)) for n in (1, 2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len({alert.id for alert in results}) == 1
    alert = Alert.objects.get()
    assert alert.raise_count == 2
    assert sorted(alert.events.values_list("kind", flat=True)) == ["raised", "re_raised"]
