from django.urls import include, path

urlpatterns = [
    path("", include("medvirke.bodies.urls_secretariat")),
    path("", include("medvirke.bodies.urls_participation")),
]
