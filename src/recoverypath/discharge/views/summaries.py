"""The discharge summary: read, downloaded as PDF, signed, refreshed, shared under consent."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from recoverypath.clients.views import staff_required
from recoverypath.core.errors import DomainError

from .. import forms, selectors, services
from ..permissions import can_graduate_client
from ..services.summary import summary_html, summary_pdf


@login_required
def summary_detail(request, summary_id: int):
    summary = selectors.summary_get(user=request.user, summary_id=summary_id)
    plan = summary.plan
    can_sign = can_graduate_client(request.user, plan.client)
    share_form = None
    if can_sign and summary.is_signed:
        share_form = forms.ShareForm(
            user=request.user,
            referrals=selectors.referral_queryset_for_client(client=plan.client),
        )
    return render(
        request,
        "discharge/summary.html",
        {
            "summary": summary,
            "plan": plan,
            "document": summary_html(summary=summary),
            "can_sign": can_sign,
            "share_form": share_form,
        },
    )


@login_required
def summary_download(request, summary_id: int):
    summary = selectors.summary_get(user=request.user, summary_id=summary_id)
    response = HttpResponse(summary_pdf(summary=summary), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="discharge-summary-{summary.plan.client.mrn}.pdf"'
    )
    return response


@require_POST
@staff_required
def summary_sign(request, summary_id: int):
    summary = selectors.summary_get(user=request.user, summary_id=summary_id)
    try:
        services.summary_sign(actor=request.user, summary=summary)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Summary signed. It can no longer change.")
    return redirect("discharge:summary", summary_id=summary.id)


@require_POST
@staff_required
def summary_regenerate(request, summary_id: int):
    summary = selectors.summary_get(user=request.user, summary_id=summary_id)
    try:
        services.summary_generate(actor=request.user, plan=summary.plan)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Summary refreshed from the record.")
    return redirect("discharge:summary", summary_id=summary.id)


@require_POST
@staff_required
def summary_share(request, summary_id: int):
    summary = selectors.summary_get(user=request.user, summary_id=summary_id)
    form = forms.ShareForm(
        request.POST,
        user=request.user,
        referrals=selectors.referral_queryset_for_client(client=summary.plan.client),
    )
    if not form.is_valid():
        messages.error(request, "Choose a referral to send the summary to.")
        return redirect("discharge:summary", summary_id=summary.id)
    try:
        services.summary_share(
            actor=request.user, summary=summary, referral=form.cleaned_data["referral"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Shared with {form.cleaned_data['referral'].provider.name} under consent."
        )
    return redirect("discharge:summary", summary_id=summary.id)
