"""Notification moved from tickets to its own app without touching its table: the models and the
migrations agree, a new database migrates, and a panel migrated before the move keeps its rows."""

import os
import subprocess
import sys

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notifications.models import Notification
from tests.helpers import PROJECT_ROOT

BEFORE = [("tickets", "0004_tenant"), ("notifications", None)]


def test_the_models_need_no_new_migration(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_an_empty_database_migrates(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    shell = "from notifications.models import Notification; print(Notification.objects.count())"
    for command in (["migrate", "--noinput", "-v", "0"], ["shell", "-c", shell]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "0"


@pytest.mark.django_db(transaction=True)
def test_a_database_migrated_before_the_move_keeps_its_notifications(operator):
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    ContentType.objects.get_for_model(Notification)  # as a panel that ran before the move has it
    ContentType.objects.filter(app_label="notifications").update(app_label="tickets")
    executor.migrate(BEFORE)
    old = MigrationExecutor(connection).loader.project_state(BEFORE[:1]).apps.get_model("tickets", "Notification")
    old.objects.create(user_id=operator.pk, tenant_id="t-1", ticket_id="tk-1", summary="Slow origin", reply_count=2)
    MigrationExecutor(connection).migrate(leaves)
    ContentType.objects.clear_cache()
    moved = Notification.objects.get(user=operator)
    assert (moved.tenant_id, moved.ticket_id, moved.summary, moved.reply_count) == ("t-1", "tk-1", "Slow origin", 2)
    assert ContentType.objects.get_for_model(Notification).app_label == "notifications"
    assert not ContentType.objects.filter(app_label="tickets", model="notification").exists()
