"""Testing policies, program panels and the program's testing settings."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from recoverypath.clients.selectors import client_lock
from recoverypath.core.audit import Action, audit_record, model_changes, snapshot
from recoverypath.core.timezones import local_today

from .. import draw
from ..catalog import (
    ANALYTES,
    DRUG_SPECIMENS,
    SPECIMEN_TYPES,
    STANDARD_PANELS,
    standard_cutoffs,
)
from ..models import TestingPolicy, TestingSettings, TestPanel
from ..permissions import can_configure_program_testing
from ._common import actor_or_none, audit, parse_date, parse_time, require_manage

if TYPE_CHECKING:
    from recoverypath.accounts.models import Program, User
    from recoverypath.clients.models import Client

POLICY_FIELDS = [
    "tests_per_period",
    "period",
    "panel",
    "specimen_types",
    "window_days",
    "window_start",
    "window_end",
    "observed",
    "site",
    "start_date",
    "end_date",
]
SPECIMEN_KEYS = frozenset(k for k, _ in SPECIMEN_TYPES)
WEEKDAYS = (0, 1, 2, 3, 4)
DEFAULT_WINDOW = (time(8, 0), time(17, 0))
MAX_TESTS = 31


def _panel_allowed(panel: TestPanel | None, client: Client) -> bool:
    return panel is None or (
        panel.active and (panel.program_id is None or panel.program_id == client.program_id)
    )


def policy_validate(*, client: Client, data: dict[str, Any]) -> dict[str, Any]:
    """Clean policy values (all of POLICY_FIELDS). Raises ValidationError with a message per
    field: tests 1-31, a known period, weekdays 0-6, a window that opens before it closes, at
    most one test per window day on average, known specimen types, a panel of the client's
    program (or a standard one) when a drug specimen is collected, and an end after the start."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    tests = data.get("tests_per_period")
    if isinstance(tests, bool) or not isinstance(tests, int | str) or not str(tests).isdigit():
        errors["tests_per_period"] = f"Enter a whole number of tests from 1 to {MAX_TESTS}."
        tests = None
    else:
        tests = int(tests)
        if not 1 <= tests <= MAX_TESTS:
            errors["tests_per_period"] = f"Enter a whole number of tests from 1 to {MAX_TESTS}."
    clean["tests_per_period"] = tests
    period = data.get("period")
    if period not in TestingPolicy.Period.values:
        errors["period"] = "Choose per week or per month."
    clean["period"] = period
    days = data.get("window_days")
    if (
        not isinstance(days, list | tuple)
        or not days
        or any(isinstance(d, bool) or d not in range(7) for d in days)
    ):
        errors["window_days"] = "Choose at least one weekday (0 = Monday ... 6 = Sunday)."
        days = []
    clean["window_days"] = sorted(set(days))
    clean["window_start"] = parse_time(errors, "window_start", data.get("window_start"))
    clean["window_end"] = parse_time(errors, "window_end", data.get("window_end"))
    if (
        clean["window_start"]
        and clean["window_end"]
        and clean["window_end"] <= clean["window_start"]
    ):
        errors["window_end"] = "The window must close after it opens (same day)."
    if tests and period in TestingPolicy.Period.values and clean["window_days"]:
        try:
            draw.daily_probability(tests, period, clean["window_days"])
        except ValueError:
            errors["tests_per_period"] = "More tests than days in the collection window."
    specimens = data.get("specimen_types")
    if (
        not isinstance(specimens, list | tuple)
        or not specimens
        or any(s not in SPECIMEN_KEYS for s in specimens)
    ):
        errors["specimen_types"] = "Choose urine, oral fluid and/or breath."
        specimens = []
    clean["specimen_types"] = [k for k, _ in SPECIMEN_TYPES if k in specimens]
    panel = data.get("panel")
    if panel is not None and not isinstance(panel, TestPanel):
        errors["panel"] = "Choose a panel."
        panel = None
    drug = [s for s in clean["specimen_types"] if s in DRUG_SPECIMENS]
    if drug and panel is None and "specimen_types" not in errors:
        errors["panel"] = "Choose the panel for the urine or oral fluid test."
    elif panel is not None and not _panel_allowed(panel, client):
        errors["panel"] = "Choose a standard panel or one of the client's program."
    elif panel is not None and panel.specimen_type not in clean["specimen_types"]:
        errors["panel"] = "The panel is for another specimen type than the policy collects."
    clean["panel"] = panel if drug else None
    clean["observed"] = bool(data.get("observed", False))
    site = str(data.get("site") or "").strip()
    if not site:
        errors["site"] = "Say where the client goes to give the sample."
    elif len(site) > 300:
        errors["site"] = "Keep the site under 300 characters."
    clean["site"] = site
    clean["start_date"] = parse_date(errors, "start_date", data.get("start_date"))
    if clean["start_date"] is None and "start_date" not in errors:
        errors["start_date"] = "This field is required."
    clean["end_date"] = parse_date(errors, "end_date", data.get("end_date"))
    if clean["start_date"] and clean["end_date"] and clean["end_date"] < clean["start_date"]:
        errors["end_date"] = "The policy cannot end before it starts."
    if errors:
        raise ValidationError(errors)
    return clean


