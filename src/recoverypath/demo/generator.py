"""Synthetic, deterministic demo data: a fictional organization with two programs, staff of every
role and N clients. Fast: rows are built in memory and written with bulk_create.

Every later capability extends `build()` so the demo always shows each feature with believable
data. Names are whimsical on purpose: nobody should mistake a demo record for a real person.
"""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from recoverypath.accounts.models import Membership, Organization, Program, Role, User
from recoverypath.clients.models import Client, Ethnicity, Race, Sex, SupportContact
from recoverypath.core.permissions import ROLE_RANK
from recoverypath.earlywarning.risk import caseload_risk_refresh

from .maria import maria_build
from .names import FIRST_NAMES, LAST_NAMES, PREFERRED_NAMES, PRONOUNS, RELATIONSHIPS

DEMO_PASSWORD = "demo-password-1"


@dataclass
class DemoLogin:
    role: str
    email: str
    password: str = DEMO_PASSWORD


@dataclass
class DemoResult:
    organization: Organization
    programs: list[Program]
    logins: list[DemoLogin] = field(default_factory=list)
    clients: int = 0
    # What an app's demo_data gives the logins it makes (earlier apps cannot import this module).
    password: str = DEMO_PASSWORD

    def add_login(self, role: str, email: str) -> None:
        """List a login an app's demo_data made, with the demo password."""
        self.logins.append(DemoLogin(role, email))


