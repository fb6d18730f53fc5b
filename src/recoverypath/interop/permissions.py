"""Who may read what through FHIR, export it, and download staff reports. One rule per function.

Two ways to a client's record:
- by role (core.permissions): staff of the client's program and the client themself;
  Patient, EpisodeOfCare, Appointment and Encounter need `can_view_client` (front desk
  included), every clinical type `can_view_clinical_record` (coordinators and up, the client);
- under a 42 CFR Part 2 consent: a recipient with a login (a family member) whose active,
  unexpired, unrevoked consent names the client receives only the resources of the consented
  categories (consent.selectors.consent_check, the one consent check), and each is logged as a
  disclosure. Revoked and expired consents give nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from recoverypath.clients.selectors import client_for_user_account
from recoverypath.consent.selectors import consent_check, family_grants
from recoverypath.core import permissions

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client
    from recoverypath.core.hooks.interop import CsvReport

DEMOGRAPHIC_TYPES = frozenset({"Patient", "EpisodeOfCare", "Appointment", "Encounter"})


def can_use_fhir(user: User | AnonymousUser) -> bool:
    """Staff with a program role, a client with a record of their own, or the recipient of an
    active consent; anyone else is refused every FHIR endpoint (403)."""
    if not user.is_authenticated:
        return False
    if not user.is_active:
        return False
    if permissions.is_staff_member(user):
        return True
    if client_for_user_account(user=user) is not None:
        return True
    return bool(family_grants(user=user))


def can_read_fhir_type(user: User, client: Client, resource_type: str) -> bool:
    """By role: the demographic types with the client's page, the rest with the clinical record."""
    if resource_type in DEMOGRAPHIC_TYPES:
        return permissions.can_view_client(user, client)
    return permissions.can_view_clinical_record(user, client)


def can_read_fhir_type_somewhere(user: User, resource_type: str) -> bool:
    """By role: whether a search of `resource_type` could return anything at all."""
    if client_for_user_account(user=user) is not None:
        return True
    if resource_type in DEMOGRAPHIC_TYPES:
        return permissions.is_staff_member(user)
    return bool(permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR))


def can_receive_consented_category(user: User, client: Client, category: str) -> bool:
    """Under a consent: an active consent of `client` names `user` and covers `category`."""
    if not category:
        return False
    return consent_check(client=client, recipient=user, category=category) is not None


def can_export_fhir_system(user: User) -> bool:
    """A system `$export`: the admins of some program (of the clients of their programs)."""
    return bool(permissions.staff_program_ids(user, min_rank=permissions.Rank.ADMIN))


def can_export_fhir_group(user: User, program_id: int) -> bool:
    """A group `$export` (a program): that program's admins."""
    return permissions.has_rank(user, program_id, permissions.Rank.ADMIN)


def can_export_fhir_patients(user: User) -> bool:
    """A patient `$export`: coordinators and up, a client (their own record), and a consent
    recipient (the consented categories of the clients whose consents name them)."""
    if permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR):
        return True
    if client_for_user_account(user=user) is not None:
        return True
    return bool(family_grants(user=user))


def can_download_report(user: User, report: CsvReport) -> bool:
    """A staff CSV report: a role at or above the report's in some program."""
    return bool(permissions.staff_program_ids(user, min_rank=report.min_rank))


def can_download_report_of_program(user: User, report: CsvReport, program_id: int) -> bool:
    return program_id in permissions.staff_program_ids(user, min_rank=report.min_rank)
