from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from contracts import views as contract_views

admin.site.site_header = "委託業務 個人情報管理 管理画面"
admin.site.site_title = "委託個人情報管理"

urlpatterns = [
    # The admin signs in through the app's own login, with the same second factor and lockout.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True), name="admin_login"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("contracts/<slug:slug>/survey/", include("engagement.urls")),
    path("contracts/", include("contracts.urls")),
    path("audit/", include("audit.urls")),
    path("handover/", include("handover.urls")),
    path("checklist/", include("checklist.urls")),
    path("incidents/", include("incidents.urls")),
    path("files/", include("attachments.urls")),
    path("environment/", include("environment.urls")),
    path("status-reports/", include("statusreports.urls")),
    path("supervision/", include("supervision.urls")),
    path("directory/", include("directory.urls")),
    path("imports/", include("imports.urls")),
    path("register/", include("register.urls")),
    path("", include("yearend.urls")),
    path("", include("operations.urls")),
    # The home page (the person's contracts and what waits for them) is the contracts app's; it keeps its name.
    path("", include(([path("", contract_views.home, name="dashboard")], "core"))),
]

handler400 = "core.errors_views.bad_request"
handler403 = "core.errors_views.forbidden"
handler404 = "core.errors_views.not_found"
handler500 = "core.errors_views.server_error"
