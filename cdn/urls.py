from django.urls import path

from cdn import views

app_name = "cdn"
urlpatterns = [path("", views.domain_list, name="domains")]
