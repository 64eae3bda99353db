from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    OPERATOR = "operator", _("Operator")
    ADMIN = "admin", _("Admin")


# Each role may do what the roles before it may.
RANK = {Role.VIEWER: 1, Role.OPERATOR: 2, Role.ADMIN: 3}


class Membership(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VIEWER)
    # Set when an admin adds the member with an initial password: until they choose their own,
    # every page sends them to the password change (accounts.middleware).
    must_change_password = models.BooleanField(_("must change password"), default=False)
    # An IANA name (accounts.zones); blank: the panel's TIME_ZONE, whatever it is set to later.
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"
