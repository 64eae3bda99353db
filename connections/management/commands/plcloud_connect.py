"""Connect a panel member to Plcloud from the command line, for scripted set-ups."""

import getpass
import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from connections import services
from connections.problems import explain
from plcloud import PlcloudError


class Command(BaseCommand):
    help = "Connect panel member USERNAME to Plcloud (password from PLCLOUD_PASSWORD or a prompt)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="the panel member")
        parser.add_argument("--plcloud-user", required=True)
        parser.add_argument("--tenant", required=True)
        parser.add_argument("--auth-url", default=None, help="one of PLCLOUD_AUTH_URLS (default: the first)")
        parser.add_argument("--region", default=None)
        parser.add_argument("--keep", action="store_true", help="store the password to renew expired tokens")

    def handle(self, *args, **options):
        try:
            user = get_user_model().objects.get(username=options["username"])
        except get_user_model().DoesNotExist:
            raise CommandError(f"no panel member named {options['username']!r}") from None
        auth_url = (options["auth_url"] or settings.PLCLOUD_AUTH_URLS[0]).rstrip("/")
        if auth_url not in services.allowed_auth_urls():
            raise CommandError(f"{auth_url} is not one of PLCLOUD_AUTH_URLS: {', '.join(settings.PLCLOUD_AUTH_URLS)}")
        password = os.environ.get("PLCLOUD_PASSWORD") or getpass.getpass("Plcloud password: ")
        try:
            connection = services.connect(
                user=user,
                username=options["plcloud_user"],
                password=password,
                tenant_name=options["tenant"],
                auth_url=auth_url,
                region=options["region"],
                keep=options["keep"],
            )
        except PlcloudError as error:
            raise CommandError(explain(error).message) from None
        self.stdout.write(f"connected {user.username} as {connection} (token expires {connection.token_expires})")
