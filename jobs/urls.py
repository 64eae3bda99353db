from django.urls import path

from jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("flush/new/", views.flush_new, name="flush-new"),
    path("prefetch/new/", views.prefetch_new, name="prefetch-new"),
    path("<int:job_id>/", views.job_detail, name="detail"),
    path("<int:job_id>/progress/", views.job_progress, name="progress"),
    path("<int:job_id>/retry/", views.job_retry, name="retry"),
    path("<int:job_id>/resend/", views.job_resend, name="resend"),
    path("<int:job_id>/skip/", views.job_skip, name="skip"),
    path("<int:job_id>/download/", views.export_download, name="download"),
    path("<int:job_id>/cancel/", views.export_cancel, name="cancel"),
]
