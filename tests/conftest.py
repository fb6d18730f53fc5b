"""The fixed cast every test uses: two programs of one organization, staff of every role in
program A, a client with a login, and an outsider organization with its own staff and client."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from recoverypath.accounts.models import Program, Role, User
from recoverypath.clients.models import Client
from recoverypath.core.translations import compile_catalogues

from .factories import (
    PASSWORD,
    ClientFactory,
    OrganizationFactory,
    ProgramFactory,
    SupportContactFactory,
    UserFactory,
    staff,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in tests


def pytest_sessionstart(session):
    """The compiled translations are not committed: make them if missing or stale."""
    compile_catalogues()


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    """Rate-limit counters live in the cache: every test counts in a namespace of its own (no
    flush, which would reset the counters of a test running beside it on a shared Redis)."""
    settings.RATE_LIMIT_NAMESPACE = uuid.uuid4().hex[:12]
    # Cached rule settings too: ids repeat after a rollback, so an entry must not outlive its test.
    settings.CACHE_NAMESPACE = uuid.uuid4().hex[:12]


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Cast:
    program: Program
    other_program: Program
    outsider_program: Program
    admin: User
    clinician: User
    coordinator: User
    front_desk: User
    other_program_clinician: User
    outsider: User
    client: Client
    client_user: User
    other_program_client: Client
    outsider_client: Client
    password: str = PASSWORD

    def person(self, role: str) -> User | None:
        """The cast member playing `role` in access tests ("anonymous" is None)."""
        return {
            "anonymous": None,
            "client": self.client_user,
            "admin": self.admin,
            "clinician": self.clinician,
            "coordinator": self.coordinator,
            "front_desk": self.front_desk,
            "other_program": self.other_program_clinician,
            "outsider": self.outsider,
        }[role]

    def staff_users(self) -> dict[str, User]:
        return {
            "admin": self.admin,
            "clinician": self.clinician,
            "coordinator": self.coordinator,
            "front_desk": self.front_desk,
        }


@pytest.fixture
def cast(db) -> Cast:
    org = OrganizationFactory(name="Thimblewick Recovery (test)")
    program = ProgramFactory(organization=org, name="Program A", time_zone="America/New_York")
    other_program = ProgramFactory(organization=org, name="Program B", time_zone="America/Denver")
    outsider_org = OrganizationFactory(name="Elsewhere Wellness (test)")
    outsider_program = ProgramFactory(organization=outsider_org, name="Outsider IOP")
    admin = staff(program, Role.ADMIN, email="admin@test.example.org", first_name="Ada")
    clinician = staff(
        program, Role.CLINICIAN, email="clinician@test.example.org", first_name="Cleo"
    )
    coordinator = staff(
        program, Role.COORDINATOR, email="coordinator@test.example.org", first_name="Cora"
    )
    front_desk = staff(
        program, Role.FRONT_DESK, email="frontdesk@test.example.org", first_name="Felix"
    )
    other_program_clinician = staff(
        other_program, Role.CLINICIAN, email="clinician-b@test.example.org", first_name="Bram"
    )
    outsider = staff(
        outsider_program, Role.ADMIN, email="outsider@test.example.org", first_name="Otto"
    )
    client_user = UserFactory(email="client@test.example.org", first_name="Juniper")
    client = ClientFactory(
        program=program,
        first_name="Juniper",
        last_name="Quillfeather",
        user=client_user,
        primary_clinician=clinician,
        coordinator=coordinator,
        mrn="A-0001",
    )
    SupportContactFactory(
        client=client,
        is_emergency_contact=True,
        kind="family",
        name="Marlow Quillfeather",
        relationship="Sister",
    )
    other_program_client = ClientFactory(
        program=other_program, first_name="Bramble", last_name="Mossbottom", mrn="B-0001"
    )
    outsider_client = ClientFactory(
        program=outsider_program, first_name="Otter", last_name="Elsewhere", mrn="A-0001"
    )
    return Cast(
        program=program,
        other_program=other_program,
        outsider_program=outsider_program,
        admin=admin,
        clinician=clinician,
        coordinator=coordinator,
        front_desk=front_desk,
        other_program_clinician=other_program_clinician,
        outsider=outsider,
        client=client,
        client_user=client_user,
        other_program_client=other_program_client,
        outsider_client=outsider_client,
    )


@pytest.fixture
def api():
    return APIClient()


def api_as(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client


def force_login_verified(web, user: User, device) -> None:
    """Log `web` (a Django test client) in as `user`, two-factor verified with `device`: the
    way a session looks after the code step."""
    from django_otp import DEVICE_ID_SESSION_KEY

    web.force_login(user)
    session = web.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
