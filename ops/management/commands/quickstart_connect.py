"""Connect the quick start's administrator to the local sandbox, for the whole of a trial.

The connection keeps the sandbox's password (encrypted like every stored secret, as "Keep me
connected" does), so when the sandbox's token expires (after an hour unless its token_ttl says
otherwise) the panel signs in again by itself instead of sending the member to the Connect page.
The password is the sandbox's published demo password, never a real account's: a member who
connects a real Plcloud account chooses for themselves whether the panel keeps theirs.
"""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from connections import services
from connections.models import PlcloudConnection
from connections.problems import explain
from plcloud import PlcloudError


class Command(BaseCommand):
    help = "Connect the quick start's 'admin' to the sandbox as demo, keeping the password (from PLCLOUD_PASSWORD)."

    def add_arguments(self, parser):
        parser.add_argument("--auth-url", required=True, help="the sandbox's identity endpoint")
        parser.add_argument("--username", default="admin", help="the panel member")
        parser.add_argument("--plcloud-user", default="demo")
        parser.add_argument("--tenant", default="demo")
        parser.add_argument(
            "--existing-only",
            action="store_true",
            help="only renew a connection the quick start made before without keeping the password",
        )

    def handle(self, *args, **options):
        self.stdout.write(self.connect(options))

    def connect(self, options: dict) -> str:
        """What was done, in a line for dev.py's output."""
        user = get_user_model().objects.filter(username=options["username"]).first()
        auth_url = options["auth_url"].rstrip("/")
        if user is None:
            return f"skipped: no panel member named {options['username']!r}"
        if auth_url not in services.allowed_auth_urls():
            return f"skipped: {auth_url} is not one of PLCLOUD_AUTH_URLS"
        identity = {"auth_url": auth_url, "plcloud_username": options["plcloud_user"], "tenant_name": options["tenant"]}
        connection = PlcloudConnection.objects.filter(user=user).first()
        if connection is not None:
            same = all(getattr(connection, name) == value for name, value in identity.items())
            if not same or connection.keep_connected:
                # The member connected another identity, or this one already renews itself.
                return f"unchanged: {user.username} is connected as {connection}"
        elif options["existing_only"]:
            # Disconnected on purpose after the first run: left so.
            return f"unchanged: {user.username} is not connected"
        try:
            connection = services.connect(
                user=user,
                username=options["plcloud_user"],
                password=os.environ.get("PLCLOUD_PASSWORD", ""),
                tenant_name=options["tenant"],
                auth_url=auth_url,
                region=connection.region if connection else None,
                keep=True,
            )
        except PlcloudError as error:
            raise CommandError(explain(error).message) from None
        return f"connected {user.username} to the sandbox as {connection}, kept connected"
