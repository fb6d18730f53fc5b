"""Bulk FHIR exports (their files on disk) and private calendar feed tokens."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from recoverypath.accounts.models import Program


class BulkExport(models.Model):
    """One FHIR Bulk Data `$export` request: kicked off by a user, run by the worker, polled
    by its status URL, downloadable by the requester only until it expires."""

    class Level(models.TextChoices):
        SYSTEM = "system", "System"
        GROUP = "group", "Group (program)"
        PATIENT = "patient", "Patient"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired (files deleted)"

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    level = models.CharField(max_length=10, choices=Level.choices)
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    types = models.JSONField(default=list)
    since = models.DateTimeField(null=True, blank=True)
    request_url = models.CharField(max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    clients_total = models.PositiveIntegerField(default=0)
    clients_done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    transaction_time = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["requester", "status"], name="bulkexport_requester_status"),
            models.Index(fields=["status", "expires_at"], name="bulkexport_status_expires"),
        ]

    def __str__(self) -> str:
        return f"$export {self.id} ({self.status})"


class BulkExportFile(models.Model):
    """One NDJSON file of an export: one resource type."""

    export = models.ForeignKey(BulkExport, on_delete=models.CASCADE, related_name="files")
    resource_type = models.CharField(max_length=40)
    name = models.CharField(max_length=80)
    count = models.PositiveIntegerField(default=0)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["export", "name"], name="bulkexportfile_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class CalendarFeed(models.Model):
    """A person's private calendar subscription: the URL carries a secret token, stored here
    only as its SHA-256. Resetting replaces the row, so the old URL stops working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
