"""Pages for organisation coordinators and representatives, under /utvalg/."""

from django.urls import path

from .views import participation as views

urlpatterns = [
    path("mine-foresporsler/", views.calls_for_us, name="participation_calls"),
    path("foresporsel/<int:pk>/nominer/", views.call_nominate, name="participation_call"),
    path("nominasjon/<int:pk>/trekk-tilbake/", views.withdraw, name="participation_withdraw"),
    path("representasjon/", views.representation, name="participation_representation"),
    path("mine-verv/", views.engagements, name="participation_engagements"),
    path("verv/<int:pk>/bekreft/", views.confirm, name="participation_confirm"),
    path("verv/<int:pk>/fratre/", views.resign, name="participation_resign"),
    path("verv/<int:pk>/brev.pdf", views.letter, name="participation_letter"),
    path("mine-data.json", views.my_data_json, name="participation_my_data_json"),
    path("mine-data.pdf", views.my_data_pdf, name="participation_my_data_pdf"),
    path("slett-meg/", views.delete_me, name="participation_delete_me"),
]
