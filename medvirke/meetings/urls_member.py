"""Members' pages and the calendar feeds under /moter/."""

from django.urls import path

from .views import calendar, calendar_reset, member

urlpatterns = [
    path("mine/", member.my_meetings, name="my_meetings"),
    path("mine/<int:pk>/forfall/", member.report_absence, name="my_meeting_absence"),
    path("forfall/<str:token>/", member.absence_link, name="absence_link"),
    path("mine/forslag/", member.my_proposals, name="my_proposals"),
    path("mine/forslag/ny/", member.propose_case, name="case_propose"),
    path("mine/rad/", member.my_advice, name="my_advice"),
    path("kalender/", calendar.my_calendar, name="my_calendar"),
    path("kalender/tilbakestill/", calendar_reset.reset_my_calendars, name="my_calendars_reset"),
    path("kalender/utvalg/<int:pk>/", calendar.body_calendar, name="body_calendar"),
    path("kalender/<str:token>.ics", calendar.feed, name="calendar_feed"),
]
