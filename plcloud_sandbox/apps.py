from django.apps import AppConfig


class PlcloudSandboxConfig(AppConfig):
    name = "plcloud_sandbox"
    verbose_name = "Plcloud sandbox"
