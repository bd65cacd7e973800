from django.contrib import admin
from django.urls import include, path

from medvirke.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("konto/", include("allauth.urls")),
    path("", include("medvirke.core.urls")),
    path("drift/", admin.site.urls),
    path("", include("medvirke.accounts.urls")),
    path("", include("medvirke.organisations.urls")),
    path("representanter/", include("medvirke.representatives.urls")),
    path("utvalg/", include("medvirke.bodies.urls")),
    path("moter/", include("medvirke.meetings.urls")),
    path("offentlig/", include("medvirke.portal.urls")),
]

handler403 = "medvirke.core.views.permission_denied"
handler404 = "medvirke.core.views.page_not_found"
handler500 = "medvirke.core.views.server_error"
