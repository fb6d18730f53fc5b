"""`recoverypath demo --clients N --seed S`: deterministic, prints working logins of every role."""

from __future__ import annotations

from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction

from recoverypath.accounts.models import Membership, Organization, Role, User
from recoverypath.clients.models import Client, SupportContact

TODAY = "2026-03-02 15:00:00+00:00"


class _Rollback(Exception):
    pass


def _demo(**options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("demo", stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def _snapshot(seed: int) -> list[tuple]:
    clients = Client.objects.filter(organization__slug=f"demo-{seed}").order_by("mrn")
    rows = [
        (
            c.mrn,
            c.first_name,
            c.last_name,
            c.preferred_name,
            c.pronouns,
            c.date_of_birth,
            c.sex_assigned_at_birth,
            c.phone,
            c.sobriety_date,
            c.program.slug,
            tuple(
                (s.name, s.kind, s.relationship, s.phone, s.is_emergency_contact)
                for s in c.support_contacts.order_by("id")
            ),
        )
        for c in clients.select_related("program").prefetch_related("support_contacts")
    ]
    return rows


def _build_on_a_fresh_database(seed: int, clients: int) -> tuple[list[tuple], str]:
    """Build, read back, and roll everything back so the next build starts from nothing."""
    captured: dict = {}
    with time_machine.travel(TODAY, tick=False):
        try:
            with transaction.atomic():
                out, _ = _demo(clients=clients, seed=seed)
                captured["rows"] = _snapshot(seed)
                captured["out"] = out
                raise _Rollback
        except _Rollback:
            pass
    assert not Organization.objects.exists()
    return captured["rows"], captured["out"]


@pytest.mark.django_db
def test_the_demo_is_the_same_for_the_same_seed():
    first, first_out = _build_on_a_fresh_database(seed=7, clients=12)
    second, second_out = _build_on_a_fresh_database(seed=7, clients=12)
    assert len(first) == 12 + 1  # and Maria Demo-Sample
    assert first == second
    assert first_out == second_out


@pytest.mark.django_db
def test_another_seed_gives_other_people():
    seven, _ = _build_on_a_fresh_database(seed=7, clients=12)
    eight, _ = _build_on_a_fresh_database(seed=8, clients=12)
    assert [r[1:3] for r in seven] != [r[1:3] for r in eight]


@pytest.mark.django_db
def test_the_demo_prints_one_working_login_per_line_including_a_client():
    out, _ = _demo(clients=6, seed=3)
    # Lines starting with "#" are notes (the two-factor demo account), not logins.
    lines = [line.split() for line in out.strip().splitlines() if not line.startswith("#")]
    assert all(len(parts) == 3 for parts in lines), out
    roles = [parts[0] for parts in lines]
    assert {"admin", "clinician", "coordinator", "front_desk", "client"} <= set(roles)
    for role, email, password in lines:
        user = User.objects.get(email=email)
        assert user.check_password(password), email
        if role == "client":
            assert Client.objects.filter(user=user).exists()
        elif role == "family":
            assert user.consents_received.filter(status="active").exists()
        else:
            assert Membership.objects.filter(user=user, role=role).exists()


@pytest.mark.django_db
def test_the_demo_builds_two_programs_staff_of_every_role_and_n_clients():
    _demo(clients=10, seed=4)
    org = Organization.objects.get(slug="demo-4")
    assert org.programs.count() == 2
    assert set(
        Membership.objects.filter(program__organization=org).values_list("role", flat=True)
    ) == {r.value for r in Role}
    clients = Client.objects.filter(organization=org)
    assert clients.count() == 10 + 1  # and Maria Demo-Sample
    assert set(clients.values_list("program__slug", flat=True)) == {"harbor", "mesa"}
    assert SupportContact.objects.filter(client__organization=org).count() >= 10
    for client in clients:
        client.full_clean()  # every generated record is valid
        assert client.phone[-4:-2] == "01"  # 555-01xx: reserved for fiction
        assert client.primary_clinician is not None


@pytest.mark.django_db
def test_the_demo_client_login_sees_their_own_home(client):
    out, _ = _demo(clients=3, seed=5)
    _role, email, password = next(
        line.split() for line in out.splitlines() if line.startswith("client ")
    )
    response = client.post("/accounts/login/", {"username": email, "password": password})
    assert response.status_code == 302
    response = client.get("/me/")
    assert response.status_code == 200
    assert b"day" in response.content


@pytest.mark.django_db
def test_a_second_demo_with_the_same_seed_is_refused_and_if_empty_prints_the_logins():
    first, _ = _demo(clients=2, seed=1)
    with pytest.raises(CommandError):
        _demo(clients=2, seed=1)
    again, err = _demo(clients=2, seed=1, if_empty=True)
    assert "already has data" in err
    core_roles = ("admin ", "clinician ", "coordinator ", "front_desk ", "client ", "family ")
    assert sorted(line for line in again.splitlines() if line.startswith(core_roles)) == sorted(
        line for line in first.splitlines() if line.startswith(core_roles)
    )
    assert Client.objects.count() == 2 + 1  # and Maria Demo-Sample


@pytest.mark.django_db
def test_a_negative_number_of_clients_is_refused():
    with pytest.raises(CommandError):
        _demo(clients=-1, seed=1)
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_a_demo_with_no_clients_still_prints_staff_logins():
    out, _ = _demo(clients=0, seed=9)
    assert "clinician" in out
    assert Client.objects.count() == 0


@pytest.mark.django_db
def test_one_demo_staff_account_has_two_factor_and_its_secret_is_printed(client):
    import base64
    import re

    from django_otp.oath import TOTP

    out, _ = _demo(clients=2, seed=6)
    note = next(line for line in out.splitlines() if line.startswith("# two-factor"))
    email, secret = re.search(r"(\S+@demo\.example\.org) .* secret ([A-Z2-7]+)", note).groups()
    password = next(line.split()[2] for line in out.splitlines() if f" {email} " in line)
    response = client.post("/accounts/login/", {"username": email, "password": password})
    assert response["Location"] == "/accounts/login/code/"
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    code = f"{TOTP(key).token():06d}"
    assert client.post("/accounts/login/code/", {"code": code}).status_code == 302
    assert client.get("/clients/").status_code == 200
    # Every other demo login works with the password alone: the programs are in their grace.
    for line in out.splitlines():
        if line.startswith("#") or f" {email} " in line:
            continue
        _role, other, other_password = line.split()
        fresh = type(client)()
        assert fresh.post("/accounts/login/", {"username": other, "password": other_password})[
            "Location"
        ] in ("/", "/me/")
