from django.urls import path, re_path

from tickets import views

# Only the shape Plcloud gives ticket ids, so nothing else reaches the upstream path.
TICKET = r"^(?P<ticket_id>tk-[0-9a-f]{1,32})/"

app_name = "tickets"
urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("new/", views.ticket_new, name="new"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    re_path(TICKET + r"$", views.ticket_detail, name="detail"),
    re_path(TICKET + r"reply/$", views.ticket_reply, name="reply"),
    re_path(TICKET + r"accept/$", views.ticket_status, {"status": "accepted"}, name="accept"),
    re_path(TICKET + r"close/$", views.ticket_status, {"status": "closed"}, name="close"),
]
