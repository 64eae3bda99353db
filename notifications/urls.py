from django.urls import path

from notifications import views

# Mounted at /tickets/notifications/, where the pages were when notices were only about tickets.
app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.mark_all_read, name="read"),
]
