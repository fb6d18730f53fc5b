"""A bulk write renders each message template once per language and values it reads
(messages._render inside templates_cached): the rows are the same as one notice at a time."""

from __future__ import annotations

import pytest
from django.template import Engine

from recoverypath.accounts.models import Role
from recoverypath.notifications.messages import _render, _template_names, templates_cached
from recoverypath.notifications.models import Notification
from recoverypath.notifications.services import (
    Notice,
    notification_queue,
    notifications_queue_bulk,
)
from tests.factories import staff

pytestmark = pytest.mark.django_db

FIELDS = ("recipient_id", "channel", "template", "subject", "body", "link", "address", "status")


def _notices(people) -> list[Notice]:
    notices = []
    for n in range(6):
        for person in people:
            notices.append(
                Notice(
                    recipient_id=person.id,
                    template="alerts.raised",
                    context={
                        "severity": ("high", "medium")[n % 2],
                        "kind_label": ("No check-in", "Low adherence", "Reported use")[n % 3],
                    },
                    link=f"/alerts/{1000 + n}/",
                )
            )
    return notices


def _rows(ids) -> list[tuple]:
    return list(Notification.objects.filter(id__in=ids).order_by("id").values_list(*FIELDS))


def test_bulk_rows_read_the_same_as_one_notice_at_a_time(cast):
    english = staff(cast.program, Role.CLINICIAN, first_name="Ada", language="en")
    spanish = staff(cast.program, Role.COORDINATOR, first_name="Bea", language="es")
    people = {p.id: p for p in (english, spanish)}
    notices = _notices(people.values())

    written = notifications_queue_bulk(notices)
    bulk = _rows([row.id for rows in written.values() for row in rows])
    one_by_one = []
    for notice in notices:
        rows = notification_queue(
            recipient=people[notice.recipient_id],
            template=notice.template,
            context=notice.context,
            link=notice.link,
        )
        one_by_one += _rows([row.id for row in rows])
    assert len(bulk) == len(one_by_one) == 2 * len(notices)  # in the app and e-mail each
    assert bulk == one_by_one
    bodies = {(row[0], row[1], row[4]) for row in bulk}
    assert len(bodies) > 4  # different words per language, severity and kind, links per alert
    assert any("/alerts/1005/" in row[4] for row in bulk)
    subjects = {row[0]: row[3] for row in bulk}
    assert subjects[english.id] != subjects[spanish.id]  # each in the reader's language


def _template(text: str):
    return Engine.get_default().from_string(text)


def test_names_read_by_a_template_or_none_when_unsure():
    names = _template_names(
        _template(
            "{% load i18n %}{% blocktranslate trimmed %}New {{ severity }} alert: "
            "{{ kind_label }}{% endblocktranslate %} {{ link|default:fallback }} "
            "{% translate 'Hi' %}"
        )
    )
    assert names == {"severity", "kind_label", "link", "fallback"}
    assert _template_names(_template("{% now 'Y' %}")) is None
    assert _template_names(_template("{% if link %}{{ link }}{% endif %}")) is None
    assert _template_names(_template("{% load i18n %}{% translate 'Hi' as hi %}{{ hi }}")) is None


def test_reused_renders_keep_none_apart_from_missing_and_values_apart():
    template = _template("[{{ value }}]")
    with templates_cached():
        assert _render(template, {"value": None}) == "[None]"
        assert _render(template, {}) == "[]"
        assert _render(template, {"value": "a"}) == "[a]"
        assert _render(template, {"value": "b"}) == "[b]"
        assert _render(template, {"value": ["not", "a", "key"]}) == "[['not', 'a', 'key']]"
        assert _render(template, {"value": "a", "unread": "x"}) == "[a]"
        assert _render(template, {"value": True}) == "[True]"
        assert _render(template, {"value": 1}) == "[1]"
        assert _render(template, {"value": 1.0}) == "[1.0]"
