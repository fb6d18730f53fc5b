from django.contrib import admin

from recoverypath.core.audit import Action, audit_record

from .models import Client, SupportContact


class SupportContactInline(admin.TabularInline):
    model = SupportContact
    extra = 0


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["mrn", "last_name", "first_name", "program", "primary_clinician"]
    list_filter = ["program"]
    search_fields = ["mrn", "last_name", "first_name"]
    raw_id_fields = ["user", "primary_clinician", "coordinator"]
    inlines = [SupportContactInline]

    # The back office is no way around the audit trail: reads and writes here are recorded too.
    def get_object(self, request, object_id, from_field=None):
        client = super().get_object(request, object_id, from_field)
        if client is not None:
            audit_record(
                actor=request.user,
                action=Action.READ,
                obj=client,
                client_id=client.id,
                organization_id=client.organization_id,
            )
        return client

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=Action.UPDATE if change else Action.CREATE,
            obj=obj,
            client_id=obj.id,
            organization_id=obj.organization_id,
            changes={"fields": sorted(form.changed_data), "via": "admin"},
        )

    def delete_model(self, request, obj):
        audit_record(
            actor=request.user,
            action=Action.DELETE,
            obj=obj,
            client_id=obj.id,
            organization_id=obj.organization_id,
            changes={"via": "admin"},
        )
        super().delete_model(request, obj)
