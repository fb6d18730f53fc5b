"""The family view: what a family member's consents allow, on their phone, and nothing else.

Every page and endpoint here asks family_grants (the consent_grants rule) on each request, so a
revocation or an expiry takes effect on the next load; each shows the Part 2 notice and logs one
disclosure per category shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from recoverypath.core.forms import add_service_errors
from recoverypath.core.hooks.navigation import NavItem
from recoverypath.core.permissions import is_staff_member

from . import selectors, services
from .family import FamilySectionData, section_data
from .forms import FamilyMessageForm
from .models import Category
from .notices import NOTICE_VERSION, part2_notice

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

    from recoverypath.accounts.models import User

RESOURCES = [
    (
        "What IOP is",
        "An intensive outpatient program: several sessions a week (at least 9 hours for adults) "
        "while your person keeps living at home, working or studying.",
        "",
    ),
    (
        "What aftercare is",
        "The plan after IOP ends: lighter-touch counseling, peer support, check-ins and "
        "meetings that keep recovery going.",
        "",
    ),
    (
        "Supporting without enabling",
        "Say what you see with care, keep your own boundaries, let consequences happen, do not "
        "cover for use, and celebrate effort. Look after yourself too.",
        "",
    ),
    (
        "Al-Anon",
        gettext_lazy("For families and friends of people who drink."),
        "https://al-anon.org",
    ),
    (
        "Nar-Anon",
        gettext_lazy("For families and friends of people who use drugs."),
        "https://www.nar-anon.org",
    ),
    (
        "SMART Recovery Family & Friends",
        gettext_lazy("Science-based tools (CRAFT) for supporting someone you love."),
        "https://smartrecovery.org/family",
    ),
    (
        gettext_lazy("988 Suicide & Crisis Lifeline"),
        gettext_lazy("Call or text 988 any time, for them or for you. In an emergency call 911."),
        "tel:988",
    ),
]


@dataclass
class ShownSection:
    category: str
    title: _StrOrPromise
    data: FamilySectionData


@dataclass
class ShownClient:
    client: object
    name: str
    sections: list[ShownSection]
    consents: dict

    @property
    def scopes(self) -> list[str]:
        """A plain statement of each consent relied on: what it covers and until when."""
        out = []
        for consent in {c.id: c for c in self.consents.values()}.values():
            until = (
                _("until %(date)s") % {"date": date_format(consent.expires_on, "DATE_FORMAT")}
                if consent.expires_on
                else _("until %(event)s") % {"event": consent.expiration_event}
            )
            out.append(
                _(
                    "Shared with you by a consent signed %(signed)s, %(until)s: %(what)s. "
                    "It can be revoked at any time."
                )
                % {
                    "signed": date_format(consent.signed_on, "DATE_FORMAT"),
                    "until": until,
                    "what": ", ".join(str(label) for label in consent.category_labels()),
                }
            )
        return out


def family_view(*, user: User, client_id: int | None = None, how: str) -> list[ShownClient]:
    """What `user` may see now, per client, in category order; each category shown is logged as
    a disclosure under the consent that allowed it. Categories without a registered provider
    are not shown (and not logged)."""
    shown: list[ShownClient] = []
    labels = dict(Category.choices)
    grants = selectors.family_grants(user=user, client_id=client_id)
    for _cid, (client, by_category) in sorted(grants.items()):
        sections = []
        logged = {}
        for category in Category.values:
            consent = by_category.get(category)
            if consent is None:
                continue
            data = section_data(category, client)
            if data is None:
                continue
            sections.append(ShownSection(category, labels[category], data))
            logged[category] = consent
        services.family_disclosures_record(user=user, client=client, shown=logged, how=how)
        name = f"{client.preferred_name or client.first_name} {client.last_name}"
        shown.append(ShownClient(client, name, sections, logged))
    return shown


def _family_only(request) -> None:
    if not selectors.is_family_member(request.user):
        raise Http404


def nav_items(request) -> list[NavItem]:
    if not request.user.is_authenticated or is_staff_member(request.user):
        return []  # staff roles are cached for the request: no query for them
    if selectors.is_family_member(request.user):
        return [NavItem(_("Family"), reverse("consent:family_home"), order=12)]
    return []


def home_url(user: User) -> str | None:
    """Where "/" takes a family member."""
    return reverse("consent:family_home") if selectors.is_family_member(user) else None


@login_required
def family_home(request):
    _family_only(request)
    shown = family_view(user=request.user, how="family page")
    return render(
        request,
        "consent/family_home.html",
        {
            "shown": shown,
            "notice": part2_notice(),
            "resources": RESOURCES,
            "message_form": FamilyMessageForm(),
        },
    )


@login_required
def family_download(request, client_id: int):
    """What the family member may see of one client, as a text file carrying the notice."""
    _family_only(request)
    shown = family_view(user=request.user, client_id=client_id, how="download")
    if not shown:
        raise Http404
    body = render_to_string(
        "consent/family_download.txt", {"person": shown[0], "notice": part2_notice()}
    )
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="recoverypath-family.txt"'
    return response


@require_POST
@login_required
def family_message(request, client_id: int):
    _family_only(request)
    grants = selectors.family_grants(user=request.user, client_id=client_id)
    if client_id not in grants:
        raise Http404
    client = grants[client_id][0]
    form = FamilyMessageForm(request.POST)
    if form.is_valid():
        try:
            services.family_message_send(
                user=request.user, client=client, body=form.cleaned_data["body"]
            )
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Sent. Someone from the care team will get back to you."))
            return redirect("consent:family_home")
    messages.error(request, _("Write your message (up to 2000 characters)."))
    return redirect("consent:family_home")


# --- API ---------------------------------------------------------------------------------------


class FamilyEntrySerializer(serializers.Serializer):
    # DRF's metaclass takes declared fields off the class, so this never shadows Field.label.
    label = serializers.CharField()  # type: ignore[assignment]
    value = serializers.CharField()


class FamilySectionSerializer(serializers.Serializer):
    category = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField(source="data.summary")
    entries = FamilyEntrySerializer(source="data.entries", many=True)


class FamilyClientSerializer(serializers.Serializer):
    client = serializers.IntegerField(source="client.id")
    name = serializers.CharField()
    sections = FamilySectionSerializer(many=True)


class FamilyViewSerializer(serializers.Serializer):
    notice = serializers.CharField()
    notice_version = serializers.CharField()
    clients = FamilyClientSerializer(many=True)


class FamilyApiView(APIView):
    """What the caller's family consents allow now, each response carrying the Part 2 notice.
    `GET /api/v1/family/` every client; `GET /api/v1/family/clients/{id}/` one."""

    permission_classes = [IsAuthenticated]
    serializer_class = FamilyViewSerializer

    @extend_schema(responses=FamilyViewSerializer)
    def get(self, request, client_id: int | None = None):
        if not selectors.is_family_member(request.user):
            raise Http404
        shown = family_view(user=request.user, client_id=client_id, how="API")
        if client_id is not None and not shown:
            raise Http404
        return Response(
            {
                "notice": part2_notice(),
                "notice_version": NOTICE_VERSION,
                "clients": FamilyClientSerializer(shown, many=True).data,
            }
        )
