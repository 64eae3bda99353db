"""Production settings pass Django's deployment checks; the quick start's defaults do not need to."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Variables of a developer's shell (or of the browser tests, for async) that change what is checked.
OURS = (
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "PANEL_HTTPS",
    "PANEL_BEHIND_PROXY",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "CACHE_URL",
)
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "panel.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://panel.example.com",
    "PANEL_HTTPS": "1",
    "PANEL_BEHIND_PROXY": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    # Checked, not connected to.
    "CACHE_URL": "redis://127.0.0.1:6379/1",
}


def check_deploy(tmp_path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in OURS}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, "PANEL_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_passes_the_deployment_checks_with_the_production_settings(tmp_path):
    result = check_deploy(tmp_path, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_quick_start_defaults_are_for_plain_http_and_say_so(tmp_path):
    result = check_deploy(tmp_path)
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016", "ops.W001"):
        assert warning in result.stderr


def test_it_warns_when_several_processes_would_not_share_sessions_and_cached_reads(tmp_path):
    per_process = {k: v for k, v in PRODUCTION.items() if k != "CACHE_URL"}
    result = check_deploy(tmp_path, **per_process)
    assert result.returncode != 0
    assert "ops.W001" in result.stderr and "CACHE_URL" in result.stderr


def test_hsts_is_a_separate_opt_in(tmp_path):
    https_only = {k: v for k, v in PRODUCTION.items() if not k.startswith("SECURE_HSTS")}
    result = check_deploy(tmp_path, **https_only)
    assert result.returncode != 0
    assert "security.W004" in result.stderr
    for warning in ("security.W008", "security.W012", "security.W016"):
        assert warning not in result.stderr
