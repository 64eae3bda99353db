from django.urls import include, path

from jobs import export_views, form_views, views

app_name = "jobs"
job_patterns = [
    path("", views.job_list, name="list"),
    path("flush/new/", form_views.flush_new, name="flush-new"),
    path("prefetch/new/", form_views.prefetch_new, name="prefetch-new"),
    path("<int:job_id>/", views.job_detail, name="detail"),
    path("<int:job_id>/progress/", views.job_progress, name="progress"),
    path("<int:job_id>/retry/", views.job_retry, name="retry"),
    path("<int:job_id>/again/", views.job_run_again, name="again"),
    path("<int:job_id>/resend/", views.job_resend, name="resend"),
    path("<int:job_id>/skip/", views.job_skip, name="skip"),
    path("<int:job_id>/download/", export_views.export_download, name="download"),
    path("<int:job_id>/cancel/", export_views.export_cancel, name="cancel"),
]
# Mounted at the root (plcloud_panel.urls): an export is queued from a domain's log page, at the
# address under /cdn/ it has always had, though cdn knows nothing of jobs.
urlpatterns = [
    path("jobs/", include(job_patterns)),
    path("cdn/<plcloud_id:domain_id>/logs/export/", export_views.export_start, name="logs-export"),
]