def policy_start(
    *,
    actor: User,
    client: Client,
    origin: str = TestingPolicy.Origin.STAFF,
    plan_component_id: int | None = None,
    replace: bool = False,
    **data: Any,
) -> TestingPolicy:
    """Start a testing policy for `client`.

    1. coordinators and above of the client's program; values per `policy_validate`;
    2. a client has one active policy: with `replace` the current one ends the day before the
       new one starts, otherwise ValidationError;
    3. one audit event. Selections start with the next daily draw.
    """
    require_manage(actor, client)
    if origin not in TestingPolicy.Origin.values:
        raise ValidationError({"origin": "Unknown origin."})
    data.setdefault("start_date", local_today(client.time_zone))
    clean = policy_validate(client=client, data=data)
    with transaction.atomic():
        client_lock(client_id=client.pk)
        current = TestingPolicy.objects.filter(
            client=client, status=TestingPolicy.Status.ACTIVE
        ).first()
        if current is not None:
            if not replace:
                raise ValidationError(
                    {"client": "The client already has an active testing policy: end it first."}
                )
            _end(actor, current, clean["start_date"])
        policy = TestingPolicy.objects.create(
            client=client,
            program_id=client.program_id,
            origin=origin,
            plan_component_id=plan_component_id,
            created_by=actor_or_none(actor),
            **clean,
        )
        audit(
            actor, policy, client, Action.CREATE, model_changes({}, snapshot(policy, POLICY_FIELDS))
        )
    return policy


def policy_update(*, actor: User, policy: TestingPolicy, **changes: Any) -> TestingPolicy:
    """Change an active policy's values (draws keep the values in force on their day)."""
    client = policy.client
    require_manage(actor, client)
    if policy.status != TestingPolicy.Status.ACTIVE:
        raise ValidationError({"status": "Only an active policy can be changed."})
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown field." for name in sorted(unknown)})
    before = snapshot(policy, POLICY_FIELDS)
    clean = policy_validate(client=client, data={**before, **changes})
    with transaction.atomic():
        for name, value in clean.items():
            setattr(policy, name, value)
        policy.save(update_fields=[*POLICY_FIELDS, "updated_at"])
        audit(
            actor,
            policy,
            client,
            Action.UPDATE,
            model_changes(before, snapshot(policy, POLICY_FIELDS)),
        )
    return policy


def _end(actor: User, policy: TestingPolicy, starts: date) -> None:
    before = snapshot(policy, ["status", "end_date"])
    last = max(policy.start_date, starts - timedelta(days=1))
    policy.end_date = min(policy.end_date or last, last)
    policy.status = TestingPolicy.Status.ENDED
    policy.save(update_fields=["end_date", "status", "updated_at"])
    audit(
        actor,
        policy,
        policy.client,
        Action.UPDATE,
        model_changes(before, snapshot(policy, ["status", "end_date"])),
    )


def policy_end(
    *, actor: User, policy: TestingPolicy, end_date: date | None = None
) -> TestingPolicy:
    """End the policy on `end_date` (default the client's today): no more draws after it."""
    require_manage(actor, policy.client)
    if policy.status != TestingPolicy.Status.ACTIVE:
        raise ValidationError({"status": "The policy has already ended."})
    end = end_date or local_today(policy.client.time_zone)
    if end < policy.start_date:
        raise ValidationError({"end_date": "The policy cannot end before it starts."})
    with transaction.atomic():
        _end(actor, policy, end + timedelta(days=1))
    return policy


def standard_panels() -> dict[str, TestPanel]:
    """{code: panel} of the standard panels (shared/CLINICAL.md), created when missing (the
    migration writes them; a flushed database, e.g. in a transactional test, has none)."""
    found = {p.code: p for p in TestPanel.objects.filter(program=None)}
    for spec in STANDARD_PANELS:
        if spec.code not in found:
            found[spec.code], _ = TestPanel.objects.get_or_create(
                program=None,
                code=spec.code,
                defaults={
                    "name": spec.name,
                    "specimen_type": spec.specimen_type,
                    "cutoffs": standard_cutoffs(spec.specimen_type, spec.analytes),
                },
            )
    return found


