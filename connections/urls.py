from django.urls import path

from connections import views

urlpatterns = [
    path("", views.connect, name="connection"),
    path("region/", views.switch_region, name="connection-region"),
    path("disconnect/", views.disconnect, name="connection-disconnect"),
]
