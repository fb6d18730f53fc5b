"""Two-factor sign-in: enrol an authenticator (TOTP), recovery codes, verify, reset a lost one."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from recoverypath.core.audit import Action, audit_record
from recoverypath.core.errors import DomainError
from recoverypath.core.permissions import can_reset_two_factor

from ..models import RecoveryCode, RecoveryCodeDevice, User, secret_digest
from ..selectors import sign_in_policy
from .sessions import sessions_end_all
from .tokens import api_tokens_revoke_all

# Letters and digits that cannot be mistaken for one another when copied from paper.
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class TwoFactorRefused(DomainError):
    code = "two_factor"


class StaffNotFound(DomainError):
    status_code = 404
    code = "not_found"


def _new_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def two_factor_start(*, user: User) -> TOTPDevice:
    """An unconfirmed authenticator for `user` to scan (a fresh secret each time).

    Raises TwoFactorRefused when the user already has a confirmed one.
    """
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise TwoFactorRefused("Two-factor sign-in is already set up for this account.")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def _verify_totp(device: TOTPDevice, code: str) -> bool:
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return False
    return bool(device.verify_token(code.replace(" ", "").strip()))


def _issue_recovery_codes(user: User) -> list[str]:
    # One device per user, kept: a session verified with a recovery code stays verified when
    # the codes are replaced; only the codes change.
    device, _ = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "Recovery codes", "confirmed": True}
    )
    device.codes.all().delete()
    codes = [_new_code() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, code_digest=secret_digest(code.replace("-", "")))
        for code in codes
    )
    return codes


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    recovery_codes: list[str]  # shown once; only their digests are stored


def two_factor_confirm(*, user: User, device_id: int, code: str) -> Enrolment:
    """Confirm the unconfirmed authenticator `device_id` of `user` with a current `code`.

    1. The device must be the user's and unconfirmed, and the code must match it.
    2. The device is confirmed, a fresh set of recovery codes replaces any old one.
    3. One audit event; the codes are returned for showing once.
    Raises TwoFactorRefused with a message for the form.
    """
    device = TOTPDevice.objects.filter(id=device_id, user=user, confirmed=False).first()
    if device is None:
        raise TwoFactorRefused(
            "This set-up has expired: start again.", fields={"code": ["Start the set-up again."]}
        )
    if not _verify_totp(device, code):
        raise TwoFactorRefused(
            "That code does not match.",
            fields={"code": ["That code does not match: check the app's clock and try again."]},
        )
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _issue_recovery_codes(user)
        audit_record(
            actor=user, action=Action.UPDATE, obj=user, changes={"two_factor": [None, "enrolled"]}
        )
    return Enrolment(device=device, recovery_codes=codes)


def two_factor_verify(*, user: User, code: str) -> Device | None:
    """The device that accepts `code` for `user` (authenticator first, then a one-time recovery
    code, which is used up), or None."""
    code = (code or "").strip()
    if not code or len(code) > 32:
        return None
    digits = code.replace(" ", "")
    if digits.isdigit():
        # Only a number goes to the authenticator: a mistyped recovery code must not count
        # against its throttle.
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if _verify_totp(device, digits):
                return device
        return None
    for device in RecoveryCodeDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(code):
            audit_record(
                actor=user,
                action=Action.UPDATE,
                obj=user,
                changes={"two_factor": "recovery code used"},
            )
            return device
    return None


def recovery_codes_regenerate(*, user: User) -> list[str]:
    """A fresh set of recovery codes (the old ones stop working). Needs an enrolled account."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise TwoFactorRefused("Set up two-factor sign-in first.")
    with transaction.atomic():
        codes = _issue_recovery_codes(user)
        audit_record(
            actor=user,
            action=Action.UPDATE,
            obj=user,
            changes={"two_factor": "recovery codes replaced"},
        )
    return codes


def _remove_devices(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCodeDevice.objects.filter(user=user).delete()


def two_factor_remove(*, user: User) -> None:
    """A person turns their own two-factor sign-in off: only where it is not required (clients,
    who opted in). Staff ask an admin to reset a lost device instead."""
    if sign_in_policy(user=user).staff:
        raise TwoFactorRefused(
            "Staff accounts keep two-factor sign-in. If you lost your device, ask a program admin "
            "to reset it."
        )
    with transaction.atomic():
        _remove_devices(user)
        audit_record(
            actor=user, action=Action.UPDATE, obj=user, changes={"two_factor": ["enrolled", None]}
        )


def two_factor_reset(*, actor: User, target: User) -> None:
    """A program admin resets `target`'s lost authenticator.

    1. `can_reset_two_factor` must allow it (an admin of one of the target's programs, not the
       target themself); otherwise "not found", naming nobody.
    2. The target's devices and recovery codes go, their sessions end and their API tokens are
       revoked: whoever holds the lost phone holds nothing.
    3. One audit event naming the admin. The target enrols again at their next sign-in.
    """
    if not can_reset_two_factor(actor, target):
        raise StaffNotFound("No such staff member.")
    with transaction.atomic():
        _remove_devices(target)
        sessions_end_all(user=target)
        api_tokens_revoke_all(user=target, reason="two_factor_reset")
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=target,
            changes={"two_factor": ["enrolled", "reset by admin"]},
        )
