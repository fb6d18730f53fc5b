from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from recoverypath.clients import views as client_views

handler403 = "recoverypath.core.views.permission_denied"
handler404 = "recoverypath.core.views.page_not_found"
handler500 = "recoverypath.core.views.server_error"

urlpatterns = [
    path("", client_views.home, name="home"),
    path("accounts/", include("recoverypath.accounts.urls")),
    path("api/v1/", include("recoverypath.api")),
    path("admin/", admin.site.urls),
    path("", include("recoverypath.clients.urls")),
    path("", include("recoverypath.accounts.web_urls")),
    path("", include("recoverypath.core.urls")),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
]

# Each later app that has pages adds them here, in ARCHITECTURE.md's order.
for _app in (
    "consent",
    "safety",
    "notifications",
    "alerts",
    "care",
    "scheduling",
    "assessments",
    "monitoring",
    "testing",
    "aftercare",
    "discharge",
    "earlywarning",
    "interop",
):
    try:
        urlpatterns.append(path("", include(f"recoverypath.{_app}.urls")))
    except ModuleNotFoundError as exc:
        if exc.name != f"recoverypath.{_app}.urls":
            raise

if settings.DEBUG:
    urlpatterns.append(path("__debug__/500/", lambda request: 1 / 0))