def _extensions():
    """Each app may ship `demo_data.extend(result=..., rng=..., today=..., staff=..., clients=...)`,
    called in ARCHITECTURE.md's app order so later stages build on earlier ones."""
    for config in apps.get_app_configs():
        if not config.name.startswith("recoverypath."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo_data")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo_data":
                raise
            continue
        yield module.extend


def _fake_phone(rng: random.Random) -> str:
    # 555-0100..0199 numbers are reserved for fiction in the North American plan.
    return f"+1{rng.choice(['202', '312', '415', '512', '617'])}55501{rng.randint(0, 99):02d}"


@transaction.atomic
def _race_and_ethnicity(rng: random.Random) -> dict[str, object]:
    """Synthetic self-reported answers (no real population's shares): one in ten never asked,
    a few declining, some naming two races."""
    if rng.random() < 0.1:
        return {"ethnicity": "", "race": []}
    ethnicity = rng.choice([*[Ethnicity.NOT_HISPANIC_OR_LATINO] * 3, Ethnicity.HISPANIC_OR_LATINO])
    if rng.random() < 0.05:
        ethnicity = Ethnicity.DECLINED
    roll = rng.random()
    categories = [r for r in Race.values if r not in (Race.DECLINED, Race.UNKNOWN)]
    if roll < 0.05:
        race = [Race.DECLINED.value]
    elif roll < 0.08:
        race = [Race.UNKNOWN.value]
    elif roll < 0.18:
        race = sorted(rng.sample(categories, 2))
    else:
        race = [rng.choice(categories)]
    return {"ethnicity": ethnicity.value, "race": race}


def build(*, clients: int = 40, seed: int = 1, today: date | None = None) -> DemoResult:
    """Create the demo organization. Returns its logins. Refuses if it exists already."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    slug = f"demo-{seed}"
    if Organization.objects.filter(slug=slug).exists():
        raise ValueError(f"Demo organization {slug!r} exists already.")
    org = Organization.objects.create(name="Lanternfield Recovery Collective (demo)", slug=slug)
    programs = [
        Program.objects.create(
            organization=org,
            name="Harbor Street IOP",
            slug="harbor",
            time_zone="America/New_York",
            after_hours_phone="+12025550100",
            # The longest grace period: the printed password logins work at once and for weeks.
            two_factor_grace_days=90,
        ),
        Program.objects.create(
            organization=org,
            name="Mesa Verde Lane IOP",
            slug="mesa",
            time_zone="America/Denver",
            after_hours_phone="+13125550100",
            two_factor_grace_days=90,
        ),
    ]
    result = DemoResult(organization=org, programs=programs)
    password = make_password(DEMO_PASSWORD)
    suffix = "" if seed == 1 else f".{seed}"

    staff_specs = [
        ("admin", Role.ADMIN, "Ada", "Adminsworth", [0, 1]),
        ("clinician", Role.CLINICIAN, "Cleo", "Counselbrook", [0]),
        ("clinician2", Role.CLINICIAN, "Caspian", "Careworth", [1]),
        ("coordinator", Role.COORDINATOR, "Cora", "Coordwell", [0, 1]),
        ("frontdesk", Role.FRONT_DESK, "Felix", "Frontdeskley", [0, 1]),
    ]
    staff: dict[str, User] = {}
    for key, role, first, last, program_indexes in staff_specs:
        user = User.objects.create(
            email=f"{key}{suffix}@demo.example.org",
            first_name=first,
            last_name=last,
            password=password,
        )
        staff[key] = user
        Membership.objects.bulk_create(
            Membership(user=user, program=programs[i], role=role) for i in program_indexes
        )
        # Every staff login is printed, so `make run` shows the same list as `--if-empty` does.
        result.logins.append(DemoLogin(str(role), user.email))

    _enrol_two_factor(staff["clinician2"], seed=seed)

    clinicians = {programs[0].id: staff["clinician"], programs[1].id: staff["clinician2"]}
    # Race and ethnicity draw from a stream of their own, so adding them left every other
    # generated value (and the tests built on them) as it was.
    demographics = random.Random(f"{seed}-race-ethnicity")
    rows = []
    for index in range(clients):
        program = programs[index % 2]
        first = rng.choice(FIRST_NAMES)
        age_days = rng.randint(19 * 365, 68 * 365)
        sober_days = rng.choice([None, *range(0, 400)])
        rows.append(
            Client(
                organization=org,
                program=program,
                mrn=f"D{seed:02d}-{index + 1:06d}",
                first_name=first,
                last_name=rng.choice(LAST_NAMES),
                # One in four goes by a chosen name of their own.
                preferred_name=rng.choice(["", "", "", rng.choice(PREFERRED_NAMES)]),
                pronouns=rng.choice(PRONOUNS),
                date_of_birth=today - timedelta(days=age_days),
                sex_assigned_at_birth=rng.choice([Sex.FEMALE, Sex.MALE, Sex.MALE, Sex.UNKNOWN]),
                **_race_and_ethnicity(demographics),
                phone=_fake_phone(rng),
                email=f"client{index + 1}{suffix}@demo.example.org",
                time_zone=program.time_zone,
                primary_clinician=clinicians[program.id],
                coordinator=staff["coordinator"],
                sobriety_date=None if sober_days is None else today - timedelta(days=sober_days),
            )
        )
    Client.objects.bulk_create(rows, batch_size=1000)
    created = list(Client.objects.filter(organization=org).order_by("id"))
    result.clients = len(created)

    contacts = []
    for client in created:
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(list(RELATIONSHIPS))
            contacts.append(
                SupportContact(
                    client=client,
                    kind=kind,
                    name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    relationship=rng.choice(RELATIONSHIPS[kind]),
                    phone=_fake_phone(rng),
                    is_emergency_contact=(kind == "family" and rng.random() < 0.6),
                )
            )
    SupportContact.objects.bulk_create(contacts, batch_size=2000)

    if created:
        first_client = created[0]
        client_user = User.objects.create(
            email=f"client{suffix}@demo.example.org",
            first_name=first_client.first_name,
            last_name=first_client.last_name,
            password=password,
        )
        first_client.user = client_user
        first_client.sobriety_date = first_client.sobriety_date or today - timedelta(days=45)
        first_client.save(update_fields=["user", "sobriety_date"])
        result.logins.append(DemoLogin("client", client_user.email))

    for extension in _extensions():
        extension(result=result, rng=rng, today=today, staff=staff, clients=created)
    if created:
        # Maria Demo-Sample, in aftercare with her four components: last, and without `rng`,
        # so every other demo record stays as it was.
        maria = maria_build(
            program=programs[0],
            clinician=staff["clinician"],
            coordinator=staff["coordinator"],
            today=today,
            email=f"maria{suffix}@demo.example.org",
            password=password,
            mrn=f"D{seed:02d}-MARIA",
        )
        result.add_login("client", maria.user.email)
    # Some demo alerts are written straight to the table (their history is backdated): the
    # dashboard's stored risk of this demo's plans is computed once at the end.
    caseload_risk_refresh(
        client_ids=list(Client.objects.filter(organization=org).values_list("id", flat=True))
    )
    return result


# The demo account that signs in with a code: its secret is printed so anyone can add it to an
# authenticator app (or compute codes with any TOTP tool) and try the two-factor flow.
TWO_FACTOR_DEMO_KEY = "clinician2"


def _enrol_two_factor(user: User, *, seed: int) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # Its own generator: the demo's people stay what they were before two-factor existed.
    key = random.Random(seed * 7919).randbytes(20).hex()
    TOTPDevice.objects.create(user=user, name="Demo authenticator", key=key, confirmed=True)


def demo_two_factor_note() -> str | None:
    """A comment line for the logins banner: which demo account has two-factor sign-in, and its
    secret (base32, as authenticator apps take it). None when there is no such account."""
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = (
        TOTPDevice.objects.filter(
            user__email__startswith=TWO_FACTOR_DEMO_KEY,
            user__email__endswith="@demo.example.org",
            confirmed=True,
        )
        .select_related("user")
        .first()
    )
    if device is None:
        return None
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return (
        f"# two-factor sign-in: {device.user.email} asks for a code after the password; "
        f"add TOTP secret {secret} to an authenticator app"
    )


def demo_logins() -> list[tuple[str, str]]:
    """(role, e-mail) of the demo accounts already in the database, for `make run`'s banner."""
    found: list[tuple[str, str]] = []
    from django.db.models import Exists, OuterRef

    from recoverypath.consent.models import Consent

    users = (
        User.objects.filter(email__endswith="@demo.example.org")
        .annotate(is_family=Exists(Consent.objects.filter(recipient_user=OuterRef("pk"))))
        .select_related("client_record")
        .prefetch_related("memberships")
        .order_by("id")
    )
    for user in users:
        if not user.has_usable_password():
            continue  # e.g. a demo client who "accepted an invitation": no demo password
        roles = {m.role for m in user.memberships.all()}
        if roles:
            found.append((max(roles, key=ROLE_RANK.__getitem__), user.email))
        elif getattr(user, "client_record", None) is not None:
            found.append(("client", user.email))
        elif user.is_family:
            found.append(("family", user.email))
    return found
