"""Every read path that shows a client's data leaves an audit event.

Walks the whole URL map (Django's resolver: every page and every /api/v1/ route, the API router's
included), fills each route's arguments with records of a demo organization, asks it with GET as
the people who may see it, and requires that every answer that shows something (200) wrote at
least one audit event. A route that shows no client data is named in NO_CLIENT_DATA with the
reason; a route this test cannot reach fails it, so a new page cannot go unexamined.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from io import StringIO
from urllib.parse import urlencode

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db.models import F
from django.test import Client as WebClient
from django.urls import URLPattern, URLResolver, get_resolver

from recoverypath.accounts.models import Organization, User
from recoverypath.core.models import AuditEvent

TODAY = "2026-03-02 15:00:00+00:00"

# Routes that answer GET with no client's data, each with its reason. Patterns as in the URL map.
NO_CLIENT_DATA = {
    "": "sends each person on to their start page (a redirect)",
    "me/check-in/": "GET sends the client to /me/, where the form is; the check-in is a POST",
    "accounts/login/": "the log-in form",
    "accounts/logout/": "logs out (POST); no record shown",
    "accounts/password-reset/": "asks for an e-mail address",
    "accounts/password-reset/sent/": "a fixed message",
    "accounts/reset/<uidb64>/<token>/": "the new-password form of a reset link",
    "accounts/reset/done/": "a fixed message",
    "robots.txt": "a fixed file",
    "api/v1/schema/": "the API's description",
    "api/v1/docs/": "the API's documentation page",
    "api/v1/auth/token/": "exchanges credentials for a token (POST)",
    "api/v1/instruments/": "instrument definitions (questions, scoring), no answers",
    "api/v1/instruments/<pk>/": "one instrument definition",
    "api/v1/levels-of-care/": "the ASAM catalogue",
    "api/v1/rooms/": "the program's rooms",
    "api/v1/holidays/": "the program's holidays",
    "api/v1/notification-preferences/": "the caller's own channel settings",
    "api/v1/external-providers/": "the directory of outside providers",
    "api/v1/external-providers/<pk>/": "one outside provider",
    "api/v1/early-warning-rules/<pk>/": "a program's rule thresholds",
    "api/v1/reminder-settings/<pk>/": "a program's reminders on/off and times",
    "clients/new/": "an empty registration form",
    "notifications/settings/": "the caller's own channel settings",
    "alerts/count/": "a number (open alerts), for the badge",
    "alerts/escalation/": "programs' escalation timings",
    "alerts/escalation/<program_id>/": "one program's escalation timings",
    "schedule/holidays/": "the program's holidays",
    "schedule/groups/": "group names, facilitators and head counts; no client named",
    "schedule/groups/new/": "an empty group form (staff pickers only)",
    "me/help/": "crisis lines and the program's after-hours number, same for every client",
    "me/help-now/": "crisis lines, same for every client",
    "me/assessments/mode/": "a choice of how to fill questionnaires",
    "assessments/schedules/": "programs' questionnaire schedules",
    "assessments/schedules/<program_id>/<code>/": "one schedule rule",
    "discharge/providers/": "the directory of outside providers",
    "discharge/providers/new/": "an empty provider form",
    "discharge/providers/<provider_id>/edit/": "one outside provider",
    "aftercare/rules/<program_id>/": "a program's early-warning thresholds",
    "notifications/reminders/<program_id>/": "a program's reminders on/off and times",
    "invite/<token>/": "an invitation's set-a-password form, opened with its single-use secret "
    "before any login; it shows the invitee whom the invitation is for, no record",
    "fhir/R4/metadata": "the FHIR CapabilityStatement: what the server supports, public",
    "fhir/R4/<unknown>": "the FHIR catch-all: a 404 OperationOutcome for anything not served",
    "fhir/R4/$export": "starts a bulk export (202 and a status URL), shows nothing; the export "
    "audits each client as it is written and each file as it is downloaded",
    "fhir/R4/Patient/$export": "starts a bulk export (202), as above",
    "fhir/R4/Group/<program_id>/$export": "starts a bulk export of a program (202), as above",
    "calendar/": "the caller's own calendar-link settings (whether a link exists), no record",
}


def _routes() -> list[tuple[str, str]]:
    """(pattern, regex) of every route but the Django admin (tested on its own) and the
    /api/v1/ catch-all 404."""
    found: list[tuple[str, str]] = []

    def walk(patterns, prefix: str, regex: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                route = str(entry.pattern)
                if route == "admin/":
                    continue
                walk(entry.url_patterns, prefix + route, regex + entry.pattern.regex.pattern)
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                catch_all = route.endswith("<path:unknown>") or route.startswith(
                    "api/v1/^(?P<unknown>"
                )
                if catch_all or route.startswith("__debug__/"):
                    continue
                found.append((route, regex + entry.pattern.regex.pattern))

    walk(get_resolver().url_patterns, "", "")
    return sorted(set(found))


def _tidy(route: str) -> str:
    """Every route in one form: clients/<int:client_id>/ -> clients/<client_id>/, and the
    router's ^clients/(?P<pk>[0-9]{1,18})/$ -> clients/<pk>/."""
    route = re.sub(r"(?<!\\)\$", "", route.replace("^", ""))  # anchors, not an escaped \$
    route = re.sub(r"<\w+:(\w+)>", r"<\1>", route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route)
    return re.sub(r"\\(.)", r"\1", route)  # regex escapes: \.ics, \$export


