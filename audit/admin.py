from django.contrib import admin

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    # The site's superusers see every tenant's rows here; the panel's pages show a reader's own.
    list_display = ("at", "actor_name", "action", "object_id", "outcome", "tenant_id", "region")
    list_filter = ("outcome", "action", "tenant_id")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
