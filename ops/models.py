from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerPing(models.Model):
    """A round trip through the broker: the web side writes the row, a worker answers it."""

    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("worker ping")
        verbose_name_plural = _("worker pings")

    def __str__(self) -> str:
        return f"ping {self.pk} answered by {self.worker or '-'}"
