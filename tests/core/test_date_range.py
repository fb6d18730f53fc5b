"""Every date and date-time in a request body lies between 1900 and 2200, else a 400."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from tests.conftest import api_as


class _Dates(serializers.Serializer):
    day = serializers.DateField(required=False)
    moment = serializers.DateTimeField(required=False)


@pytest.mark.parametrize(
    ("data", "valid"),
    [
        ({"day": "1900-01-01"}, True),
        ({"day": "2200-12-31"}, True),
        ({"day": "0417-03-01"}, False),
        ({"day": "2201-01-01"}, False),
        ({"moment": "2026-11-26T09:00:00Z"}, True),
        ({"moment": "1058-08-30T23:29:23Z"}, False),
        ({"moment": "9999-12-31T23:59:59+14:00"}, False),
    ],
)
def test_every_drf_date_field_refuses_a_year_outside_1900_to_2200(data, valid):
    serializer = _Dates(data=data)
    assert serializer.is_valid() is valid, serializer.errors
    if not valid:
        [name] = data
        assert "between 1900-01-01 and 2200-12-31" in str(serializer.errors[name][0])


def test_a_booking_in_the_year_1058_is_a_400_naming_the_field(cast):
    response = api_as(cast.clinician).post(
        "/api/v1/sessions/",
        {
            "client": cast.client.id,
            "facilitator": cast.clinician.id,
            "session_type": "individual",
            "starts_at": "1058-08-30T23:29:23Z",
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "starts_at" in response.json()["error"]["fields"]
