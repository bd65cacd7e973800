"""Minutes (the secretariat's editor, members' comments, versions, PDF) and the influence
ledger (the case owner's advice list and answers, the figures) under /moter/."""

from django.urls import path

from .views import ledger, minutes, minutes_read, minutes_remove

urlpatterns = [
    path("<int:pk>/protokoll/", minutes.minutes_edit, name="minutes_edit"),
    path("<int:pk>/protokoll/start/", minutes.minutes_start, name="minutes_start"),
    path(
        "<int:pk>/protokoll/sak/<int:case_pk>/dissens/",
        minutes.minutes_dissent,
        name="minutes_dissent",
    ),
    path(
        "<int:pk>/protokoll/sak/<int:case_pk>/rad/", minutes.minutes_advice, name="minutes_advice"
    ),
    path(
        "<int:pk>/protokoll/dissens/<int:dissent_pk>/fjern/",
        minutes_remove.minutes_dissent_remove,
        name="minutes_dissent_remove",
    ),
    path(
        "<int:pk>/protokoll/rad/<int:advice_pk>/fjern/",
        minutes_remove.minutes_advice_remove,
        name="minutes_advice_remove",
    ),
    path("<int:pk>/protokoll/send/", minutes.minutes_send, name="minutes_send"),
    path("<int:pk>/protokoll/godkjenn/", minutes.minutes_approve, name="minutes_approve"),
    path("<int:pk>/protokoll/publiser/", minutes.minutes_publish, name="minutes_publish"),
    path("<int:pk>/protokoll/rett/", minutes.minutes_correct, name="minutes_correct"),
    path(
        "<int:pk>/protokoll/versjon/<int:number>/",
        minutes_read.minutes_version,
        name="minutes_version",
    ),
    path("<int:pk>/protokoll/kommentar/", minutes_read.minutes_comment, name="minutes_comment"),
    path("<int:pk>/protokoll.pdf", minutes_read.minutes_full_pdf, name="minutes_full_pdf"),
    path(
        "<int:pk>/protokoll-offentlig.pdf",
        minutes_read.minutes_public_pdf,
        name="minutes_public_pdf",
    ),
    path("oppfolging/", ledger.advice_follow_up, name="advice_follow_up"),
    path("rad/<int:pk>/", ledger.advice_detail, name="advice_detail"),
    path("laering/utvalg/<int:pk>/", ledger.ledger_body, name="ledger_body"),
    path(
        "laering/utvalg/<int:pk>/tall.<str:fmt>",
        ledger.ledger_body_export,
        name="ledger_body_export",
    ),
    path("laering/organisasjon/<int:pk>/", ledger.ledger_owner, name="ledger_owner"),
    path(
        "laering/organisasjon/<int:pk>/tall.<str:fmt>",
        ledger.ledger_owner_export,
        name="ledger_owner_export",
    ),
]
