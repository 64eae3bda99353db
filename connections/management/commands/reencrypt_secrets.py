"""After adding a new key at the front of PANEL_ENCRYPTION_KEYS: re-encrypt every stored secret
under it, so the old key can then be removed."""

from django.core.management.base import BaseCommand
from django.db import transaction

from connections.services import reencrypt_all


class Command(BaseCommand):
    help = "Re-encrypt every stored Plcloud token and password under the newest key."

    def handle(self, *args, **options):
        with transaction.atomic():
            done, unreadable = reencrypt_all()
        self.stdout.write(f"re-encrypted {done} connection(s); {unreadable} could not be read (members must reconnect)")