# --- The records each route argument is filled with ----------------------------------------------


def _m(label: str):
    return apps.get_model(label)


def _rows(label: str, org, **filters):
    model = _m(label)
    names = {f.name for f in model._meta.get_fields()}
    if "organization" in names:
        scope = {"organization": org}
    elif "client" in names:
        scope = {"client__organization": org}
    elif "plan" in names:
        scope = {"plan__client__organization": org}
    elif "session" in names:
        scope = {"session__program__organization": org}
    elif "collection" in names:
        scope = {"collection__client__organization": org}
    elif "user" in names:
        scope = {"user__memberships__program__organization": org}
    elif "memberships" in names:
        scope = {"memberships__program__organization": org}
    else:
        scope = {"program__organization": org}
    return model.objects.filter(**scope, **filters).order_by("id")[:3]


def _by_model(label: str, key: str, **filters) -> Callable:
    return lambda org: [{key: row.pk} for row in _rows(label, org, **filters)]


def _pairs(label: str, keys: dict[str, str], **filters) -> Callable:
    """Rows of `label` giving several arguments: {argument: attribute}."""
    return lambda org: [
        {arg: getattr(row, attr) for arg, attr in keys.items()}
        for row in _rows(label, org, **filters)
    ]


def _alumni(model: str, key: str, org) -> list[dict]:
    via = {"MentorOffer": "member", "MentorMatch": "offer__member"}[model]
    rows = _m(f"alumni.{model}").objects.filter(**{f"{via}__program__organization": org})
    return [{key: row.pk} for row in rows.order_by("id")[:3]]


def _clients(org):
    # The demo's client with a login first: the fullest record.
    clients = list(
        _m("clients.Client")
        .objects.filter(organization=org)
        .order_by(F("user").desc(nulls_last=True), "id")
    )
    return [{"client_id": c.pk} for c in clients[:3]]


