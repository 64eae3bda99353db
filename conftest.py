import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

# tests.report first: the secret scan imports it, and a plugin imported before it is loaded as one
# is not assert-rewritten.
pytest_plugins = ["tests.report", "tests.panel_fixtures", "tests.secret_scan", "tests.worker_fixtures"]


def pytest_configure(config):
    """Under pytest-xdist, each worker process queues the tasks it sends on the embedded transport
    in a folder of its own (under the run's), and so do the panel and worker processes it starts."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not django_settings.CELERY_BROKER_URL.startswith("filesystem"):
        return
    from plcloud_panel.celery import app

    folder = Path(django_settings.BROKER_FOLDER) / worker
    options = {**django_settings.CELERY_BROKER_TRANSPORT_OPTIONS}
    for key, name in (("data_folder_in", "queue"), ("data_folder_out", "queue"), ("control_folder", "control")):
        options[key] = str(folder / name)
        (folder / name).mkdir(parents=True, exist_ok=True)
    os.environ["CELERY_BROKER_FOLDER"] = str(folder)
    django_settings.BROKER_FOLDER = folder
    django_settings.CELERY_BROKER_TRANSPORT_OPTIONS = app.conf.CELERY_BROKER_TRANSPORT_OPTIONS = options


@pytest.fixture(scope="session")
def django_db_modify_db_settings():
    """The test database is named with this process's id, so that runs side by side (two
    worktrees, CI beside a developer, parallel workers: each its own process) never create or drop
    each other's. On SQLite it is a file, not memory, so that a worker process a test starts sees it.
    (pytest-django's hook, run just before the test database is made.)"""
    database = django_settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        django_settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        name = str(django_settings.VAR_DIR / f"test-panel-{os.getpid()}.sqlite3")
    else:
        name = f"test_{database['NAME']}_{os.getpid()}"
    database.setdefault("TEST", {})["NAME"] = name


@pytest.fixture(scope="session", autouse=True)
def _static_root():
    """WhiteNoise serves STATIC_ROOT, which collectstatic makes; the tests collect nothing (pages
    render without the manifest, below), so on a fresh checkout it is made, empty, not warned about."""
    django_settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # A fast hasher: the tests sign in hundreds of times, and hashing strength is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Cached reads are keyed by member id, and ids come round again from one test to the next.
    cache.clear()
    # The manifest storage needs collectstatic first; tests render pages without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
