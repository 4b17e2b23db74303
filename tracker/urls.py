from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView


def docs_page(view):
    """The docs' HTML pages: a visitor who must sign in first is sent to the login page."""
    return view if settings.API_DOCS_PUBLIC else login_required(view)


# ReDoc styles itself with inline styles and renders in a worker made from a blob; scripts stay 'self'.
redoc_policy = csp_update({"style-src": [UNSAFE_INLINE], "worker-src": ["blob:"]})

urlpatterns = [
    path("", include("tasks_app.urls")),
    path("notifications/", include("notifications.urls")),
    path("calendar/", include("calendars.urls")),
    path("reports/", include("reports.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("tracker.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file of its own: the CSP allows no inline script.
    path("api/docs/", docs_page(SpectacularSwaggerSplitView.as_view(url_name="schema")), name="api-docs"),
    path(
        "api/redoc/",
        docs_page(redoc_policy(SpectacularRedocView.as_view(url_name="schema"))),
        name="api-redoc",
    ),
]

handler404 = "core.api.not_found"