# (route prefix, argument names) -> candidate argument sets. The first one that answers 200 counts.
ARGUMENTS: dict[tuple[str, frozenset], Callable] = {
    ("", frozenset({"client_id"})): _clients,
    ("", frozenset({"client_id", "contact_id"})): _pairs(
        "clients.SupportContact", {"client_id": "client_id", "contact_id": "pk"}
    ),
    ("", frozenset({"consent_id"})): _by_model("consent.Consent", "consent_id"),
    ("", frozenset({"event_id"})): _by_model("safety.SafetyEvent", "event_id"),
    ("", frozenset({"client_id", "version"})): _pairs(
        "safety.SafetyPlan", {"client_id": "client_id", "version": "version"}
    ),
    ("", frozenset({"alert_id"})): _by_model("alerts.Alert", "alert_id"),
    ("", frozenset({"episode_id"})): _by_model("care.EpisodeOfCare", "episode_id"),
    ("", frozenset({"group_id"})): _by_model("scheduling.Group", "group_id"),
    ("", frozenset({"enrollment_id"})): _by_model("scheduling.GroupEnrollment", "enrollment_id"),
    ("", frozenset({"session_id"})): _by_model("scheduling.Session", "session_id"),
    ("", frozenset({"session_id", "client_id"})): _pairs(
        "scheduling.Attendance", {"session_id": "session_id", "client_id": "client_id"}
    ),
    ("", frozenset({"note_id"})): _by_model("scheduling.ClinicalNote", "note_id"),
    ("", frozenset({"assessment_id"})): _by_model("assessments.Assessment", "assessment_id"),
    ("", frozenset({"client_id", "assessment_id"})): _pairs(
        "assessments.Assessment", {"client_id": "client_id", "assessment_id": "pk"}
    ),
    ("", frozenset({"code"})): lambda org: [{"code": "PHQ-9"}],
    ("", frozenset({"client_id", "code"})): lambda org: [
        {**args, "code": "PHQ-9"} for args in _clients(org)
    ],
    ("", frozenset({"lapse_id"})): lambda org: [
        {"lapse_id": lapse.pk}
        for lapse in _m("monitoring.Lapse").objects.filter(client__user__isnull=False)
    ],
    ("aftercare/", frozenset({"plan_id"})): _by_model("aftercare.AftercarePlan", "plan_id"),
    ("aftercare/", frozenset({"plan_id", "goal_id"})): _pairs(
        "aftercare.Goal", {"plan_id": "plan_id", "goal_id": "pk"}
    ),
    ("aftercare/", frozenset({"plan_id", "check_in_id"})): _pairs(
        "aftercare.CoordinatorCheckIn", {"plan_id": "plan_id", "check_in_id": "pk"}
    ),
    ("discharge/", frozenset({"plan_id"})): _by_model("discharge.DischargePlan", "plan_id"),
    ("discharge/", frozenset({"plan_id", "kind"})): _pairs(
        "discharge.ChecklistItem", {"plan_id": "plan_id", "kind": "kind"}
    ),
    ("", frozenset({"referral_id"})): _by_model("discharge.Referral", "referral_id"),
    ("", frozenset({"summary_id"})): _by_model("discharge.DischargeSummary", "summary_id"),
    ("accounts/", frozenset({"token_id"})): lambda org: [
        {"token_id": token.pk} for token in _rows("accounts.ApiToken", org)
    ],
    ("clients/", frozenset({"client_id", "collection_id"})): _pairs(
        "testing.Collection", {"client_id": "client_id", "collection_id": "pk"}
    ),
    ("clients/", frozenset({"client_id", "policy_id"})): _pairs(
        "testing.TestingPolicy", {"client_id": "client_id", "policy_id": "pk"}
    ),
    ("clients/", frozenset({"client_id", "selection_id"})): _pairs(
        "testing.TestSelection", {"client_id": "client_id", "selection_id": "pk"}
    ),
    ("clients/", frozenset({"client_id", "result_id"})): lambda org: [
        {"client_id": result.collection.client_id, "result_id": result.pk}
        for result in _rows("testing.AnalyteResult", org).select_related("collection")
    ],
    ("consent/", frozenset({"message_id"})): _by_model("consent.FamilyMessage", "message_id"),
    ("invitations/", frozenset({"invitation_id"})): _by_model(
        "accounts.Invitation", "invitation_id"
    ),
    ("me/", frozenset({"check_in_id"})): lambda org: [
        {"check_in_id": check_in.pk}
        for check_in in _m("monitoring.CheckIn")
        .objects.filter(client__user__isnull=False, client__organization=org)
        .order_by("-id")[:3]
    ],
    ("calendar/", frozenset({"token"})): lambda org: [{"token": SECRETS["calendar"]}],
    ("exports/", frozenset({"key"})): lambda org: [
        {"key": key} for key in ("caseload", "scores", "gap-in-care", "dashboard")
    ],
    ("fhir/R4/", frozenset({"export_id"})): lambda org: [
        {"export_id": export.pk}
        for export in _m("interop.BulkExport").objects.filter(
            requester__memberships__program__organization=org
        )[:1]
    ],
    ("fhir/R4/", frozenset({"export_id", "name"})): lambda org: [
        {"export_id": file.export_id, "name": file.name}
        for file in _m("interop.BulkExportFile")
        .objects.filter(export__requester__memberships__program__organization=org)
        .order_by("id")[:3]
    ],
    # The alumni routes with an id are POST-only (a GET is a 405 before any lookup); filled with
    # rows of the demo where it has them.
    ("rewards/", frozenset({"program_id"})): _by_model("accounts.Program", "program_id"),
    ("alumni/", frozenset({"program_id"})): _by_model("accounts.Program", "program_id"),
    ("alumni/", frozenset({"item_id"})): _by_model("alumni.Announcement", "item_id"),
    ("alumni/", frozenset({"offer_id"})): lambda org: _alumni("MentorOffer", "offer_id", org),
    ("alumni/", frozenset({"match_id"})): lambda org: _alumni("MentorMatch", "match_id", org),
    ("alumni/", frozenset({"member_id"})): _by_model("alumni.Member", "member_id"),
    ("me/alumni/", frozenset({"event_id"})): _by_model("alumni.Event", "event_id"),
    ("me/alumni/", frozenset({"offer_id"})): lambda org: _alumni("MentorOffer", "offer_id", org),
    ("me/alumni/", frozenset({"match_id"})): lambda org: _alumni("MentorMatch", "match_id", org),
    ("staff/", frozenset({"membership_id"})): _by_model("accounts.Membership", "membership_id"),
    ("staff/", frozenset({"program_id"})): _by_model("accounts.Program", "program_id"),
    ("staff/", frozenset({"user_id"})): lambda org: [
        {"user_id": user.pk}
        for user in _m("accounts.User")
        .objects.filter(memberships__program__organization=org)
        .distinct()
        .order_by("id")[:3]
    ],
}
API_MODELS = {
    "clients": "clients.Client",
    "support-contacts": "clients.SupportContact",
    "consents": "consent.Consent",
    "safety-plans": "safety.SafetyPlan",
    "alerts": "alerts.Alert",
    "episodes": "care.EpisodeOfCare",
    "groups": "scheduling.Group",
    "group-enrollments": "scheduling.GroupEnrollment",
    "sessions": "scheduling.Session",
    "clinical-notes": "scheduling.ClinicalNote",
    "attendance-summary": "clients.Client",
    "assessments": "assessments.Assessment",
    "lapses": "monitoring.Lapse",
    "aftercare-plans": "aftercare.AftercarePlan",
    "discharge-plans": "discharge.DischargePlan",
    "discharge-items": "discharge.ChecklistItem",
    "referrals": "discharge.Referral",
    "discharge-summaries": "discharge.DischargeSummary",
    "auth": "accounts.ApiToken",  # auth/tokens/<pk>/
    "escalation-policies": "accounts.Program",
    "testing-policies": "testing.TestingPolicy",
    "test-selections": "testing.TestSelection",
    "test-collections": "testing.Collection",
    "test-results": "testing.AnalyteResult",
    "reward-awards": "incentives.Award",
    "client-rewards": "clients.Client",
    # The alumni API's routes with an id are POST-only actions (a GET is a 405).
    "alumni-announcements": "alumni.Announcement",
    "alumni-events": "alumni.Event",
    "alumni-members": "alumni.Member",
}
# Secrets the fixture makes that no row holds (only their hashes are stored).
SECRETS: dict[str, str] = {}


