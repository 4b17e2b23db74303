from django.urls import path

from notifications.views import notification_list, notifications_read

urlpatterns = [
    path("", notification_list, name="notifications"),
    path("read-all/", notifications_read, name="notifications_read_all"),
]
