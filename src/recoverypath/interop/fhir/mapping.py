"""RecoveryPath records as FHIR R4 resources.

Built as `fhir.resources.R4B` models: fhir.resources 8 ships R5 as its default package and no R4
package; R4B is wire-compatible with R4 for every type mapped here (CLINICAL.md, "FHIR R4"). Every
resource is validated by `model_validate` as it is built, so a mapping that breaks structure or
cardinality fails loudly here rather than at the receiving system.

Resource ids: a Patient's id is the client's id; every other resource's id starts with the
client's id (`12-ep3`, `12-obs44-i9`), so a read finds the patient, checks access and builds only
that patient's record. References between resources point only at resources the same patient's
record produces, so they resolve within an `$everything` bundle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time
from typing import Any

from django.urls import reverse
from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.consent import Consent
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.episodeofcare import EpisodeOfCare
from fhir.resources.R4B.goal import Goal
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.provenance import Provenance
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.resource import Resource

from recoverypath.assessments.instruments import REGISTRY as INSTRUMENTS

from .record import ClientRecord

LOINC = "http://loinc.org"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
PROVENANCE_AGENT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
RP = "urn:recoverypath"

# 42 CFR Part 2: everything a SUD program holds about a client is Part 2 information.
PART2_LABEL = {"system": ACT_CODE, "code": "42CFRPart2", "display": "42 CFR Part2"}

ATTENDED = ("present", "late", "left_early")
EPISODE_STATUS = {
    "planned": "planned",
    "active": "active",
    "finished": "finished",
    "cancelled": "cancelled",
}
CAREPLAN_STATUS = {
    "active": "active",
    "paused": "on-hold",
    "completed": "completed",
    "cancelled": "revoked",
}
GOAL_STATUS = {"open": "active", "achieved": "completed", "dropped": "cancelled"}
GOAL_ACHIEVEMENT = {"open": "in-progress", "achieved": "achieved", "dropped": "not-achieved"}
CONSENT_PURPOSE = {
    "treatment": ("TREAT", "treatment"),
    "payment": ("HPAYMT", "healthcare payment"),
    "health_care_operations": ("HOPERAT", "healthcare operations"),
    "care_coordination": ("CAREMGT", "care management"),
    "family_involvement": ("FAMRQT", "family requested"),
    "patient_request": ("PATRQT", "patient requested"),
}


def _instant(value: datetime | date | None) -> str | None:
    """An ISO instant in UTC (dates become their midnight UTC), or None."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min, tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _meta(updated: datetime | date | None) -> dict[str, Any]:
    meta: dict[str, Any] = {"security": [PART2_LABEL]}
    if updated is not None:
        meta["lastUpdated"] = _instant(updated)
    return meta


def _patient_ref(record: ClientRecord) -> dict[str, str]:
    return {"reference": f"Patient/{record.client.id}"}


def _rid(record: ClientRecord, local: str) -> str:
    return f"{record.client.id}-{local}"


def _person(user) -> dict[str, str] | None:
    """A staff member as a display-only reference (Practitioners are not served)."""
    if user is None:
        return None
    name = f"{user.first_name} {user.last_name}".strip() or user.email
    return {"display": name}


def _concept(text: str, coding: list[dict[str, str]] | None = None) -> dict[str, Any]:
    concept: dict[str, Any] = {"text": text}
    if coding:
        concept["coding"] = coding
    return concept


