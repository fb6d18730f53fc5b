"""The reward services are the authority for the rules the schedule form checks first."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from recoverypath.incentives.services import schedule_configure


def test_the_schedule_service_refuses_a_prize_without_an_amount_and_a_weight(cast):
    with pytest.raises(ValidationError) as exc:
        schedule_configure(actor=cast.clinician, program=cast.program, prizes=[{"label": "Mug"}])
    assert exc.value.message_dict == {
        "prizes": ["Each prize needs a label, an amount and a weight."]
    }
