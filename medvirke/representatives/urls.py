from django.urls import path

from . import views, views_deletion, views_joining

urlpatterns = [
    path("", views.representative_list, name="representative_list"),
    path("ny/", views.register, name="representative_register"),
    path("<int:pk>/", views.detail, name="representative_detail"),
    path("tilknytninger/<int:pk>/vurder/", views.decide, name="affiliation_decide"),
    path("foresporsler/", views_joining.join_requests, name="join_requests"),
    path("foresporsler/<int:pk>/svar/", views_joining.answer, name="join_request_answer"),
    path("meg/", views.me, name="my_representative"),
    path(
        "meg/tilknytninger/<int:pk>/avslutt/",
        views_joining.end_own_affiliation,
        name="my_affiliation_end",
    ),
    path("meg/profil/", views.edit_profile, name="my_profile_edit"),
    path("meg/samtykke/", views.health_consent, name="my_health_consent"),
    path("meg/erfaring/", views.edit_experience, name="my_experience"),
    path("meg/arbeidsforhold/ny/", views.add_employment, name="my_employment_add"),
    path("meg/arbeidsforhold/<int:pk>/endre/", views.edit_employment, name="my_employment_edit"),
    path("meg/arbeidsforhold/<int:pk>/avslutt/", views.end_employment, name="my_employment_end"),
    path(
        "meg/arbeidsforhold/<int:pk>/slett/", views.delete_employment, name="my_employment_delete"
    ),
    path("meg/engasjementer/ny/", views.edit_engagement, name="my_engagement_add"),
    path("meg/engasjementer/<int:pk>/endre/", views.edit_engagement, name="my_engagement_edit"),
    path("meg/engasjementer/<int:pk>/slett/", views.delete_engagement, name="my_engagement_delete"),
    path("erfaringsomrader/", views.area_list, name="experience_area_list"),
    path("erfaringsomrader/ny/", views.area_edit, name="experience_area_create"),
    path("erfaringsomrader/<int:pk>/endre/", views.area_edit, name="experience_area_edit"),
    path("slettinger/", views_deletion.deletion_requests, name="deletion_requests"),
    path("<int:pk>/slett/", views_deletion.carry_out, name="deletion_carry_out"),
]
