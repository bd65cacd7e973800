"""The secretariat's meeting pages under /moter/ (ASCII addresses: oppmote, not oppmøte)."""

from django.urls import path

from .views import secretariat_attendance as attendance
from .views import secretariat_cases as cases
from .views import secretariat_meetings as meetings

urlpatterns = [
    path("utvalg/<int:body_pk>/", meetings.meeting_plan, name="meeting_plan"),
    path("utvalg/<int:body_pk>/nytt/", meetings.meeting_create, name="meeting_create"),
    path("utvalg/<int:body_pk>/forslag/", cases.proposal_inbox, name="proposal_inbox"),
    path("<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("<int:pk>/endre/", meetings.meeting_edit, name="meeting_edit"),
    path("<int:pk>/innkall/", meetings.meeting_call, name="meeting_call"),
    path("<int:pk>/avholdt/", meetings.meeting_held, name="meeting_held"),
    path("<int:pk>/saker/ny/", cases.case_create, name="case_create"),
    path("<int:pk>/dokumenter/ny/", cases.paper_upload, name="paper_upload"),
    path("<int:pk>/oppmote/", attendance.meeting_attendance, name="meeting_attendance"),
    path("sak/<int:pk>/endre/", cases.case_edit, name="case_edit"),
    path("dokument/<int:pk>/", cases.paper_download, name="paper_download"),
    path("forslag/<int:pk>/godta/", cases.proposal_accept, name="proposal_accept"),
    path("forslag/<int:pk>/svar/", cases.proposal_answer, name="proposal_answer"),
]
