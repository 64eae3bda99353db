from django.urls import path

from cdn import account_views, domain_views, log_views, traffic_views, views

app_name = "cdn"
urlpatterns = [
    path("", views.domain_list, name="domains"),
    path("new/", views.domain_create, name="create"),
    path("batch/", views.domain_batch, name="batch"),
    path("balance/", account_views.balance, name="balance"),
    path("balance/alert/", account_views.budget_alert, name="budget-alert"),
    path("balance/forecast/", account_views.forecast_card, name="forecast"),
    path("traffic/", account_views.account_traffic, name="traffic"),
    path("traffic/sums/", account_views.traffic_sums, name="traffic-sums"),
    path("urls/", account_views.common_urls, name="urls"),
    path("urls/delete/", account_views.common_urls_delete, name="urls-delete"),
    path("<plcloud_id:domain_id>/flow/", traffic_views.domain_flow, name="flow"),
    path("<plcloud_id:domain_id>/logs/", log_views.domain_logs, name="logs"),
    path("<plcloud_id:domain_id>/logs/analytics/", log_views.domain_log_analytics, name="log-analytics"),
    path("<plcloud_id:domain_id>/", domain_views.domain_detail, name="detail"),
    path("<plcloud_id:domain_id>/row/", views.domain_row, name="row"),
    path("<plcloud_id:domain_id>/toggle/", domain_views.domain_toggle, name="toggle"),
    path("<plcloud_id:domain_id>/delete/", domain_views.domain_delete, name="delete"),
]
