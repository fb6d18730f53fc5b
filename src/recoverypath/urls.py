from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.generic import TemplateView

from recoverypath.clients import pwa
from recoverypath.clients import views as client_views
from recoverypath.core.routers import app_includes

handler403 = "recoverypath.core.views.permission_denied"
handler404 = "recoverypath.core.views.page_not_found"
handler500 = "recoverypath.core.views.server_error"

urlpatterns = [
    path("", client_views.home, name="home"),
    path("accounts/", include("recoverypath.accounts.urls")),
    path("invite/", include("recoverypath.accounts.invitation_urls")),
    path("api/v1/", include("recoverypath.api")),
    path("admin/", admin.site.urls),
    # The installed client app: at the root so the worker may control /me/ (clients.pwa).
    path("manifest.webmanifest", pwa.manifest, name="web_manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
    # Every app's pages, in ARCHITECTURE.md's order (accounts' own are mounted above).
    *app_includes("urls", exclude=("accounts",)),
    path("", include("recoverypath.accounts.web_urls")),
]


def _server_error_on_purpose(request: HttpRequest) -> HttpResponse:
    """In development, a page that fails so the 500 page can be seen."""
    raise ZeroDivisionError("division by zero")


if settings.DEBUG:
    urlpatterns.append(path("__debug__/500/", _server_error_on_purpose))
