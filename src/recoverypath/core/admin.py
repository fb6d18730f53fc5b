from __future__ import annotations

from django.contrib import admin

from .audit import Action, audit_record, audit_record_list, client_id_of, organization_id_of
from .models import AuditEvent


class AuditedAdminMixin:
    """The back office is no way around the audit trail: every change list, object page, save
    and delete in the Django admin writes the same events the app writes (put it first among a
    ModelAdmin's bases)."""

    def _audit(self, request, action: str, obj, changes: dict | None = None) -> None:
        audit_record(
            actor=request.user,
            action=action,
            obj=obj,
            client_id=client_id_of(obj),
            organization_id=organization_id_of(obj),
            changes={"via": "admin", **(changes or {})},
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            rows = list(changelist.result_list)
            client_attr = "pk" if self.model._meta.label_lower == "clients.client" else "client_id"
            audit_record_list(actor=request.user, objects=rows, client_id_attr=client_attr)
        return response

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            self._audit(request, Action.READ, obj)
        return obj

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._audit(
            request,
            Action.UPDATE if change else Action.CREATE,
            obj,
            {"fields": sorted(form.changed_data)},
        )

    def delete_model(self, request, obj):
        self._audit(request, Action.DELETE, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._audit(request, Action.DELETE, obj)
        super().delete_queryset(request, queryset)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "actor_email", "action", "object_type", "object_id", "client_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_email", "object_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
