"""factory_boy factories: obviously fictional people only."""

from __future__ import annotations

from datetime import date

import factory
from django.contrib.auth.hashers import MD5PasswordHasher

from recoverypath.accounts.models import Membership, Organization, Program, Role, User
from recoverypath.clients.models import Client, SupportContact

# The IOP admission check's answers for a client IOP fits (care.placement): every move into
# IOP, enrollment or a step, needs them.
SAFE_PLACEMENT = {
    "needs_withdrawal_management": False,
    "living_environment_unsafe": False,
    "acute_safety_risk": False,
    "can_attend_hours": True,
}
PASSWORD = "test-password-42"
# Fast to check in tests; conftest puts MD5 among the hashers for the test run only.
_HASH = MD5PasswordHasher().encode(PASSWORD, "testsalt")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Fictional Recovery Org {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Test IOP {n}")
    slug = factory.Sequence(lambda n: f"iop-{n}")
    time_zone = "America/New_York"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@test.example.org")
    first_name = factory.Sequence(lambda n: f"Testperson{n}")
    last_name = "Fictional"
    password = _HASH


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    program = factory.SubFactory(ProgramFactory)
    role = Role.CLINICIAN


def staff(program: Program, role: str, **kwargs) -> User:
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, program=program, role=role)
    return user


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    program = factory.SubFactory(ProgramFactory)
    organization = factory.LazyAttribute(lambda o: o.program.organization)
    mrn = factory.Sequence(lambda n: f"T{n:06d}")
    first_name = factory.Sequence(lambda n: f"Quilla{n}")
    last_name = "Testcase"
    date_of_birth = date(1990, 5, 17)
    sex_assigned_at_birth = "female"
    phone = "+12025550143"
    email = factory.Sequence(lambda n: f"client{n}@test.example.org")
    time_zone = "America/New_York"


class SupportContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportContact

    client = factory.SubFactory(ClientFactory)
    name = factory.Sequence(lambda n: f"Sponsor Fictionson {n}")
    relationship = "Sponsor"
    phone = "+12025550188"
    kind = "sponsor"


def enrol_two_factor(user: User):
    """Give `user` a confirmed authenticator (TOTP device); codes from `totp_code(device)`."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)


def totp_code(device) -> str:
    """The code `device` accepts now (time-machine moves "now"). A code works once per 30 s."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
