import pytest
from django.core.cache import cache

pytest_plugins = ["tests.panel_fixtures", "tests.secret_scan", "tests.worker_fixtures", "tests.report"]


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
