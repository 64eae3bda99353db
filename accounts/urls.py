from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.team, name="team"),
    path("<int:pk>/role/", views.set_role, name="team-role"),
    path("<int:pk>/active/", views.set_active, name="team-active"),
]
