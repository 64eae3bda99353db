from django.contrib import admin
from django.urls import include, path

from ops import views as ops_views

urlpatterns = [
    path("", ops_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
