"""Every extension point in core.hooks and what is registered on it, and how a Hook behaves.

The table below is the one place to read which app plugs into which hook, in the order the
consumer sees the entries. A new registration (or a new hook) shows up here as a failing diff:
add its line.
"""

from __future__ import annotations

import pytest

from recoverypath.core.hooks import Hook, _hooks, all_hooks

EXPECTED: dict[str, list[str]] = {
    "alert kinds": [
        "safety.phq9_item9",
        "safety.cssrs_positive",
        "safety.cssrs_low",
        "monitoring.reach_out_requested",
        "testing.positive",
        "testing.brac",
        "testing.invalid_specimen",
        "testing.no_show",
        "aftercare.help_requested",
        "discharge.readiness",
        "alumni.help",
        "attendance.unexcused_absences",
    ],
    "api token user joins": [
        "client_record",
        "client_record__program",
        "client_record__organization",
    ],
    "check-in rule inputs": [
        "incentives.check_in_inputs",
        "earlywarning.check_in_rule_inputs",
    ],
    "alerts changed": ["earlywarning.on_alerts_changed"],
    # Sessions, coordinator check-ins, referrals' first appointments (INSTALLED_APPS order).
    "client appointments": [
        "scheduling.client_next_appointment",
        "aftercare.client_next_check_in",
        "discharge.client_next_first_appointment",
    ],
    # Lower order first (1, 5, 10, 20, 20, 30, 45, 50, 60, 80, 90, then the default 100).
    "client home sections": [
        "clients.next_appointment_section",
        "testing.home_section",
        "monitoring.home_section",
        "safety.home_section",
        "incentives.home_section",
        "assessments.home_section",
        "aftercare.plan_home_section",
        "aftercare.home_section",
        "alumni.home_section",
        "consent.home_section",
        "interop.home_section",
        "scheduling.home_section",
        "discharge.client_home_section",
    ],
    "client panels": [
        "consent.client_panel",
        "safety.client_panel",
        "alerts.client_panel",
        "care.timeline_panel",
        "scheduling.client_panel",
        "assessments.client_panel",
        "monitoring.client_panel",
        "testing.client_panel",
        "aftercare.client_panel",
        "discharge.client_panel",
        "incentives.client_panel",
    ],
    "clients in programs": ["clients.client_ids_in_programs"],
    "csv exports": ["caseload", "scores", "gap-in-care", "dashboard", "testing-compliance"],
    "fhir mappers": [
        "Patient:patient",
        "EpisodeOfCare:episodes_of_care",
        "Appointment:appointments",
        "Encounter:encounters",
        "CarePlan:care_plans",
        "Goal:goals",
        "QuestionnaireResponse:questionnaire_responses",
        "Observation:assessment_observations",
        "Observation:check_in_observations",
        "Observation:lab_observations",
        "Consent:consents",
        "DocumentReference:document_references",
        "Provenance:provenances",
    ],
    "family sections": [
        "sobriety",
        "attendance",
        "schedule",
        "assessment_scores",
        "check_ins",
        "test_results",
        "aftercare_plan",
        "discharge_summary",
    ],
    "finish checks": ["discharge.episode_finish_check"],
    "help actions": ["aftercare.help_action"],
    "help requests": ["aftercare.help_request_handler"],
    "home destinations": ["consent.home_url"],
    "invitation kinds": ["staff", "client", "family"],
    # The menu sorts the items themselves; registration order does not matter here.
    "navigation": [
        "core.nav_items",
        "accounts.nav_items",
        "clients.nav_items",
        "consent.nav_items",
        "notifications.nav_items",
        "alerts.nav_items",
        "scheduling.nav_items",
        "assessments.nav_items",
        "testing.nav_items",
        "discharge.nav_items",
        "incentives.nav_items",
        "alumni.nav_items",
        "earlywarning.nav_items",
        "outcomes.nav_items",
        "interop.nav_items",
        "interop.staff_nav_items",
    ],
    "notification channels": ["in_app", "email", "sms"],
    # The home page first, then the safety plan and the help page (crisis numbers).
    "offline pages": ["clients:me", "safety:my_plan", "safety:my_help"],
    # Keyed by the dedup-key prefix each app's reminders use.
    "reminder checks": [
        "scheduling:session:",
        "assessments:due:",
        "monitoring:check-in:",
        "monitoring:check-in-missed:",
        "aftercare:coordinator-check-in:",
    ],
    "sms senders": ["notifications.invitation_text_send"],
    "to-do sources": [
        "consent.todo_items",
        "safety.todo_items",
        "alerts.todo_items",
        "scheduling.todo_items",
        "assessments.todo_items",
        "testing.todo_items",
        "discharge.todo_items",
    ],
}


def test_every_hook_is_listed_here():
    assert sorted(all_hooks()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_hook_holds_what_the_apps_register_in_order(name):
    assert all_hooks()[name].keys() == EXPECTED[name]


def test_every_hook_says_what_it_is_for():
    for name, hook in all_hooks().items():
        assert hook.doc.strip(), name


def test_running_every_apps_ready_again_registers_nothing_twice():
    from django.apps import apps

    before = {name: hook.keys() for name, hook in all_hooks().items()}
    for config in apps.get_app_configs():
        config.ready()
    assert {name: hook.keys() for name, hook in all_hooks().items()} == before


# --- Hook itself ---------------------------------------------------------------------------------


@pytest.fixture
def hook():
    made: Hook[object] = Hook("a hook for this test", "Only for the tests of Hook")
    yield made
    del _hooks[made.name]


def first(request): ...
def second(request): ...
def third(request): ...


def test_entries_come_by_order_then_by_registration(hook):
    hook.register(third, order=200)
    hook.register(first)
    hook.register(second)
    hook.register("early", order=5, key="early")
    assert hook.entries() == ["early", first, second, third]
    assert hook.keys() == [
        "early",
        "tests.core.test_hooks.first",
        "tests.core.test_hooks.second",
        "tests.core.test_hooks.third",
    ]


def test_registering_the_same_function_twice_keeps_one_entry_in_its_first_place(hook):
    hook.register(first)
    hook.register(second)
    hook.register(first, order=1)
    assert hook.entries() == [first, second]
    assert len(hook) == 2


def test_an_equal_value_under_the_same_key_is_the_same_entry(hook):
    hook.register(("a", 1), key="a")
    hook.register(("a", 1), key="a")
    assert hook.entries() == [("a", 1)]


def test_two_different_entries_under_one_key_are_refused(hook):
    hook.register(("a", 1), key="a")
    with pytest.raises(ValueError, match="already registered"):
        hook.register(("a", 2), key="a")


def test_a_hook_name_is_declared_once(hook):
    with pytest.raises(ValueError, match="declared twice"):
        Hook(hook.name, "again")


def test_described_lines_show_order_and_key(hook):
    hook.register(first, order=7)
    assert hook.described() == ["   7 tests.core.test_hooks.first"]
