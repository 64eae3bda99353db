"""/jobs/<id>/download/ and /cancel/: an export's file goes to the members of its tenant, while it
lasts; cancelling or running again a teammate's export takes an operator."""

import gzip
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from cdn.objects import Domain
from jobs import services
from jobs.models import Export
from tests.jobs.conftest import run_to_end


@pytest.fixture(autouse=True)
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"


@pytest.fixture
def export_job(operator, connect_demo, www):
    connect_demo(operator)
    end = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)
    window = {"log_type": "cache", "start_at": end - timedelta(minutes=1), "end_at": end}
    return services.submit_export(user=operator, domain=Domain.from_wire(www), window=window)


def test_the_owner_downloads_the_whole_file(op, export_job):
    job = run_to_end(export_job)
    page = op.get(f"/jobs/{job.pk}/").content.decode()
    assert f'href="/jobs/{job.pk}/download/"' in page and "900" in page
    response = op.get(f"/jobs/{job.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/gzip"
    assert "www.demo-shop.com-cache-" in response["Content-Disposition"]
    lines = gzip.decompress(b"".join(response.streaming_content)).decode().splitlines()
    assert len(lines) == 1 + 15 * 60
    assert AuditEntry.objects.filter(action="jobs.export.download", object_id=str(job.pk)).exists()


def test_a_viewer_of_the_tenant_reads_and_downloads_it_but_only_an_operator_acts_on_it(
    client, viewer, connect_demo, export_job, tina
):
    connect_demo(viewer)
    client.force_login(viewer)
    page = client.get(f"/jobs/{export_job.pk}/").content.decode()
    assert "Log export job" in page and "otto" in page  # who made it
    assert 'id="export-cancel"' not in page  # not theirs to cancel
    assert client.get(f"/jobs/{export_job.pk}/progress/").status_code == 200
    assert client.post(f"/jobs/{export_job.pk}/cancel/").status_code == 403
    assert client.post(f"/jobs/{export_job.pk}/retry/").status_code == 403
    job = run_to_end(export_job)
    assert job.state == "succeeded" and not job.export.cancel_requested
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert f'href="/jobs/{job.pk}/download/"' in page and "Export again" not in page
    response = client.get(f"/jobs/{job.pk}/download/")
    assert response.status_code == 200
    assert len(gzip.decompress(b"".join(response.streaming_content)).decode().splitlines()) == 1 + 15 * 60
    downloaded = AuditEntry.objects.get(action="jobs.export.download")
    assert (downloaded.actor_name, downloaded.tenant_id) == ("vera", job.tenant_id)
    # A member of another Plcloud account: as if it did not exist.
    client.force_login(tina)
    for url in ("", "progress/", "download/"):
        assert client.get(f"/jobs/{job.pk}/{url}").status_code == 404
    assert client.post(f"/jobs/{job.pk}/cancel/").status_code == 404
    assert client.post(f"/jobs/{job.pk}/retry/").status_code == 404
    assert job.owner.jobs.count() == 1 and not tina.jobs.exists()


def test_a_running_or_expired_export_has_nothing_to_download(op, export_job):
    response = op.get(f"/jobs/{export_job.pk}/download/", follow=True)
    assert "This export has no file to download" in response.content.decode()
    job = run_to_end(export_job)
    Export.objects.filter(job=job).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = op.get(f"/jobs/{job.pk}/download/", follow=True)
    assert "This export has no file to download" in response.content.decode()


def test_cancel_then_export_again(op, operator, export_job):
    response = op.post(f"/jobs/{export_job.pk}/cancel/", follow=True)
    page = response.content.decode()
    assert "Export cancelled." in page and "Export again" in page
    response = op.post(f"/jobs/{export_job.pk}/retry/")
    child = operator.jobs.exclude(pk=export_job.pk).get()
    assert response["Location"] == f"/jobs/{child.pk}/"
    assert (child.parent_id, child.export.start_at) == (export_job.pk, export_job.export.start_at)


def test_the_notifications_page_links_the_ended_job(op, export_job):
    job = run_to_end(export_job)
    page = op.get("/tickets/notifications/").content.decode()
    assert f'href="/jobs/{job.pk}/">Log export job {job.pk} ended: Succeeded</a>' in page
    op.get(f"/jobs/{job.pk}/")
    assert "No unread notifications." in op.get("/tickets/notifications/").content.decode()


def test_download_urls_take_only_a_job_id(op, export_job):
    run_to_end(export_job)
    for path in ("..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "1%2F..%2F2", "..", f"{export_job.pk}%00"):
        assert op.get(f"/jobs/{path}/download/").status_code == 404
