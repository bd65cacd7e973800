from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("organisasjoner/", views.tree, name="organisation_tree"),
    path("organisasjoner/ny/", views.create, name="organisation_create"),
    path("organisasjoner/<int:pk>/", views.detail, name="organisation_detail"),
    path("organisasjoner/<int:pk>/endre/", views.edit, name="organisation_edit"),
    path("organisasjoner/<int:pk>/ny-enhet/", views.create, name="organisation_add_unit"),
    path("organisasjoner/<int:pk>/avslutt/", views.end, name="organisation_end"),
    path("organisasjoner/<int:pk>/inviter/", views.invite, name="organisation_invite"),
    path(
        "organisasjoner/<int:pk>/invitasjoner/<int:invitation_pk>/trekk-tilbake/",
        views.withdraw_invitation,
        name="invitation_withdraw",
    ),
    path(
        "organisasjoner/<int:pk>/roller/<int:role_pk>/fjern/", views.revoke_role, name="role_revoke"
    ),
    path("organisasjoner/<int:pk>/historikk/", views.history, name="organisation_history"),
    path("invitasjon/<str:token>/", views.accept_invitation, name="invitation_accept"),
    path("bytt-organisasjon/", views.switch_organisation, name="switch_organisation"),
]
