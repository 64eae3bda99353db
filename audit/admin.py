from django.contrib import admin

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "object_id", "outcome")
    list_filter = ("outcome", "action")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