# --- Patient and episodes --------------------------------------------------------------------


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
        "meta": _meta(client.updated_at),
        "identifier": [
            {
                "use": "usual",
                "type": _concept(
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
            "id": _rid(record, f"ep{episode.id}"),
            "meta": _meta(episode.updated_at),
            "status": EPISODE_STATUS[episode.status],
            "type": [
                _concept(
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
            "patient": _patient_ref(record),
            "managingOrganization": {"display": episode.program.name},
            "period": {"start": episode.start_date.isoformat()},
        }
        if episode.end_date:
            data["period"]["end"] = episode.end_date.isoformat()
        history = [
            {
                "status": EPISODE_STATUS[change.to_status],
                "period": {"start": _instant(change.changed_at)},
            }
            for change in episode.history.all()
            if change.to_status in EPISODE_STATUS
        ]
        if history:
            data["statusHistory"] = history
        yield EpisodeOfCare.model_validate(data)


# --- Sessions --------------------------------------------------------------------------------


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
            "id": _rid(record, f"appt{session.id}"),
            "meta": _meta(session.updated_at),
            "status": status,
            "serviceType": [_concept(session.title)],
            "description": f"Session at {session.program.name}",
            "start": _instant(session.starts_at),
            "end": _instant(session.ends_at),
            "minutesDuration": max(session.duration_minutes, 1),
            "participant": [
                {
                    "actor": _patient_ref(record),
                    "status": "declined" if status == "cancelled" else "accepted",
                }
            ],
        }
        if session.is_cancelled and session.cancel_reason:
            data["cancelationReason"] = _concept(session.cancel_reason)
        yield Appointment.model_validate(data)


def encounters(record: ClientRecord) -> Iterator[Resource]:
    """One Encounter per session the client attended (present, late or left early)."""
    sessions = {session.id: session for session in record.sessions}
    for row in reversed(record.attendance):
        if row.status not in ATTENDED:
            continue
        session = sessions.get(row.session_id, row.session)
        virtual = bool(session.telehealth_url) and not session.room_id
        data: dict[str, Any] = {
            "id": _rid(record, f"enc{row.id}"),
            "meta": _meta(row.recorded_at),
            "status": "finished",
            "class": {
                "system": ACT_CODE,
                "code": "VR" if virtual else "AMB",
                "display": "virtual" if virtual else "ambulatory",
            },
            "type": [_concept(session.title)],
            "subject": _patient_ref(record),
            "period": {"start": _instant(session.starts_at), "end": _instant(session.ends_at)},
            "length": {
                "value": row.minutes_attended,
                "unit": "min",
                "system": "http://unitsofmeasure.org",
                "code": "min",
            },
            "serviceProvider": {"display": session.program.name},
        }
        if session.id in sessions:
            data["appointment"] = [
                {"reference": f"Appointment/{_rid(record, f'appt{session.id}')}"}
            ]
        episode = record.episode_on(session.starts_at.date(), session.program_id)
        if episode is not None:
            data["episodeOfCare"] = [
                {"reference": f"EpisodeOfCare/{_rid(record, f'ep{episode.id}')}"}
            ]
        yield Encounter.model_validate(data)


# --- Aftercare -------------------------------------------------------------------------------


def care_plans(record: ClientRecord) -> Iterator[Resource]:
    for plan in record.aftercare_plans:
        activities = []
        for component in plan.components.all():
            detail: dict[str, Any] = {
                "code": _concept(component.get_kind_display()),
                "status": "in-progress" if component.active else "stopped",
                "description": component.title or component.get_kind_display(),
            }
            if component.provider_id:
                detail["performer"] = [{"display": component.provider.name}]
            activities.append({"detail": detail})
        data: dict[str, Any] = {
            "id": _rid(record, f"cp{plan.id}"),
            "meta": _meta(plan.updated_at),
            "status": CAREPLAN_STATUS.get(plan.status, "unknown"),
            "intent": "plan",
            "category": [
                _concept("Aftercare plan", [{"system": f"{RP}:careplan", "code": "aftercare"}])
            ],
            "title": f"Aftercare plan ({plan.get_length_display()})",
            "subject": _patient_ref(record),
            "period": {"start": plan.start_date.isoformat(), "end": plan.end_date.isoformat()},
            "created": _instant(plan.created_at),
        }
        goals = [
            {"reference": f"Goal/{_rid(record, f'goal{goal.id}')}"} for goal in plan.goals.all()
        ]
        if goals:
            data["goal"] = goals
        if activities:
            data["activity"] = activities
        if plan.episode_id and any(e.id == plan.episode_id for e in record.episodes):
            data["supportingInfo"] = [
                {"reference": f"EpisodeOfCare/{_rid(record, f'ep{plan.episode_id}')}"}
            ]
        yield CarePlan.model_validate(data)


def goals(record: ClientRecord) -> Iterator[Resource]:
    for plan in record.aftercare_plans:
        for goal in plan.goals.all():
            data: dict[str, Any] = {
                "id": _rid(record, f"goal{goal.id}"),
                "meta": _meta(goal.updated_at),
                "lifecycleStatus": GOAL_STATUS.get(goal.status, "active"),
                "achievementStatus": _concept(
                    goal.get_status_display(),
                    [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/goal-achievement",
                            "code": GOAL_ACHIEVEMENT.get(goal.status, "in-progress"),
                        }
                    ],
                ),
                "description": _concept(goal.description),
                "subject": _patient_ref(record),
                "startDate": goal.created_at.date().isoformat(),
            }
            if goal.target_date:
                data["target"] = [{"dueDate": goal.target_date.isoformat()}]
            yield Goal.model_validate(data)


# --- Assessments -----------------------------------------------------------------------------


def _answer(value: Any) -> dict[str, Any] | None:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    return None


def _qr_items(assessment) -> list[dict[str, Any]]:
    instrument = INSTRUMENTS.get(assessment.instrument)
    items = instrument.items if instrument else ()
    out = []
    for index, value in enumerate(assessment.answers or []):
        item = items[index] if index < len(items) else None
        entry: dict[str, Any] = {
            "linkId": (item.loinc if item and item.loinc else str(index + 1)),
            "text": item.text if item else f"Item {index + 1}",
        }
        if isinstance(value, dict):
            parts = dict(item.parts) if item else {}
            entry["item"] = [
                {"linkId": f"{index + 1}{key}", "text": parts.get(key, key), "answer": [answer]}
                for key, days in value.items()
                if (answer := _answer(days)) is not None
            ]
            if not entry["item"]:
                del entry["item"]
        elif (answer := _answer(value)) is not None:
            entry["answer"] = [answer]
        out.append(entry)
    return out


def questionnaire_responses(record: ClientRecord) -> Iterator[Resource]:
    for assessment in record.assessments:
        instrument = INSTRUMENTS.get(assessment.instrument)
        panel = instrument.loinc_panel if instrument else ""
        data: dict[str, Any] = {
            "id": _rid(record, f"qr{assessment.id}"),
            "meta": _meta(assessment.created_at),
            "questionnaire": f"{LOINC}/q/{panel}"
            if panel
            else f"{RP}:instrument:{assessment.instrument}",
            "status": "completed",
            "subject": _patient_ref(record),
            "authored": _instant(assessment.administered_at),
            "item": _qr_items(assessment),
        }
        if assessment.mode == "self":
            data["author"] = _patient_ref(record)
            data["source"] = _patient_ref(record)
        elif (author := _person(assessment.administered_by)) is not None:
            data["author"] = author
        yield QuestionnaireResponse.model_validate(data)


def _survey_category() -> list[dict[str, Any]]:
    return [
        _concept(
            "Survey", [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]
        )
    ]


def assessment_observations(record: ClientRecord) -> Iterator[Resource]:
    """Per assessment: one Observation for the score (total, or the panel with subscales as
    components when there is no total), `derivedFrom` the QuestionnaireResponse, with a member
    Observation per scalar item answer (coded with the item's LOINC code where there is one)."""
    for assessment in record.assessments:
        instrument = INSTRUMENTS.get(assessment.instrument)
        items = instrument.items if instrument else ()
        qr_ref = {"reference": f"QuestionnaireResponse/{_rid(record, f'qr{assessment.id}')}"}
        effective = _instant(assessment.administered_at)
        members = []
        for index, value in enumerate(assessment.answers or []):
            answer = _answer(value)
            if answer is None:
                continue
            item = items[index] if index < len(items) else None
            coding = [{"system": LOINC, "code": item.loinc}] if item and item.loinc else None
            obs_id = _rid(record, f"obs{assessment.id}-i{index + 1}")
            members.append({"reference": f"Observation/{obs_id}"})
            yield Observation.model_validate(
                {
                    "id": obs_id,
                    "meta": _meta(assessment.created_at),
                    "status": "final",
                    "category": _survey_category(),
                    "code": _concept(
                        f"{assessment.instrument} item {index + 1}"
                        + (f": {item.text}" if item else ""),
                        coding,
                    ),
                    "subject": _patient_ref(record),
                    "effectiveDateTime": effective,
                    "derivedFrom": [qr_ref],
                    **answer,
                }
            )
        total_code = instrument.loinc_total if instrument else ""
        panel_code = instrument.loinc_panel if instrument else ""
        code = total_code or panel_code
        name = instrument.name if instrument else assessment.instrument
        data: dict[str, Any] = {
            "id": _rid(record, f"obs{assessment.id}"),
            "meta": _meta(assessment.created_at),
            "status": "final",
            "category": _survey_category(),
            "code": _concept(
                f"{name} total score" if assessment.total is not None else name,
                [{"system": LOINC, "code": code}] if code else None,
            ),
            "subject": _patient_ref(record),
            "effectiveDateTime": effective,
            "derivedFrom": [qr_ref],
        }
        if assessment.total is not None:
            data["valueInteger"] = assessment.total
        elif assessment.band:
            data["valueString"] = assessment.band
        if assessment.band:
            data["interpretation"] = [_concept(assessment.band.replace("_", " "))]
        components = [
            {"code": _concept(f"{name} {key} subscale"), "valueInteger": value}
            for key, value in (assessment.subscales or {}).items()
            if isinstance(value, int) and not isinstance(value, bool)
        ]
        if components:
            data["component"] = components
        if members:
            data["hasMember"] = members
        yield Observation.model_validate(data)


CHECK_IN_MEASURES = (
    ("mood", "Mood (1 very low - 5 very good)", "{score}"),
    ("craving", "Craving (0 none - 10 overwhelming)", "{score}"),
    ("stress", "Stress (0 none - 10 extreme)", "{score}"),
    ("sleep_hours", "Sleep", "h"),
)


def check_in_observations(record: ClientRecord) -> Iterator[Resource]:
    """One Observation per daily check-in, its measures as components (RecoveryPath codes: the
    clinical reference names no LOINC codes for them)."""
    for check_in in record.check_ins:
        components: list[dict[str, Any]] = [
            {
                "code": _concept(label, [{"system": f"{RP}:check-in", "code": key}]),
                "valueQuantity": {
                    "value": float(getattr(check_in, key)),
                    "unit": unit,
                    **(
                        {"system": "http://unitsofmeasure.org", "code": unit} if unit == "h" else {}
                    ),
                },
            }
            for key, label, unit in CHECK_IN_MEASURES
        ]
        components.append(
            {
                "code": _concept("Used substances", [{"system": f"{RP}:check-in", "code": "used"}]),
                "valueBoolean": check_in.used,
            }
        )
        yield Observation.model_validate(
            {
                "id": _rid(record, f"chk{check_in.id}"),
                "meta": _meta(check_in.updated_at),
                "status": "amended" if check_in.revision > 1 else "final",
                "category": _survey_category(),
                "code": _concept(
                    "Daily recovery check-in", [{"system": f"{RP}:check-in", "code": "daily"}]
                ),
                "subject": _patient_ref(record),
                "effectiveDateTime": check_in.date.isoformat(),
                "issued": _instant(check_in.submitted_at),
                "component": components,
            }
        )


def observations(record: ClientRecord) -> Iterator[Resource]:
    yield from assessment_observations(record)
    yield from check_in_observations(record)


# --- Consents, documents, provenance ---------------------------------------------------------


def consents(record: ClientRecord) -> Iterator[Resource]:
    for consent in record.consents:
        purposes = [
            {"system": ACT_REASON, "code": code, "display": display}
            for purpose in consent.purposes or []
            if (mapped := CONSENT_PURPOSE.get(purpose)) is not None
            for code, display in [mapped]
        ]
        provision: dict[str, Any] = {
            "type": "permit",
            "period": {"start": consent.signed_on.isoformat()},
            "actor": [
                {
                    "role": _concept(
                        "information recipient",
                        [{"system": PARTICIPATION_TYPE, "code": "IRCP"}],
                    ),
                    "reference": {"display": consent.recipient_name},
                }
            ],
        }
        if consent.expires_on:
            provision["period"]["end"] = consent.expires_on.isoformat()
        if purposes:
            provision["purpose"] = purposes
        yield Consent.model_validate(
            {
                "id": _rid(record, f"consent{consent.id}"),
                "meta": _meta(consent.updated_at),
                "status": "active" if consent.status == "active" else "inactive",
                "scope": _concept(
                    "Privacy Consent", [{"system": CONSENT_SCOPE, "code": "patient-privacy"}]
                ),
                "category": [
                    _concept("Information disclosure", [{"system": ACT_CODE, "code": "IDSCL"}])
                ],
                "patient": _patient_ref(record),
                "dateTime": _instant(consent.signed_on),
                "organization": [{"display": consent.disclosing_party}],
                "policyRule": _concept(
                    "42 CFR Part 2", [{"system": ACT_CODE, "code": "42CFRPart2"}]
                ),
                "provision": provision,
            }
        )


def document_references(record: ClientRecord) -> Iterator[Resource]:
    """Signed discharge summaries, the PDF linked (downloadable by those who may read it)."""
    for summary in record.discharge_summaries:
        yield DocumentReference.model_validate(
            {
                "id": _rid(record, f"doc{summary.id}"),
                "meta": _meta(summary.signed_at or summary.generated_at),
                "status": "current",
                "docStatus": "final",
                "type": _concept("Discharge summary"),
                "subject": _patient_ref(record),
                "date": _instant(summary.signed_at or summary.generated_at),
                "description": f"Discharge summary, {summary.plan.program.name}",
                "content": [
                    {
                        "attachment": {
                            "contentType": "application/pdf",
                            "url": reverse("discharge:summary_pdf", args=[summary.id]),
                            "title": "Discharge summary",
                        }
                    }
                ],
            }
        )


def provenances(record: ClientRecord) -> Iterator[Resource]:
    """Who recorded each assessment (client or staff) and who signed each discharge summary."""
    for assessment in record.assessments:
        who = (
            _patient_ref(record)
            if assessment.mode == "self"
            else _person(assessment.administered_by) or {"display": "Program staff"}
        )
        yield Provenance.model_validate(
            {
                "id": _rid(record, f"prov-a{assessment.id}"),
                "meta": _meta(assessment.created_at),
                "target": [
                    {"reference": f"QuestionnaireResponse/{_rid(record, f'qr{assessment.id}')}"},
                    {"reference": f"Observation/{_rid(record, f'obs{assessment.id}')}"},
                ],
                "occurredDateTime": _instant(assessment.administered_at),
                "recorded": _instant(assessment.created_at),
                "agent": [
                    {
                        "type": _concept(
                            "Author", [{"system": PROVENANCE_AGENT, "code": "author"}]
                        ),
                        "who": who,
                    }
                ],
            }
        )
    for summary in record.discharge_summaries:
        yield Provenance.model_validate(
            {
                "id": _rid(record, f"prov-d{summary.id}"),
                "meta": _meta(summary.signed_at),
                "target": [{"reference": f"DocumentReference/{_rid(record, f'doc{summary.id}')}"}],
                "recorded": _instant(summary.signed_at),
                "agent": [
                    {
                        "type": _concept(
                            "Attester", [{"system": PROVENANCE_AGENT, "code": "attester"}]
                        ),
                        "who": {"display": summary.signature_name or "Program clinician"},
                    }
                ],
            }
        )


# The served types, in $everything order, each with its builder.
BUILDERS: dict[str, Callable[[ClientRecord], Iterator[Resource]]] = {
    "Patient": patient,
    "EpisodeOfCare": episodes_of_care,
    "Appointment": appointments,
    "Encounter": encounters,
    "CarePlan": care_plans,
    "Goal": goals,
    "QuestionnaireResponse": questionnaire_responses,
    "Observation": observations,
    "Consent": consents,
    "DocumentReference": document_references,
    "Provenance": provenances,
}
RESOURCE_TYPES: tuple[str, ...] = tuple(BUILDERS)


def resources_for(
    record: ClientRecord, types: tuple[str, ...] = RESOURCE_TYPES
) -> Iterator[Resource]:
    """Every resource of `types` the client's record produces, type by type."""
    for resource_type in types:
        yield from BUILDERS[resource_type](record)
