from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CdnConfig(AppConfig):
    name = "cdn"
    verbose_name = _("CDN")
