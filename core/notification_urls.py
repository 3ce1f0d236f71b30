from django.urls import path

from . import notification_views as views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("badge/", views.notification_badge, name="badge"),
    path("read/", views.notification_mark_read, name="mark-read"),
    path("<int:pk>/open/", views.notification_open, name="open"),
]
