from django.urls import path

from . import views_notifications

urlpatterns = [
    path("varsler/", views_notifications.notification_list, name="notifications"),
    path("varsler/les-alle/", views_notifications.mark_all_read, name="notifications_read_all"),
    path("varsler/<int:pk>/lest/", views_notifications.mark_read, name="notification_read"),
]