def _fhir_ids(resource_type: str, org) -> Iterator[dict]:
    """Ids of the resources of one type in the records of the demo's clients (with a login
    first), as the FHIR API names them."""
    from recoverypath.interop.fhir.mapping import BUILDERS
    from recoverypath.interop.fhir.record import ClientRecord

    for args in _clients(org):
        client = _m("clients.Client").objects.get(pk=args["client_id"])
        for resource in list(BUILDERS[resource_type](ClientRecord(client)))[:1]:
            yield {"resource_id": resource.id}


def _argument_sets(route: str, org) -> Iterator[dict]:
    names = frozenset(re.findall(r"<(?:\w+:)?(\w+)>", route))
    if not names:
        yield {}
        return
    if names == {"pk", "check_in_id"}:
        yield from _pairs("aftercare.CoordinatorCheckIn", {"pk": "plan_id", "check_in_id": "pk"})(
            org
        )
        return
    if names == {"pk", "goal_id"}:
        yield from _pairs("aftercare.Goal", {"pk": "plan_id", "goal_id": "pk"})(org)
        return
    if route.startswith("fhir/R4/") and names == {"resource_id"}:
        yield from _fhir_ids(route.split("/")[2], org)
        return
    if route.startswith("api/v1/alumni-mentor-") and names == {"pk"}:
        model = "MentorOffer" if route.startswith("api/v1/alumni-mentor-offers/") else "MentorMatch"
        yield from _alumni(model, "pk", org)
        return
    if route.startswith("api/v1/") and "pk" in names:
        prefix = route.split("/")[2]
        label = API_MODELS.get(prefix)
        assert label, f"API_MODELS: which model is behind {route}?"
        for row in _rows(label, org):
            yield {"pk": row.pk}
        return
    for (prefix, args), make in ARGUMENTS.items():
        if args == names and route.startswith(prefix):
            yield from make(org)
            return
    raise AssertionError(f"ARGUMENTS: how to fill {route}?")


