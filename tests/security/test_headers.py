"""What every answer says to caches and to the browser: no copy of a signed-in member's pages or
downloads anywhere (Cache-Control: no-store), static files still cacheable, and a
Permissions-Policy denying the browser features the panel never uses."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cdn.objects import Domain
from jobs import services
from tests.jobs.conftest import run_to_end
from tests.security.every_url import every_endpoint

DENIED = ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()")


def never_cached(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def denies_features(response) -> bool:
    policy = response.get("Permissions-Policy", "")
    return all(feature in policy.split(", ") for feature in DENIED)


def test_a_signed_in_page_is_never_cached_and_denies_features(op):
    response = op.get("/jobs/")
    assert response.status_code == 200
    assert never_cached(response) and denies_features(response)
    assert "private" in response["Cache-Control"]


@pytest.fixture
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"


def test_a_download_is_never_cached(op, operator, www, export_root):
    end = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)
    window = {"log_type": "cache", "start_at": end - timedelta(minutes=1), "end_at": end}
    job = run_to_end(services.submit_export(user=operator, domain=Domain.from_wire(www), window=window))
    response = op.get(f"/jobs/{job.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/gzip"
    assert never_cached(response) and denies_features(response)


def test_the_sign_in_page_is_never_cached_and_denies_features(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert never_cached(response) and denies_features(response)


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_static_file_stays_cacheable_and_denies_features(settings, viewer, signed_in):
    settings.WHITENOISE_USE_FINDERS = True  # served from static/, as collectstatic would place it
    client = Client()
    if signed_in:
        client.force_login(viewer)
    response = client.get("/static/css/panel.css")
    assert response.status_code == 200
    assert not never_cached(response)
    assert denies_features(response)


def test_every_url_answered_to_a_signed_in_member_is_never_cached(admin, connect_demo, demo):
    connect_demo(admin)
    client = Client()
    client.force_login(admin)
    endpoints, _ = every_endpoint({"domain_id": str(demo.cdn.list()[0]["domainId"])})
    cached = []
    for endpoint in endpoints:
        response = client.get(endpoint.url)
        if not (never_cached(response) and denies_features(response)):
            cached.append(f"{endpoint.url}: {response.status_code} {response.get('Cache-Control')}")
    assert cached == []


def test_health_says_no_store_itself_and_denies_features(client, db):
    response = client.get("/health/")
    assert response["Cache-Control"] == "no-store"
    assert denies_features(response)
