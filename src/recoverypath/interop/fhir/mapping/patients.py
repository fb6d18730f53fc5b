"""Patient and EpisodeOfCare."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fhir.resources.R4B.episodeofcare import EpisodeOfCare
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.resource import Resource

from ..record import ClientRecord
from .common import EPISODE_STATUS, RP, concept, instant, meta, patient_ref, rid


def patient(record: ClientRecord) -> Iterator[Resource]:
    client = record.client
    names: list[dict[str, Any]] = [
        {"use": "official", "family": client.last_name, "given": [client.first_name]}
    ]
    if client.preferred_name:
        names.append({"use": "usual", "given": [client.preferred_name]})
    telecom = []
    if client.phone:
        telecom.append({"system": "phone", "value": client.phone})
    if client.email:
        telecom.append({"system": "email", "value": client.email})
    data: dict[str, Any] = {
        "id": str(client.id),
        "meta": meta(client.updated_at),
        "identifier": [
            {
                "use": "usual",
                "type": concept(
                    "Medical record number",
                    [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}],
                ),
                "system": f"{RP}:organization:{client.organization_id}:mrn",
                "value": client.mrn,
            }
        ],
        "active": True,
        "name": names,
        "gender": {"female": "female", "male": "male"}.get(client.sex_assigned_at_birth, "unknown"),
        "birthDate": client.date_of_birth.isoformat(),
        "managingOrganization": {"display": client.program.name},
    }
    if telecom:
        data["telecom"] = telecom
    yield Patient.model_validate(data)


def episodes_of_care(record: ClientRecord) -> Iterator[Resource]:
    for episode in record.episodes:
        data: dict[str, Any] = {
            "id": rid(record, f"ep{episode.id}"),
            "meta": meta(episode.updated_at),
            "status": EPISODE_STATUS[episode.status],
            "type": [
                concept(
                    episode.level_name or episode.level_code,
                    [
                        {
                            "system": f"{RP}:asam-level:edition-{episode.edition}",
                            "code": episode.level_code,
                            "display": episode.level_name or episode.level_code,
                        }
                    ],
                )
            ],
            "patient": patient_ref(record),
            "managingOrganization": {"display": episode.program.name},
            "period": {"start": episode.start_date.isoformat()},
        }
        if episode.end_date:
            data["period"]["end"] = episode.end_date.isoformat()
        history = [
            {
                "status": EPISODE_STATUS[change.to_status],
                "period": {"start": instant(change.changed_at)},
            }
            for change in episode.history.all()
            if change.to_status in EPISODE_STATUS
        ]
        if history:
            data["statusHistory"] = history
        yield EpisodeOfCare.model_validate(data)
