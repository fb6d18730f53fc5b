"""The gap-in-care report: days from graduation to the first aftercare appointment."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from recoverypath.accounts.selectors import program_list_for_user
from recoverypath.clients.views import staff_required
from recoverypath.core.audit import audit_record_list
from recoverypath.core.pagination import paginate
from recoverypath.core.permissions import Rank

from .. import selectors


@staff_required
def gap_report(request):
    programs = list(program_list_for_user(user=request.user, min_rank=Rank.COORDINATOR))
    if not programs:
        raise PermissionDenied
    try:
        program_id = int(request.GET.get("program") or programs[0].id)
    except ValueError:
        program_id = programs[0].id
    if program_id not in {p.id for p in programs}:
        raise Http404
    report = selectors.gap_report(user=request.user, program_id=program_id)
    # Figures cover every graduate; the table shows (and audits) one page of them.
    page = paginate(request, report.rows, per_page=selectors.GAP_PAGE_SIZE)
    audit_record_list(actor=request.user, objects=[row.plan for row in page.object_list])
    return render(
        request,
        "discharge/gap_report.html",
        {
            "report": report,
            "page": page,
            "programs": programs,
            "program_id": program_id,
            "target": selectors.GAP_TARGET_DAYS,
        },
    )
