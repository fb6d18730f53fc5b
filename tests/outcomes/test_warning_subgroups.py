"""The early-warning report's subgroups by ethnicity and race, where recorded: every recorded
answer is a row, clients never asked are "not recorded", and a group under ten clients is
listed with its counts, marked too few, its AUC not computed."""

from __future__ import annotations

import random

from recoverypath.clients.models import Client
from recoverypath.outcomes.demo_data import plant_history
from recoverypath.outcomes.selectors import warning_performance
from recoverypath.outcomes.warnings import MIN_GROUP_CLIENTS, race_group

from .test_early_warning_performance import END, START, _cohort


def _groups(perf, key: str) -> dict:
    return {g.label.split(": ", 1)[1]: g for g in perf.by_group if g.label.startswith(key)}


def test_no_race_or_ethnicity_rows_while_nobody_is_recorded(cast):
    plant_history(clients=_cohort(cast, 20), rng=random.Random(4), start=START, planted=True)
    _, perf = warning_performance(user=cast.admin, program_id=cast.program.id, start=START, end=END)
    assert not perf.race_ethnicity_recorded
    assert not _groups(perf, "race") and not _groups(perf, "ethnicity")


def test_recorded_groups_are_reported_and_small_ones_shown_as_too_few(cast, client):
    clients = _cohort(cast, 40)
    for index, person in enumerate(clients):
        if index < 24:
            person.race, person.ethnicity = ["white"], "not_hispanic_or_latino"
        elif index < 30:
            person.race, person.ethnicity = ["asian", "white"], "hispanic_or_latino"
        elif index < 33:
            person.race, person.ethnicity = ["declined"], "declined"
    Client.objects.bulk_update(clients, ["race", "ethnicity"])
    plant_history(clients=clients, rng=random.Random(5), start=START, planted=True)
    _, perf = warning_performance(user=cast.admin, program_id=cast.program.id, start=START, end=END)
    assert perf.race_ethnicity_recorded
    race = _groups(perf, "race")
    assert set(race) == {"White", "two or more races", "Declined to answer", "not recorded"}
    assert race["White"].clients == 24 and not race["White"].too_few
    assert race["White"].value is not None and race["White"].value > 0.6
    small = race["two or more races"]
    assert small.clients == 6 < MIN_GROUP_CLIENTS
    assert small.too_few and small.value is None and small.positives + small.negatives > 0
    assert race["not recorded"].clients == 7 and race["not recorded"].too_few
    ethnicity = _groups(perf, "ethnicity")
    assert ethnicity["Not Hispanic or Latino"].clients == 24
    assert ethnicity["Hispanic or Latino"].too_few
    client.force_login(cast.admin)
    url = f"/outcomes/early-warnings/?program={cast.program.id}&start={START}&end={END}"
    html = client.get(url).content.decode()
    assert "race: two or more races" in html and "Too few clients (6) for a figure" in html
    assert "OMB 1997 categories" in html


def test_a_client_naming_two_races_counts_once_under_two_or_more():
    assert race_group(["Asian", "White"]) == "two or more races"
    assert race_group([]) == "not recorded"
    assert race_group(["White"]) == "White"
