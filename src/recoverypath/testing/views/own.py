"""The client's own tests on their phone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from recoverypath.clients.selectors import own_client_get
from recoverypath.core.audit import audit_record_list

from .. import selectors, services


@login_required
def my_tests(request):
    """The client's own tests on their phone: what is asked today, results, negative streak."""
    client = own_client_get(user=request.user)
    open_tests = selectors.selections_open(client=client)
    if open_tests:
        services.selections_mark_seen(actor=request.user, client=client)
    summary = selectors.client_summary(client=client)
    audit_record_list(actor=request.user, objects=[r.collection for r in summary.rows])
    zone = ZoneInfo(client.program.time_zone)
    return render(
        request,
        "testing/my_tests.html",
        {
            "client": client,
            "summary": summary,
            "policy": selectors.policy_current(client=client),
            "open_tests": [
                (s, s.window_opens_at.astimezone(zone), s.window_closes_at.astimezone(zone))
                for s in open_tests
            ],
        },
    )
