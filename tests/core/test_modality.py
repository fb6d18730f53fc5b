"""The shared modality and support-group tag rules (core.modality), as every service uses them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from recoverypath.core.modality import (
    join_details_check,
    join_is_open,
    modalities_check,
    tags_check,
)

LINK = "https://video.example.test/room/fictional-1"


def test_video_needs_a_join_link():
    with pytest.raises(ValidationError) as exc:
        join_details_check(modality="video", join_url="")
    assert exc.value.message_dict == {"join_url": ["A video appointment needs its join link."]}


def test_video_refuses_a_link_that_is_not_https():
    with pytest.raises(ValidationError) as exc:
        join_details_check(modality="video", join_url="http://video.example.test/room/1")
    assert exc.value.message_dict == {
        "join_url": ["The join link must be a secure address starting with https://."]
    }


def test_a_link_that_is_not_a_web_address_is_refused_under_the_callers_field_name():
    with pytest.raises(ValidationError) as exc:
        join_details_check(modality="video", join_url="call me", url_field="telehealth_url")
    assert exc.value.message_dict == {"telehealth_url": ["Enter a valid URL."]}


def test_in_person_ignores_the_link_and_call_details():
    assert join_details_check(modality="in_person", join_url=LINK, call_details="x") == ("", "")


def test_phone_keeps_its_call_details():
    assert join_details_check(modality="phone", join_url="", call_details=" +1 202 555 0143 ") == (
        "",
        "+1 202 555 0143",
    )


def test_video_keeps_its_https_link():
    assert join_details_check(modality="video", join_url=LINK) == (LINK, "")


def test_an_unknown_modality_is_refused():
    with pytest.raises(ValidationError) as exc:
        join_details_check(modality="carrier_pigeon", join_url="")
    assert "modality" in exc.value.message_dict


def test_tags_are_kept_once_each_in_the_lists_order():
    assert tags_check(["online", "women", "online"]) == ["women", "online"]


@pytest.mark.parametrize("bad", [["women", "martians"], "women", 7])
def test_unknown_or_malformed_tags_are_refused(bad):
    with pytest.raises(ValidationError) as exc:
        tags_check(bad)
    assert "tags" in exc.value.message_dict


def test_provider_modalities_are_checked_the_same_way():
    assert modalities_check(["video", "in_person"]) == ["in_person", "video"]
    with pytest.raises(ValidationError):
        modalities_check(["fax"])


START = datetime(2026, 6, 15, 16, 0, tzinfo=UTC)
END = START + timedelta(minutes=50)


@pytest.mark.parametrize(
    ("now", "open_"),
    [
        (START - timedelta(minutes=10, seconds=1), False),
        (START - timedelta(minutes=10), True),
        (START - timedelta(minutes=9, seconds=59), True),
        (END - timedelta(seconds=1), True),
        (END, False),
    ],
)
def test_the_join_window_opens_ten_minutes_before_and_closes_at_the_end(now, open_):
    assert (
        join_is_open(modality="video", join_url=LINK, starts_at=START, ends_at=END, now=now)
        is open_
    )


def test_only_video_with_a_link_can_be_joined():
    assert not join_is_open(
        modality="phone", join_url=LINK, starts_at=START, ends_at=END, now=START
    )
    assert not join_is_open(modality="video", join_url="", starts_at=START, ends_at=END, now=START)
