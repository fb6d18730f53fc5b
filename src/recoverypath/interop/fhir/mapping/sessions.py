"""Appointment per booked session, Encounter per attended one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.resource import Resource

from recoverypath.core.modality import Modality

from ..record import ClientRecord
from .common import ACT_CODE, ATTENDED, concept, instant, meta, patient_ref, rid


def _appointment_status(record: ClientRecord, session) -> str:
    if session.is_cancelled:
        return "cancelled"
    row = record.attendance_by_session.get(session.id)
    if row is None:
        return "booked"
    return "fulfilled" if row.status in ATTENDED else "noshow"


def appointments(record: ClientRecord) -> Iterator[Resource]:
    for session in record.sessions:
        status = _appointment_status(record, session)
        data: dict[str, Any] = {
            "id": rid(record, f"appt{session.id}"),
            "meta": meta(session.updated_at),
            "status": status,
            "serviceType": [concept(session.title)],
            "description": f"Session at {session.program.name}",
            "start": instant(session.starts_at),
            "end": instant(session.ends_at),
            "minutesDuration": max(session.duration_minutes, 1),
            "participant": [
                {
                    "actor": patient_ref(record),
                    "status": "declined" if status == "cancelled" else "accepted",
                }
            ],
        }
        if session.is_cancelled and session.cancel_reason:
            data["cancelationReason"] = concept(session.cancel_reason)
        yield Appointment.model_validate(data)


def encounters(record: ClientRecord) -> Iterator[Resource]:
    """One Encounter per session the client attended (present, late or left early)."""
    sessions = {session.id: session for session in record.sessions}
    for row in reversed(record.attendance):
        if row.status not in ATTENDED:
            continue
        session = sessions.get(row.session_id, row.session)
        # ActCode VR (virtual) for video and phone alike; AMB for in person.
        virtual = session.modality != Modality.IN_PERSON
        data: dict[str, Any] = {
            "id": rid(record, f"enc{row.id}"),
            "meta": meta(row.recorded_at),
            "status": "finished",
            "class": {
                "system": ACT_CODE,
                "code": "VR" if virtual else "AMB",
                "display": "virtual" if virtual else "ambulatory",
            },
            "type": [concept(session.title)],
            "subject": patient_ref(record),
            "period": {"start": instant(session.starts_at), "end": instant(session.ends_at)},
            "length": {
                "value": row.minutes_attended,
                "unit": "min",
                "system": "http://unitsofmeasure.org",
                "code": "min",
            },
            "serviceProvider": {"display": session.program.name},
        }
        if session.id in sessions:
            data["appointment"] = [{"reference": f"Appointment/{rid(record, f'appt{session.id}')}"}]
        episode = record.episode_on(session.starts_at.date(), session.program_id)
        if episode is not None:
            data["episodeOfCare"] = [
                {"reference": f"EpisodeOfCare/{rid(record, f'ep{episode.id}')}"}
            ]
        yield Encounter.model_validate(data)
