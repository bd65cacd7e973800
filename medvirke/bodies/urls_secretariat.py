"""The secretariat's pages under /utvalg/ (ASCII addresses: foresporsel, not forespørsel)."""

from django.urls import path

from .views import secretariat as views

urlpatterns = [
    path("", views.body_list, name="body_list"),
    path("ny/", views.body_create, name="body_create"),
    path("<int:pk>/", views.body_detail, name="body_detail"),
    path("<int:pk>/endre/", views.body_edit, name="body_edit"),
    path("<int:pk>/historikk/", views.body_history, name="body_history"),
    path("<int:pk>/foresporsel/ny/", views.call_create, name="call_create"),
    path(
        "<int:pk>/seter/<int:seat_pk>/ny-foresporsel/",
        views.call_for_vacancy,
        name="call_for_vacancy",
    ),
    path("periode/<int:pk>/avslutt/", views.term_end, name="term_end"),
    path("foresporsel/<int:pk>/", views.call_detail, name="call_detail"),
    path("foresporsel/<int:pk>/lukk/", views.call_close, name="call_close"),
    path("forslag/<int:pk>/oppnevn/", views.nomination_appoint, name="nomination_appoint"),
    path("forslag/<int:pk>/avsla/", views.nomination_decline, name="nomination_decline"),
]
