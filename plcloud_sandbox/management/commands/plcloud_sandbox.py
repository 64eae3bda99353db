"""``python manage.py plcloud_sandbox``: run the local Plcloud sandbox."""

from django.core.management.base import BaseCommand, CommandError

from plcloud_sandbox import cli
from plcloud_sandbox.config import add_arguments


class Command(BaseCommand):
    help = "Run the Plcloud sandbox: Keystone v2.0 and the Plcloud CDN and ticket API, on a local SQLite file."
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        add_arguments(parser)

    def handle(self, *args, **options):
        cli.setup_logging()
        try:
            server, settings = cli.prepare(options)
        except cli.StartupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(cli.banner(server, settings))
        self.stdout.flush()
        cli.serve(server)
