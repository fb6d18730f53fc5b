"""core.links.id_url: the same URL as reverse() for an integer id, and it follows the URLconf."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, path, reverse

from recoverypath.core.links import id_url


def _view(request, item_id):  # pragma: no cover - never called, only reversed
    raise AssertionError


urlpatterns = [path("elsewhere/<int:item_id>/page/", _view, name="item")]


@pytest.mark.parametrize("name", ["clients:detail", "earlywarning:timeline", "aftercare:plan"])
@pytest.mark.parametrize("pk", [1, 42, 987654321, 10**15])
def test_same_as_reverse(name, pk):
    assert id_url(name, pk) == reverse(name, args=[pk])


def test_follows_an_overridden_urlconf_and_raises_like_reverse():
    with override_settings(ROOT_URLCONF=__name__):
        assert id_url("item", 7) == "/elsewhere/7/page/"
        with pytest.raises(NoReverseMatch):
            id_url("clients:detail", 7)
    assert id_url("clients:detail", 7) == reverse("clients:detail", args=[7])
