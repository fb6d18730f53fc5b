"""The early-warning pages over the whole cast, where other tests name only some roles, and the
rule settings read in one query whatever the number of rules."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recoverypath.earlywarning.models import RuleSetting

NOT_ADMINS = [
    "clinician",
    "coordinator",
    "front_desk",
    "other_program_clinician",
    "outsider",
    "client_user",
]


def _rules_url(cast) -> str:
    return f"/aftercare/rules/{cast.program.id}/"


def _good_settings(client, cast) -> dict:
    client.force_login(cast.admin)
    form = client.get(_rules_url(cast)).context["form"]
    client.logout()
    data = {name: field.initial for name, field in form.fields.items()}
    data = {k: v for k, v in data.items() if v is not False}
    data.pop("reported_use__enabled")
    return data


@pytest.mark.parametrize(
    "path", ["/aftercare/clients/{client}/timeline/", "/aftercare/rules/{program}/"]
)
def test_anonymous_visitors_of_early_warning_pages_go_to_log_in(client, cast, path):
    response = client.get(path.format(client=cast.client.id, program=cast.program.id))
    assert response.status_code == 302
    assert "/login" in response["Location"]


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302)] + [(w, 404) for w in NOT_ADMINS])
def test_only_program_admins_save_rules_on_the_web(client, cast, who, status):
    data = _good_settings(client, cast)
    if who != "anonymous":
        client.force_login(getattr(cast, who))
    assert client.post(_rules_url(cast), data).status_code == status
    assert not RuleSetting.objects.exists()


def test_an_unknown_program_is_a_404_for_an_admin(client, cast):
    client.force_login(cast.admin)
    assert client.get("/aftercare/rules/999999/").status_code == 404
    assert client.get(f"/aftercare/rules/{cast.outsider_program.id}/").status_code == 404


def test_the_rules_page_reads_every_rule_in_one_query(client, cast):
    client.force_login(cast.admin)
    client.get(_rules_url(cast))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_rules_url(cast)).status_code == 200
    reads = [q["sql"] for q in queries.captured_queries if "earlywarning_rulesetting" in q["sql"]]
    assert len(reads) == 1
