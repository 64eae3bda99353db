from django.urls import path

from alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.alert_list, name="list"),
    path("channels/new/", views.channel_new, name="channel-new"),
    path("channels/<int:pk>/test/", views.channel_test, name="channel-test"),
    path("channels/<int:pk>/delete/", views.channel_delete, name="channel-delete"),
    path("rules/new/", views.rule_new, name="rule-new"),
    path("rules/<int:pk>/pause/", views.rule_pause, {"paused": True}, name="rule-pause"),
    path("rules/<int:pk>/resume/", views.rule_pause, {"paused": False}, name="rule-resume"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule-delete"),
]
