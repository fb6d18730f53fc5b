"""One client's record as the FHIR mappers need it, loaded lazily through the owning apps'
selectors: building one resource type loads only what that type needs."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from recoverypath.aftercare import selectors as aftercare_selectors
from recoverypath.assessments import selectors as assessment_selectors
from recoverypath.care import selectors as care_selectors
from recoverypath.consent import selectors as consent_selectors
from recoverypath.discharge import selectors as discharge_selectors
from recoverypath.monitoring.selectors import check_ins_all
from recoverypath.scheduling import selectors as scheduling_selectors
from recoverypath.testing import selectors as testing_selectors

if TYPE_CHECKING:
    from recoverypath.clients.models import Client


class ClientRecord:
    """What the program holds about one client. Each attribute is one selector call, made the
    first time it is read."""

    def __init__(self, client: Client) -> None:
        self.client = client

    @cached_property
    def episodes(self) -> list:
        return care_selectors.episode_timeline(client=self.client)

    @cached_property
    def sessions(self) -> list:
        return list(scheduling_selectors.client_sessions_all(client=self.client))

    @cached_property
    def attendance(self) -> list:
        return scheduling_selectors.attendance_for_client(client=self.client, limit=None)

    @cached_property
    def attendance_by_session(self) -> dict[int, Any]:
        return {row.session_id: row for row in self.attendance}

    @cached_property
    def aftercare_plans(self) -> list:
        return aftercare_selectors.plans_for_client(client=self.client)

    @cached_property
    def assessments(self) -> list:
        return list(assessment_selectors.assessment_scores(client=self.client))

    @cached_property
    def check_ins(self) -> list:
        return list(check_ins_all(client=self.client))

    @cached_property
    def consents(self) -> list:
        return list(consent_selectors.consent_list(client=self.client).order_by("signed_on", "id"))

    @cached_property
    def tests(self) -> testing_selectors.ClientTestRecord:
        return testing_selectors.test_record_for_client(client=self.client)

    @cached_property
    def discharge_summaries(self) -> list:
        return [
            summary
            for summary in discharge_selectors.summaries_for_client(client=self.client)
            if summary.is_signed
        ]

    def episode_on(self, day, program_id: int):
        """The episode in `program_id` whose dates cover `day`, if any."""
        for episode in reversed(self.episodes):
            if episode.program_id != program_id or episode.start_date > day:
                continue
            if episode.end_date is None or episode.end_date >= day:
                return episode
        return None
