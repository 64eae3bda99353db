from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    OK = "ok", _("Succeeded")
    FAILED = "failed", _("Failed")


class AuditEntry(models.Model):
    """One change the panel made or asked Plcloud for. Never holds a secret."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # Kept apart from the foreign key so the row still says who after the account is gone.
    actor_name = models.CharField(_("who"), max_length=150)
    action = models.CharField(_("what"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=32, blank=True)
    object_id = models.CharField(_("object"), max_length=255, blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, default=Outcome.OK)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    error = models.TextField(_("upstream error"), blank=True)
    # The Plcloud tenant (Keystone's id) and region the change was made under; "" for changes to
    # the panel itself (members, roles). Readers see only their own tenant's rows.
    tenant_id = models.CharField(_("tenant"), max_length=64, blank=True, db_index=True)
    region = models.CharField(_("region"), max_length=128, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_id} {self.outcome}"
