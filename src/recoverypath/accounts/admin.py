from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from recoverypath.core.admin import AuditedAdminMixin

from .models import ApiToken, Membership, Organization, Program, User
from .services.two_factor import StaffNotFound, two_factor_reset


def _admin_login(request, extra_context=None):
    """The admin signs in through the app's own login (rate limits, two-factor code step)."""
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")


# The default admin site signs in through the app on purpose (one login, its limits and code step).
admin.site.login = _admin_login  # type: ignore[method-assign]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "time_zone")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [MembershipInline]
    actions = ["reset_two_factor"]

    @admin.action(description="Reset two-factor sign-in (lost device)")
    def reset_two_factor(self, request, queryset):
        """Back-office reset (superusers may reset any account, clients too): devices removed,
        sessions ended, tokens revoked, one audit event each."""
        done = 0
        for user in queryset:
            try:
                two_factor_reset(actor=request.user, target=user)
            except StaffNotFound:
                continue
            done += 1
        self.message_user(request, f"Two-factor sign-in reset for {done} account(s).")


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Read-only: who holds which token, and since when. Secrets are never stored."""

    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["revoked_reason"]
    search_fields = ["user__email", "name", "prefix"]
    readonly_fields = [f.name for f in ApiToken._meta.fields]
    exclude = ["key_digest"]

    def has_add_permission(self, request):
        return False


@admin.register(Organization)
class OrganizationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]


@admin.register(Program)
class ProgramAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "organization", "time_zone", "weekly_hours_required", "paper_size"]
    inlines = [MembershipInline]
