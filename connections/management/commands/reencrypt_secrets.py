"""After adding a new key at the front of PANEL_ENCRYPTION_KEYS: re-encrypt every stored secret
under it, so the old key can then be removed."""

from django.core.management.base import BaseCommand
from django.db import transaction

from alerts.services import reencrypt_channels
from connections.services import reencrypt_all


class Command(BaseCommand):
    help = "Re-encrypt every stored Plcloud token and password, and every alert channel, under the newest key."

    def handle(self, *args, **options):
        with transaction.atomic():
            done, unreadable = reencrypt_all()
            channels, unreadable_channels = reencrypt_channels()
        self.stdout.write(f"re-encrypted {done} connection(s); {unreadable} could not be read (members must reconnect)")
        self.stdout.write(
            f"re-encrypted {channels} alert channel(s); {unreadable_channels} could not be read (add them again)"
        )
