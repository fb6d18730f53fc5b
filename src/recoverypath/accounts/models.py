from __future__ import annotations

import hashlib
import hmac
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from recoverypath.core.pdf import PaperSize
from recoverypath.core.timezones import validate_time_zone

from .languages import Language


class Role(models.TextChoices):
    ADMIN = "admin", "Program admin"
    CLINICIAN = "clinician", "Clinician"
    COORDINATOR = "coordinator", "Aftercare coordinator"
    FRONT_DESK = "front_desk", "Front desk"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


# django-otp ships no types, so the stubs cannot see the manager of RecoveryCodeDevice (a Device).
class User(AbstractBaseUser, PermissionsMixin):  # type: ignore[django-manager-missing]
    """A person who logs in: staff member, client or family member. E-mail is the login."""

    email = models.EmailField("e-mail address", unique=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    preferred_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="What the person is called (a client's is kept in step with their record).",
    )
    time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=Language.choices,
        default=Language.ENGLISH,
        help_text=_("The language of the person's pages and messages."),
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "Django admin access",
        default=False,
        help_text="Back-office access to the Django admin. Clinical access comes from memberships.",
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def header_name(self) -> str:
        """The name the page header greets the person by: their preferred name first."""
        return self.preferred_name or self.first_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    @property
    def display_time_zone(self) -> str | None:
        """The zone pages are shown in: the user's own, else their client record's or program's."""
        if self.time_zone:
            return self.time_zone
        if not hasattr(self, "_rp_zone"):
            self._rp_zone = _default_zone(self)
        return self._rp_zone or None


def _default_zone(user: User) -> str:
    try:
        return user.client_record.time_zone
    except ObjectDoesNotExist:
        pass
    membership = user.memberships.select_related("program").first()
    return membership.program.time_zone if membership else ""


class Organization(models.Model):
    """A treatment provider: the tenant. Nothing crosses organizations."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Program(models.Model):
    """One IOP site of an organization, in its own time zone."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="programs"
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60)
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    weekly_hours_required = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        default=9,
        help_text="Hours a week an IOP client is expected to attend (ASAM 2.1: at least 9 for "
        "adults, 6 for adolescents).",
    )
    after_hours_phone = models.CharField(
        max_length=32, blank=True, help_text="The program's own after-hours crisis line."
    )
    two_factor_grace_days = models.PositiveSmallIntegerField(
        default=7,
        help_text="Days a new staff member may sign in with a password alone before two-factor "
        "sign-in becomes required (counted from when they joined the program; 0: at once).",
    )
    idle_timeout_minutes = models.PositiveSmallIntegerField(
        default=15,
        help_text="Minutes without activity after which a staff member's session ends "
        "(a warning shows a minute before).",
    )
    paper_size = models.CharField(
        max_length=10,
        choices=PaperSize.choices,
        default=PaperSize.LETTER,
        help_text="Page size of the program's PDFs (discharge summary, safety plan): US Letter "
        "for US programs, A4 where that is the local paper.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="program_slug_unique"),
            models.CheckConstraint(
                condition=models.Q(idle_timeout_minutes__gte=2, idle_timeout_minutes__lte=480),
                name="program_idle_timeout_range",
            ),
            models.CheckConstraint(
                condition=models.Q(two_factor_grace_days__lte=90),
                name="program_two_factor_grace_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A staff member's role in one program."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "program"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} at {self.program}"


def secret_digest(value: str) -> str:
    """A keyed digest for high-entropy secrets (API tokens, recovery codes): stored instead of the
    secret, looked up by equality. Keyed with SECRET_KEY so a leaked table alone is useless."""
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


class ApiToken(models.Model):
    """A named API credential. Only its digest is stored; the secret is shown once.

    It stops working when revoked (by its owner, on password change or reset, on deactivation,
    on "sign out everywhere") or when unused until `expires_at` (each use slides the expiry).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_digest = models.CharField(max_length=64, unique=True)
    # The first characters of the secret, so a person can tell their tokens apart.
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="apitoken_user_live")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class RecoveryCodeDevice(Device):
    """One-time recovery codes for a lost authenticator, a django-otp device so a session verified
    with a code counts as two-factor verified. The codes are stored as keyed digests only."""

    created_at = models.DateTimeField(default=timezone.now)

    def verify_token(self, token) -> bool:
        code = normalize_recovery_code(str(token))
        if not code:
            return False
        used = self.codes.filter(code_digest=secret_digest(code), used_at=None).update(
            used_at=timezone.now()
        )
        return used == 1


def normalize_recovery_code(value: str) -> str:
    return "".join(ch for ch in value.lower() if ch.isalnum())


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["device", "code_digest"], name="recovery_code_unique")
        ]

    def __str__(self) -> str:
        return f"Recovery code {self.pk} ({'used' if self.used_at else 'unused'})"


class SignedInSession(models.Model):
    """A browser session of a user, for the "signed-in devices" page and "sign out everywhere".
    Written on log in, removed on log out; `last_seen_at` is refreshed at most every five
    minutes."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-last_seen_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} since {self.created_at:%Y-%m-%d %H:%M}"


class Invitation(models.Model):
    """A single-use link that lets a person create (or link) their login: staff to a program with
    a role, a client to their own record, a family member to the consents that name them.

    Only the SHA-256 of the token is stored; the token itself travels once, in the message.
    What the invitation is for is named by `subject_type` + `subject_id` (a model label and id),
    because accounts comes before the apps that own clients and consents.
    """

    class Kind(models.TextChoices):
        STAFF = "staff", "Staff"
        CLIENT = "client", "Client"
        FAMILY = "family", "Family member"

    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        SMS = "sms", "Text message"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="invitations")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    subject_type = models.CharField(max_length=60)
    subject_id = models.CharField(max_length=64)
    name = models.CharField(max_length=200, blank=True, help_text="Whom the invitation is for.")
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    expires_at = models.DateTimeField()
    invited_by = models.ForeignKey(
        User, null=True, on_delete=models.PROTECT, related_name="invitations_sent"
    )
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["subject_type", "subject_id", "status"], name="invitation_subject"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(email="", phone=""), name="invitation_has_address"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} invitation to {self.address} ({self.display_status})"

    @property
    def address(self) -> str:
        return self.email if self.channel == self.Channel.EMAIL else self.phone

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.PENDING and self.expires_at <= timezone.now()

    @property
    def display_status(self) -> str:
        """Waiting, Accepted, Revoked or Expired (an expired invitation is a waiting one past
        its time: nothing has to run for it to stop working)."""
        return "Expired" if self.is_expired else self.get_status_display()
