from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PlcloudConnection(models.Model):
    """A member's Plcloud identity: what Keystone answered, with the token (and, only when the
    member opted in, the password) encrypted at rest. Read and write it through connections.services."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plcloud")
    auth_url = models.URLField(_("identity endpoint"))
    plcloud_username = models.CharField(_("Plcloud user"), max_length=255)
    tenant_name = models.CharField(_("tenant"), max_length=255)
    tenant_id = models.CharField(max_length=64)
    plcloud_user_id = models.CharField(max_length=64)
    region = models.CharField(_("region"), max_length=128)
    endpoint = models.URLField(_("endpoint"))
    # {region: endpoint} from the catalog, so switching region needs no new sign-in.
    endpoints = models.JSONField(default=dict)
    token_encrypted = models.TextField()
    token_expires = models.DateTimeField(_("token expires"), null=True)
    keep_connected = models.BooleanField(_("keep me connected"), default=False)
    password_encrypted = models.TextField(blank=True)
    connected_at = models.DateTimeField(_("connected at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("Plcloud connection")
        verbose_name_plural = _("Plcloud connections")

    def __str__(self) -> str:
        return f"{self.plcloud_username}@{self.tenant_name} ({self.region})"

    @property
    def token_expired(self) -> bool:
        return self.token_expires is not None and self.token_expires <= timezone.now()
