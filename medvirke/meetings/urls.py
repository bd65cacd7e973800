"""Meetings, cases, minutes and the influence ledger under /moter/."""

from django.urls import include, path

urlpatterns = [
    path("", include("medvirke.meetings.urls_secretariat")),
    path("", include("medvirke.meetings.urls_minutes")),
    path("", include("medvirke.meetings.urls_member")),
]
