"""RecoveryPath records as FHIR R4 resources.

Built as `fhir.resources.R4B` models: fhir.resources 8 ships R5 as its default package and no R4
package; R4B is wire-compatible with R4 for every type mapped here (CLINICAL.md, "FHIR R4"). Every
resource is validated by `model_validate` as it is built, so a mapping that breaks structure or
cardinality fails loudly here rather than at the receiving system.

Resource ids: a Patient's id is the client's id; every other resource's id starts with the
client's id (`12-ep3`, `12-obs44-i9`), so a read finds the patient, checks access and builds only
that patient's record. References between resources point only at resources the same patient's
record produces, so they resolve within an `$everything` bundle.

Each mapper is an entry of the `fhir mappers` hook (core/hooks/interop.py), registered by
`register_mappers()` from interop's AppConfig.ready(); the served types are RESOURCE_TYPES, and
a type's resources are its mappers' resources in order. Each mapper names the Part 2 consent
category a consent recipient needs and what such a recipient gets (see `recipient_mappers`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from fhir.resources.R4B.resource import Resource

from recoverypath.core.hooks.interop import (
    FhirBuilder,
    FhirMapper,
    fhir_mappers_of,
    register_fhir_mapper,
)

from ..record import ClientRecord
from .aftercare import care_plans, goals
from .assessments import (
    assessment_observations,
    assessment_scores_for_recipient,
    questionnaire_responses,
)
from .check_ins import check_in_observations, check_ins_for_recipient
from .documents import consents, document_references, provenances
from .patients import episodes_of_care, patient
from .sessions import appointments, encounters
from .testing import lab_observations, lab_observations_for_recipient

# The served types, in $everything order (the CapabilityStatement and the URL map list these).
RESOURCE_TYPES: tuple[str, ...] = (
    "Patient",
    "EpisodeOfCare",
    "Appointment",
    "Encounter",
    "CarePlan",
    "Goal",
    "QuestionnaireResponse",
    "Observation",
    "Consent",
    "DocumentReference",
    "Provenance",
)

# Consent categories (consent.models.Category values) the mappers disclose under. Patient,
# EpisodeOfCare, QuestionnaireResponse (raw answers), Consent and Provenance are in no category:
# a consent recipient never receives them.
SCHEDULE = "schedule"
ATTENDANCE = "attendance"
AFTERCARE_PLAN = "aftercare_plan"
ASSESSMENT_SCORES = "assessment_scores"
CHECK_INS = "check_ins"
TEST_RESULTS = "test_results"
DISCHARGE_SUMMARY = "discharge_summary"

MAPPERS: tuple[FhirMapper, ...] = (
    FhirMapper("Patient", patient),
    FhirMapper("EpisodeOfCare", episodes_of_care),
    FhirMapper("Appointment", appointments, SCHEDULE),
    FhirMapper("Encounter", encounters, ATTENDANCE),
    FhirMapper("CarePlan", care_plans, AFTERCARE_PLAN),
    FhirMapper("Goal", goals, AFTERCARE_PLAN),
    FhirMapper("QuestionnaireResponse", questionnaire_responses),
    FhirMapper(
        "Observation", assessment_observations, ASSESSMENT_SCORES, assessment_scores_for_recipient
    ),
    FhirMapper("Observation", check_in_observations, CHECK_INS, check_ins_for_recipient),
    FhirMapper("Observation", lab_observations, TEST_RESULTS, lab_observations_for_recipient),
    FhirMapper("Consent", consents),
    FhirMapper("DocumentReference", document_references, DISCHARGE_SUMMARY),
    FhirMapper("Provenance", provenances),
)


def register_mappers() -> None:
    """Register interop's own mappers, in bundle order (AppConfig.ready())."""
    for index, mapper in enumerate(MAPPERS):
        register_fhir_mapper(mapper, order=10 * (index + 1))


def _chain(builders: list[FhirBuilder]):
    def build(record: ClientRecord) -> Iterator[Resource]:
        for builder in builders:
            yield from builder(record)

    return build


class _Builders(Mapping[str, FhirBuilder]):
    """{type: builder of every resource of that type} over the registered mappers."""

    def __getitem__(self, resource_type: str) -> FhirBuilder:
        if resource_type not in RESOURCE_TYPES:
            raise KeyError(resource_type)
        return _chain([m.build for m in fhir_mappers_of(resource_type)])

    def __iter__(self) -> Iterator[str]:
        return iter(RESOURCE_TYPES)

    def __len__(self) -> int:
        return len(RESOURCE_TYPES)


BUILDERS: Mapping[str, FhirBuilder] = _Builders()


def recipient_mappers(resource_type: str, categories: set[str]) -> list[tuple[str, FhirBuilder]]:
    """(category, builder) for what a consent recipient whose consents cover `categories` gets
    of `resource_type`: per mapper, so an Observation of check-ins and one of test results
    each need their own category."""
    out = []
    for mapper in fhir_mappers_of(resource_type):
        view = mapper.recipient_view()
        if view is not None and mapper.consent_category in categories:
            out.append((mapper.consent_category, view))
    return out


def resources_for(
    record: ClientRecord, types: tuple[str, ...] = RESOURCE_TYPES
) -> Iterator[Resource]:
    """Every resource of `types` the client's record produces, type by type."""
    for resource_type in types:
        yield from BUILDERS[resource_type](record)
