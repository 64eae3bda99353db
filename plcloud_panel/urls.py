from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from ops import dashboard_views
from plcloud_panel.converters import PlcloudIdConverter

# Before the apps' URL modules are read: they route Plcloud's ids with it.
register_converter(PlcloudIdConverter, "plcloud_id")

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("dashboard/<slug:name>/", dashboard_views.block, name="home-block"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("connection/", include("connections.urls")),
    path("team/", include("accounts.urls")),
    path("audit/", include("audit.urls")),
    path("alerts/", include("alerts.urls")),
    path("cdn/", include("cdn.urls")),
    # /jobs/, and the export button of a domain's log page (/cdn/<id>/logs/export/).
    path("", include("jobs.urls")),
    # Before tickets/: a ticket id could be "notifications".
    path("tickets/notifications/", include("notifications.urls")),
    path("tickets/", include("tickets.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
# A body past DATA_UPLOAD_MAX_MEMORY_SIZE answers a page of the panel's own (413), not a bare 400.
handler400 = "ops.views.bad_request"
# A page not there or not allowed: the panel's layout, the member's language, and a way back.
handler403 = "ops.error_views.permission_denied"
handler404 = "ops.error_views.not_found"
# A page in the panel's layout for any unhandled error; 503 (and the form's text given back) when
# the database is out of reach.
handler500 = "plcloud_panel.errors.server_error"
