"""The public pages under /offentlig/: open to everyone, logged in or not, and read-only."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="portal_home"),
    path("utvalg/", views.body_list, name="portal_body_list"),
    path("utvalg/<int:pk>/", views.body_detail, name="portal_body_detail"),
    path("foresporsler/", views.call_list, name="portal_call_list"),
    path("organisasjoner/", views.organisation_list, name="portal_organisation_list"),
]
