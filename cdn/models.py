from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class BudgetAlert(models.Model):
    """When the prepaid traffic is forecast to last fewer days than this, the member is warned."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="budget_alert")
    warn_days = models.PositiveSmallIntegerField(
        _("warn when fewer days are left than"), default=7, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )

    class Meta:
        verbose_name = _("budget alert")
        verbose_name_plural = _("budget alerts")

    def __str__(self) -> str:
        return f"{self.user}: {self.warn_days} days"
