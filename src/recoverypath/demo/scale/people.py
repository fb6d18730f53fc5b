"""Who is in the scale demo: organizations, programs, staff with realistic caseloads, and the
client rows themselves. Everything here is synthetic and obviously fictional."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password

from recoverypath.accounts.models import Membership, Organization, Program, Role, User
from recoverypath.clients.models import Client, SupportContact

from ..names import FIRST_NAMES, LAST_NAMES, PREFERRED_NAMES, PRONOUNS, RELATIONSHIPS
from .writer import Table, Tables

CLIENTS_PER_PROGRAM = 2_000
PROGRAMS_PER_ORGANIZATION = 25  # 50,000 clients an organization
CLIENTS_PER_COORDINATOR = 100  # aftercare caseloads of about 50 to 150
CLIENTS_PER_CLINICIAN = 250
STAFF_DOMAIN = "scale.demo.example.org"  # not "@demo.example.org": make run lists only the named
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles")
TOWNS = (
    "Thimbleford",
    "Larkspur Hollow",
    "Quillmoor",
    "Brambleton",
    "Fernwick",
    "Gloamhaven",
    "Mistlebrook",
    "Puddleby",
    "Cinderfell",
    "Wispwater",
    "Oakenshaw",
    "Tansy Cross",
)


@dataclass
class ProgramStaff:
    program_id: int
    organization_id: int
    time_zone: str
    clinicians: list[int] = field(default_factory=list)
    coordinators: list[int] = field(default_factory=list)
    # Cumulative weights: some coordinators carry half the average caseload, some half again more.
    coordinator_weights: list[float] = field(default_factory=list)
    front_desk: int = 0
    admin: int = 0


@dataclass
class Layout:
    programs: list[ProgramStaff]
    organizations: list[int]
    emails: dict[int, str]  # staff id -> e-mail, for the audit trail
    first_coordinator_email: str = ""

    def program_of(self, index: int) -> ProgramStaff:
        return self.programs[min(index // CLIENTS_PER_PROGRAM, len(self.programs) - 1)]


def organization_slug(seed: int, number: int | str) -> str:
    return f"scale-{seed}-{number}"


def _ceil(a: int, b: int) -> int:
    return -(-a // b)


def layout_build(*, clients: int, seed: int, tables: Tables, rng: random.Random) -> Layout:
    """Create the organizations and programs (ORM: a few hundred rows at most) and their staff
    (COPY): one program per 2,000 clients, 25 programs an organization, a coordinator per 100
    clients and a clinician per 250, one admin and one front desk per program."""
    program_count = max(1, _ceil(clients, CLIENTS_PER_PROGRAM))
    org_count = _ceil(program_count, PROGRAMS_PER_ORGANIZATION)
    organizations = Organization.objects.bulk_create(
        Organization(
            name=f"{rng.choice(TOWNS)} Recovery Cooperative No. {n + 1} (demo)",
            slug=organization_slug(seed, n + 1),
        )
        for n in range(org_count)
    )
    programs = Program.objects.bulk_create(
        Program(
            organization=organizations[p // PROGRAMS_PER_ORGANIZATION],
            name=f"{rng.choice(TOWNS)} IOP {p + 1}",
            slug=f"p{p + 1}",
            time_zone=ZONES[p % len(ZONES)],
            after_hours_phone=f"+1202555{100 + p % 100:04d}",
            two_factor_grace_days=90,
        )
        for p in range(program_count)
    )
    users = tables.table(
        User,
        ("id", "email", "first_name", "last_name", "password", "time_zone", "date_joined"),
    )
    memberships = tables.table(Membership, ("id", "user_id", "program_id", "role"))
    password = make_password("demo-password-1")
    layout = Layout(programs=[], organizations=[o.id for o in organizations], emails={})
    joined = tables.now - timedelta(days=800)

    def hire(program: Program, role: str, number: int) -> int:
        user_id = users.next_id()
        email = f"{role}{number}.{program.slug}.{seed}.{program.organization_id}@{STAFF_DOMAIN}"
        users.add(
            (
                user_id,
                email,
                rng.choice(FIRST_NAMES),
                rng.choice(LAST_NAMES),
                password,
                program.time_zone,
                joined,
            )
        )
        memberships.add((memberships.next_id(), user_id, program.id, role))
        layout.emails[user_id] = email
        return user_id

    for p, program in enumerate(programs):
        size = min(CLIENTS_PER_PROGRAM, clients - p * CLIENTS_PER_PROGRAM)
        if p == program_count - 1:
            size = clients - p * CLIENTS_PER_PROGRAM
        staff = ProgramStaff(program.id, program.organization_id, program.time_zone)
        staff.admin = hire(program, Role.ADMIN, 1)
        staff.front_desk = hire(program, Role.FRONT_DESK, 1)
        staff.clinicians = [
            hire(program, Role.CLINICIAN, n + 1)
            for n in range(max(1, _ceil(size, CLIENTS_PER_CLINICIAN)))
        ]
        staff.coordinators = [
            hire(program, Role.COORDINATOR, n + 1)
            for n in range(max(1, _ceil(size, CLIENTS_PER_COORDINATOR)))
        ]
        total = 0.0
        for _ in staff.coordinators:
            total += 0.5 + rng.random()
            staff.coordinator_weights.append(total)
        layout.programs.append(staff)
    layout.first_coordinator_email = layout.emails[layout.programs[0].coordinators[0]]
    tables.flush()
    return layout


def _phone(rng: random.Random) -> str:
    # 555-0100..0199 numbers are reserved for fiction in the North American plan.
    return f"+1{rng.choice(('202', '312', '415', '512', '617'))}55501{rng.randint(0, 99):02d}"


RACES = ("white", "black_or_african_american", "asian", "white", "black_or_african_american")


class ClientTables:
    """The client and support-contact tables of the load."""

    def __init__(self, tables: Tables) -> None:
        self.clients: Table = tables.table(
            Client,
            (
                "id",
                "organization_id",
                "program_id",
                "mrn",
                "first_name",
                "last_name",
                "preferred_name",
                "pronouns",
                "date_of_birth",
                "sex_assigned_at_birth",
                "ethnicity",
                "race",
                "phone",
                "email",
                "time_zone",
                "primary_clinician_id",
                "coordinator_id",
                "sobriety_date",
                "created_at",
            ),
        )
        self.contacts: Table = tables.table(
            SupportContact,
            ("id", "client_id", "kind", "name", "relationship", "phone", "is_emergency_contact"),
        )

    def add(
        self,
        *,
        rng: random.Random,
        client_id: int,
        seed: int,
        index: int,
        staff: ProgramStaff,
        coordinator: int,
        today: date,
        sobriety_date: date | None,
        created_at: object,
    ) -> None:
        """Add one client (id from `self.clients.next_id()`) and their support network."""
        roll = rng.random()
        race = [] if roll < 0.1 else [rng.choice(RACES)]
        self.clients.add(
            (
                client_id,
                staff.organization_id,
                staff.program_id,
                f"S{seed:02d}-{index + 1:07d}",
                rng.choice(FIRST_NAMES),
                rng.choice(LAST_NAMES),
                rng.choice(PREFERRED_NAMES) if rng.random() < 0.25 else "",
                rng.choice(PRONOUNS),
                today - timedelta(days=rng.randint(19 * 365, 68 * 365)),
                rng.choice(("female", "male", "male", "unknown")),
                ""
                if not race
                else rng.choice(("not_hispanic_or_latino",) * 3 + ("hispanic_or_latino",)),
                race,
                _phone(rng),
                f"client{index + 1}.s{seed}@{STAFF_DOMAIN}",
                staff.time_zone,
                rng.choice(staff.clinicians),
                coordinator,
                sobriety_date,
                created_at,
            )
        )
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(tuple(RELATIONSHIPS))
            self.contacts.add(
                (
                    self.contacts.next_id(),
                    client_id,
                    kind,
                    f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    rng.choice(RELATIONSHIPS[kind]),
                    _phone(rng),
                    kind == "family" and rng.random() < 0.6,
                )
            )
