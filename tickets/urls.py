from django.urls import path

from tickets import views

app_name = "tickets"
urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("new/", views.ticket_new, name="new"),
    # Any id Plcloud gives (plcloud_panel.converters); the client escapes it on the way out.
    path("<plcloud_id:ticket_id>/", views.ticket_detail, name="detail"),
    path("<plcloud_id:ticket_id>/reply/", views.ticket_reply, name="reply"),
    path("<plcloud_id:ticket_id>/accept/", views.ticket_status, {"status": "accepted"}, name="accept"),
    path("<plcloud_id:ticket_id>/close/", views.ticket_status, {"status": "closed"}, name="close"),
]
