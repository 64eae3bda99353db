from django.contrib import admin

from ops.models import WorkerPing


@admin.register(WorkerPing)
class WorkerPingAdmin(admin.ModelAdmin):
    list_display = ("id", "requested_at", "answered_at", "worker")
