from __future__ import annotations

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events are append-only.")

    def delete(self):
        raise AppendOnlyError("Audit events are append-only.")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One read or write of protected data, or one authentication event. Never changed."""

    class Action(models.TextChoices):
        READ = "read", "Read"
        LIST = "list", "List"
        CREATE = "create", "Create"
        UPDATE = "update", "Update"
        DELETE = "delete", "Delete"
        EXPORT = "export", "Export"
        DISCLOSE = "disclose", "Disclose"
        LOGIN = "login", "Log in"
        LOGOUT = "logout", "Log out"
        LOGIN_FAILED = "login_failed", "Failed log in"

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # Plain ids, not foreign keys: core comes before the apps that own clients and organizations.
    client_id = models.BigIntegerField(null=True, blank=True)
    organization_id = models.BigIntegerField(null=True, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["client_id", "-occurred_at"], name="audit_client_time"),
            models.Index(fields=["organization_id", "-occurred_at"], name="audit_org_time"),
            models.Index(fields=["actor", "-occurred_at"], name="audit_actor_time"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_email or '-'} {self.action} "
            f"{self.object_type} {self.object_id}"
        )

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are append-only.")


class IdempotencyRecord(models.Model):
    """The first answer to an API POST sent with an `Idempotency-Key`, replayed on a retry.

    One row per (user, key): the unique constraint is what stops two concurrent duplicates from
    both running. A row is `pending` while its request runs (the request's writes and the move to
    `completed` commit in one transaction) and is purged 24 hours after it was created.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        COMPLETED = "completed", "Completed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(
        max_length=64, help_text="SHA-256 of method, path, query string and body."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    lock_token = models.CharField(
        max_length=32, help_text="Which request owns a pending row (changes on a take-over)."
    )
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_content_type = models.CharField(max_length=100, blank=True)
    response_body = models.TextField(blank=True)
    created_at = models.DateTimeField(db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key_unique"),
            models.CheckConstraint(
                condition=models.Q(status="pending") | models.Q(response_status__isnull=False),
                name="idempotency_completed_has_response",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} key {self.key[:20]} ({self.status})"