# Routes that need a query string to show anything.
QUERIES: dict[str, Callable] = {
    "api/v1/safety-plans/current/": lambda org: {
        "client": _rows("safety.SafetyPlan", org)[0].client_id
    },
    "api/v1/discharge-reports/gap/": lambda org: {"program": org.programs.order_by("id")[0].pk},
    "api/v1/outcome-reports/": lambda org: {"program": org.programs.order_by("id")[0].pk},
    "api/v1/early-warning-performance/": lambda org: {"program": org.programs.order_by("id")[0].pk},
}


def _url(route: str, args: dict, org) -> str:
    def fill(match):
        return str(args[match.group(1)])

    url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", fill, route)
    if route in QUERIES:
        url += "?" + urlencode(QUERIES[route](org))
    return url


@pytest.fixture
def demo_org(db, settings, tmp_path):
    """The demo organization, plus what the demo lacks: a consent, a lapse of the client with
    a login (so their own lapse page has something to show), a reward for that check-in, the
    client's calendar link, a finished bulk export of the admin, an alumni event and notice."""
    from recoverypath.accounts.services.tokens import api_token_issue
    from recoverypath.alumni.services import announcement_post, event_create
    from recoverypath.consent.services import consent_create, family_message_send
    from recoverypath.incentives.services import award_record
    from recoverypath.interop.calendar import feed_reset
    from recoverypath.interop.fhir import bulk
    from recoverypath.monitoring.services import check_in_submit
    from tests.incentives.conftest import make_schedule

    settings.BULK_EXPORT_DIR = tmp_path / "exports"
    with time_machine.travel(TODAY, tick=False):
        call_command("demo", clients=10, seed=1, stdout=StringIO())
        org = Organization.objects.get(slug="demo-1")
        admin = User.objects.get(email="admin@demo.example.org")
        client_user = User.objects.get(email="client@demo.example.org")
        client = client_user.client_record
        make_schedule(client.program)  # the check-in below is rewarded
        SECRETS["calendar"] = feed_reset(user=client_user)
        export = bulk.export_kick_off(
            user=admin,
            level="system",
            params={},
            prefer="respond-async",
            request_url="http://testserver/fhir/R4/$export",
        )
        bulk.export_run(export_id=str(export.id))
        event_create(
            actor=admin,
            program=client.program,
            title="Alumni picnic (fictional)",
            starts_at=datetime(2026, 3, 20, 17, 0, tzinfo=UTC),
            place="Birchlight Park",
        )
        announcement_post(
            actor=admin, program=client.program, title="Picnic", body="Bring a friend."
        )
        alumnus, mentee = (  # an alumnus mentoring another client (the demo has no alumni)
            _m("clients.Client")
            .objects.filter(program=client.program)
            .exclude(pk=client.pk)
            .exclude(last_name="Demo-Sample")[:2]  # the two it picked before Maria joined
        )
        member = _m("alumni.Member").objects.create(
            client=alumnus, program=client.program, listed=True
        )
        offer = _m("alumni.MentorOffer").objects.create(member=member, status="approved")
        _m("alumni.MentorMatch").objects.create(
            offer=offer, mentee=mentee, mentee_agreed_at=datetime(2026, 3, 1, tzinfo=UTC)
        )
        consent_create(
            actor=User.objects.get(email="coordinator@demo.example.org"),
            client=client,
            information_description="Discharge summary",
            recipient_name="Birchlight Counseling (fictional)",
            purposes=["treatment"],
            revocation_right_explained=True,
            how_to_revoke="Write to the program director.",
            expires_on=date(2026, 6, 1),
            signed_by_name=client.first_name,
            signed_on=date(2026, 3, 2),
            categories=["discharge_summary"],
            signature_attested=True,
        )
        family_message_send(  # a family member's message, for the care team's pages
            user=User.objects.get(email="family@demo.example.org"),
            client=client,
            body="Can I bring her to group on Thursday?",
        )
        api_token_issue(  # a token of a staff member, for the token pages
            user=User.objects.get(email="coordinator@demo.example.org"), name="Coverage"
        )
        result = check_in_submit(
            actor=client_user,
            client=client,
            mood=3,
            craving=4,
            stress=3,
            used=True,
            substances=["alcohol"],
            sleep_hours=7,
        )
        award_record(  # the check-in's reward, for the reward pages
            actor=User.objects.get(email="coordinator@demo.example.org"),
            client=client,
            behaviour="daily_check_in",
            source_id=result.check_in.id,
        )
        yield org


