"""How a meeting happens (in person, by video, by phone) and the support-group tags: one choice
list each, shared by sessions, coordinator check-ins, referrals' first appointments, external
providers and support groups.

The checks here are the services' own (each app's service calls them before it writes), so a
form, a serializer and a direct call all get the same message.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

_M = TypeVar("_M", bound=models.Model)

# The "Join" button shows from this long before the start until the end.
JOIN_OPENS_BEFORE = timedelta(minutes=10)
JOIN_URL_MAX = 200  # a URLField's length
CALL_DETAILS_MAX = 200


class Modality(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video")
    PHONE = "phone", _("Phone")


class SupportGroupTag(models.TextChoices):
    """Who a support group is for, and how it meets (several may apply)."""

    WOMEN = "women", _("Women's")
    MEN = "men", _("Men's")
    LGBTQ = "lgbtq", _("LGBTQ+")
    YOUNG_ADULTS = "young_adults", _("Young adults")
    OLDER_ADULTS = "older_adults", _("Older adults")
    FAMILY = "family", _("Family and friends")
    VETERANS = "veterans", _("Veterans")
    SPANISH = "spanish", _("Spanish-speaking")
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")


def modality_infer(*, room_given: bool, join_url: str) -> str:
    """The modality of a caller that did not name one (the API before modalities): video when
    there is a link and no room, otherwise in person."""
    return Modality.VIDEO if join_url and not room_given else Modality.IN_PERSON


def join_details_check(
    *,
    modality: str,
    join_url: str,
    call_details: str = "",
    url_field: str = "join_url",
) -> tuple[str, str]:
    """Check how a meeting is joined; return the (join_url, call_details) to store.

    - the modality is one of `Modality`;
    - a link, when given, is a web address (for any modality, so a typo is never kept);
    - video needs an https link;
    - only video keeps a link; in person ignores the link and the call details; video and
      phone keep call details (a number to call, who calls whom).
    Raises ValidationError keyed by field name.
    """
    if modality not in Modality.values:
        raise ValidationError({"modality": _("Choose in person, video or phone.")})
    join_url = (join_url or "").strip()
    call_details = (call_details or "").strip()
    if join_url:
        try:
            URLValidator()(join_url)
        except ValidationError as exc:
            raise ValidationError({url_field: _("Enter a valid URL.")}) from exc
        if len(join_url) > JOIN_URL_MAX:
            raise ValidationError(
                {url_field: _("A join link has at most %(n)d characters.") % {"n": JOIN_URL_MAX}}
            )
    if len(call_details) > CALL_DETAILS_MAX:
        raise ValidationError(
            {"call_details": _("At most %(n)d characters.") % {"n": CALL_DETAILS_MAX}}
        )
    if modality == Modality.VIDEO:
        if not join_url:
            raise ValidationError({url_field: _("A video appointment needs its join link.")})
        if not join_url.lower().startswith("https://"):
            raise ValidationError(
                {url_field: _("The join link must be a secure address starting with https://.")}
            )
    if modality == Modality.IN_PERSON:
        return "", ""
    return (join_url if modality == Modality.VIDEO else ""), call_details


def tags_check(tags: object, *, field: str = "tags") -> list[str]:
    """The support-group tags to store: known values, each once, in the choice list's order.
    Raises ValidationError naming the unknown ones."""
    if tags is None:
        return []
    if isinstance(tags, str) or not isinstance(tags, Iterable):
        raise ValidationError({field: _("Give a list of tags.")})
    given = [str(tag) for tag in tags]
    unknown = sorted(set(given) - set(SupportGroupTag.values))
    if unknown:
        raise ValidationError(
            {field: _("Unknown tag(s): %(tags)s.") % {"tags": ", ".join(unknown)}}
        )
    return [tag for tag in SupportGroupTag.values if tag in given]


def modalities_check(modalities: object, *, field: str = "modalities") -> list[str]:
    """A provider's modalities to store: known values, each once, in the choice list's order."""
    if modalities is None:
        return []
    if isinstance(modalities, str) or not isinstance(modalities, Iterable):
        raise ValidationError({field: _("Give a list of modalities.")})
    given = [str(value) for value in modalities]
    unknown = sorted(set(given) - set(Modality.values))
    if unknown:
        raise ValidationError(
            {field: _("Unknown modality: %(values)s.") % {"values": ", ".join(unknown)}}
        )
    return [value for value in Modality.values if value in given]


def tag_labels(tags: Iterable[str]) -> list[str]:
    labels = dict(SupportGroupTag.choices)
    return [str(labels.get(tag, tag)) for tag in tags]


def modality_labels(values: Iterable[str]) -> list[str]:
    labels = dict(Modality.choices)
    return [str(labels.get(value, value)) for value in values]


def join_is_open(
    *, modality: str, join_url: str, starts_at: datetime, ends_at: datetime, now: datetime
) -> bool:
    """True from JOIN_OPENS_BEFORE before the start until (not at) the end, for video with a
    link."""
    if modality != Modality.VIDEO or not join_url:
        return False
    return starts_at - JOIN_OPENS_BEFORE <= now < ends_at


def filter_by_list_value(qs: QuerySet[_M], *, field: str, value: str) -> QuerySet[_M]:
    """Rows whose JSON list `field` holds `value`, the same on SQLite and PostgreSQL: the list's
    text holds the value in quotes (values are plain tokens, so none matches inside another)."""
    alias = f"{field}_as_text"
    return qs.alias(**{alias: Cast(field, TextField())}).filter(
        **{f"{alias}__contains": f'"{value}"'}
    )
