"""Make sure a fresh install has one administrator and tell the person at the terminal how to sign in."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

USERNAME = "admin"


class Command(BaseCommand):
    help = "Create the quick start's 'admin' account once and print its sign-in."

    def handle(self, *args, **options):
        # Like an installer's initial password: kept only on this machine, readable by its owner,
        # and printed only while it still works.
        login_file = settings.VAR_DIR / "quickstart-login"
        users = get_user_model()
        if not users.objects.filter(is_superuser=True).exists():
            password = secrets.token_urlsafe(12)
            users.objects.create_superuser(USERNAME, email="", password=password)
            login_file.parent.mkdir(parents=True, exist_ok=True)
            login_file.write_text(password)
            login_file.chmod(0o600)
        user = users.objects.filter(username=USERNAME).first()
        saved = login_file.read_text().strip() if login_file.exists() else ""
        if user and saved and user.check_password(saved):
            self.stdout.write(f"  Panel login: user {USERNAME}, password {saved}")
        else:
            self.stdout.write("  Panel login: your administrator account (the first password was changed).")