def _viewers() -> list[WebClient]:
    """Everyone of the organization who may see something: each must leave an event wherever
    what they are shown includes a client's data."""
    people = []
    for email in (
        "admin@demo.example.org",
        "clinician@demo.example.org",
        "coordinator@demo.example.org",
        "frontdesk@demo.example.org",
        "client@demo.example.org",
        "family@demo.example.org",
    ):
        web = WebClient()
        web.force_login(User.objects.get(email=email))
        people.append(web)
    return people


CLIENT_KEYS = {"client", "client_id", "client_name", "roster", "clients", "patient_name"}


def _json_shows_a_client(data) -> bool:
    if isinstance(data, dict):
        return any(
            (key in CLIENT_KEYS and value not in (None, "", [])) or _json_shows_a_client(value)
            for key, value in data.items()
        )
    if isinstance(data, list):
        return any(_json_shows_a_client(item) for item in data)
    return False


def _shows_a_client(response, names: list[str], content: bytes) -> bool:
    """Whether an answer carries a client's data: a client's name anywhere, or (JSON) a
    non-empty client field."""
    body = content.decode(errors="replace")
    if any(name in body for name in names):
        return True
    if response.get("Content-Type", "").startswith("application/json"):
        return _json_shows_a_client(json.loads(body))
    return False


def test_every_route_that_shows_client_data_writes_an_audit_event(demo_org):
    routes = [_tidy(route) for route, _regex in _routes()]
    assert len(routes) > 150
    assert set(NO_CLIENT_DATA) <= set(routes), "NO_CLIENT_DATA names a route that is gone"
    names = [
        name
        for first, last in _m("clients.Client")
        .objects.filter(organization=demo_org)
        .values_list("first_name", "last_name")
        for name in (f"{first} {last}", f"{last}, {first}")
    ]
    viewers = _viewers()
    silent, unreached, audited = [], [], set()
    with time_machine.travel(TODAY, tick=False):
        for route in routes:
            if route in NO_CLIENT_DATA:
                continue
            reached = False
            for args in _argument_sets(route, demo_org):
                url = _url(route, args, demo_org)
                for number, web in enumerate(viewers):
                    before = AuditEvent.objects.count()
                    response = web.get(url)
                    if response.status_code == 405:  # a POST-only action: not a read path
                        reached = True
                        continue
                    if response.status_code != 200:
                        continue
                    reached = True
                    # A streamed answer is written (and audited) as it is read.
                    body = (
                        b"".join(response.streaming_content)
                        if response.streaming
                        else response.content
                    )
                    if AuditEvent.objects.count() > before:
                        audited.add(route)
                    elif _shows_a_client(response, names, body):
                        silent.append((url, number))
                if reached:
                    break
            if not reached:
                unreached.append(route)
    assert (silent, unreached) == ([], [])
    assert len(audited) > 60