def testing_settings_for(*, program: Program) -> TestingSettings:
    """The program's settings, or the defaults (unsaved) when it has none."""
    found = TestingSettings.objects.filter(program=program).select_related("default_panel").first()
    return found or TestingSettings(program=program)


def program_default_values(*, client: Client, start_date: date | None = None) -> dict[str, Any]:
    """The values of the program's default policy (used for IOP clients)."""
    settings = testing_settings_for(program=client.program)
    panel = settings.default_panel or TestPanel.objects.filter(program=None, code="urine-5").first()
    return {
        "tests_per_period": settings.default_tests,
        "period": settings.default_period,
        "panel": panel,
        "specimen_types": ["urine", "breath"] if panel else ["breath"],
        "window_days": list(WEEKDAYS),
        "window_start": DEFAULT_WINDOW[0],
        "window_end": DEFAULT_WINDOW[1],
        "observed": False,
        "site": f"{client.program.name} office",
        "start_date": start_date or local_today(client.time_zone),
        "end_date": None,
    }


def policy_start_program_default(
    *, actor: User, client: Client, start_date: date | None = None, replace: bool = False
) -> TestingPolicy:
    return policy_start(
        actor=actor,
        client=client,
        origin=TestingPolicy.Origin.PROGRAM_DEFAULT,
        replace=replace,
        **program_default_values(client=client, start_date=start_date),
    )


def policy_start_for_component(
    *,
    actor: User,
    client: Client,
    plan_component_id: int,
    tests_per_week: Decimal | float | int,
    start_date: date,
    end_date: date | None,
) -> TestingPolicy:
    """The policy an aftercare plan's "Random testing" component asks for: the program's default
    collection arrangements at the component's rate (whole tests per week, else per month), from
    the plan's start to its end, replacing any current policy (e.g. the IOP default)."""
    values = program_default_values(client=client, start_date=start_date)
    rate = Decimal(str(tests_per_week or 0))
    if rate >= 1 and rate == rate.to_integral_value():
        values.update(tests_per_period=int(rate), period=TestingPolicy.Period.WEEK)
    elif rate > 0:
        monthly = max(1, round(rate * Decimal("4.348")))
        values.update(tests_per_period=monthly, period=TestingPolicy.Period.MONTH)
    values["end_date"] = end_date
    if values["tests_per_period"] > len(values["window_days"]) and values["period"] == "week":
        values["window_days"] = list(range(7))
    return policy_start(
        actor=actor,
        client=client,
        origin=TestingPolicy.Origin.AFTERCARE,
        plan_component_id=plan_component_id,
        replace=True,
        **values,
    )


def panel_create(
    *,
    actor: User,
    program: Program,
    code: str,
    name: str,
    specimen_type: str,
    cutoffs: dict[str, Any],
) -> TestPanel:
    """A program's own panel (clinicians and admins). Each analyte must be known and each
    cut-off (screen and confirm, ng/mL) a number above 0; the values are the program's call."""
    if not can_configure_program_testing(actor, program.id):
        raise PermissionDenied("Panels are set by the program's clinicians and admins.")
    errors: dict[str, str] = {}
    if not code or len(code) > 40 or not code.replace("-", "").isalnum():
        errors["code"] = "Use letters, digits and dashes (at most 40)."
    if not (name or "").strip():
        errors["name"] = "Name the panel."
    if specimen_type not in DRUG_SPECIMENS:
        errors["specimen_type"] = "Panels are for urine or oral fluid."
    clean: dict[str, dict[str, str]] = {}
    if not isinstance(cutoffs, dict) or not cutoffs:
        errors["cutoffs"] = "Give at least one analyte with its cut-offs."
    else:
        for analyte, pair in cutoffs.items():
            if analyte not in ANALYTES:
                errors[f"cutoffs.{analyte}"] = f"Unknown analyte: {analyte}."
                continue
            if not isinstance(pair, dict):
                errors[f"cutoffs.{analyte}"] = "Give screen and confirm cut-offs."
                continue
            values = {}
            for stage in ("screen", "confirm"):
                try:
                    number = Decimal(str(pair.get(stage)))
                except Exception:
                    number = None
                if number is None or not number.is_finite() or number <= 0:
                    errors[f"cutoffs.{analyte}.{stage}"] = "Enter a cut-off above 0 (ng/mL)."
                else:
                    values[stage] = str(number)
            clean[analyte] = values
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            panel = TestPanel.objects.create(
                program=program,
                code=code,
                name=name.strip()[:100],
                specimen_type=specimen_type,
                cutoffs=clean,
            )
    except IntegrityError as exc:
        raise ValidationError({"code": "The program already has a panel with this code."}) from exc
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=panel,
        organization_id=program.organization_id,
        changes={"cutoffs": [None, str(clean)]},
    )
    return panel
