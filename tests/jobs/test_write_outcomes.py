"""What the panel knows about a change that failed: sent or not (the client says which), and what a
job does with each; a failed export keeps its lines for "Export again". Steps run in this process
against the real sandbox; tests/workers/ run the same with worker processes."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from cdn.objects import Domain
from connections.models import PlcloudConnection
from jobs import export_run, exports, flush_run, services
from jobs.models import Export, ItemKind, Job, Kind
from plcloud import Client, TimedOut, Unavailable
from plcloud.log_window import EDGE, utc
from tests.helpers import free_port
from tests.jobs.conftest import file_rows, run_to_end, wire_rows

HOST = "https://www.demo-shop.com"
END = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=2)


def test_a_connection_refused_is_known_not_sent_and_a_lost_answer_is_not(sandbox, clean_faults, www):
    nowhere = Client(token="never-used", endpoint=f"http://127.0.0.1:{free_port()}")
    with nowhere, pytest.raises(Unavailable) as refused:
        nowhere.cdn.cache_flush(www["domainId"], urls=[f"{HOST}/a.js"])
    assert refused.value.sent is False and "refused" in refused.value.message
    with Client(username="demo", password="secreetword", tenant_name="demo", auth_url=sandbox.auth_url) as demo:
        demo.authenticate()
        outcomes = []
        for fault in ({"drop_rate": 1.0}, {"error_rate": 1.0}):
            sandbox.clear_faults()
            sandbox.set_faults(scope="service", **fault)
            with pytest.raises(Unavailable) as lost:
                demo.cdn.cache_flush(www["domainId"], urls=[f"{HOST}/a.js"])
            outcomes.append((lost.value.sent, lost.value.status_code is None))
        assert outcomes == [(True, True), (True, False)]
    with Client(token="t", endpoint=sandbox.base_url, timeout=(1, 0.3)) as slow:
        sandbox.set_faults(latency_ms=600, scope="service")
        with pytest.raises(TimedOut) as late:
            slow.cdn.prefetch([f"{HOST}/a.js"])
    assert late.value.sent is True


def test_a_flush_that_could_not_connect_is_retried_and_goes_out_once(operator, connect_demo, www, sandbox):
    connect_demo(operator)
    endpoint = PlcloudConnection.objects.get(user=operator).endpoint
    PlcloudConnection.objects.filter(user=operator).update(endpoint=f"http://127.0.0.1:{free_port()}")
    job = services.create_job(
        user=operator, kind=Kind.FLUSH, domains=[Domain.from_wire(www)], items=[(f"{HOST}/r.js", ItemKind.URL)]
    )
    assert flush_run.flush_step(job.pk, owner="w") is not None  # due again: nothing reached Plcloud
    job.refresh_from_db()
    assert (job.state, job.error) == ("running", "Retrying: Plcloud is not reachable right now.")
    PlcloudConnection.objects.filter(user=operator).update(endpoint=endpoint)
    sandbox.forget_requests()
    assert flush_run.flush_step(job.pk, owner="w") is None
    job.refresh_from_db()
    assert job.state == "succeeded" and len(job.upstream_ids) == 1
    assert len(sandbox.calls("PUT", "/cdn/cache_flush")) == 1


def test_only_an_operator_decides_about_a_call_and_only_once(client, viewer, operator, www, connect_demo):
    connect_demo(viewer)
    job = services.create_job(
        user=viewer, kind=Kind.FLUSH, domains=[Domain.from_wire(www)], items=[(f"{HOST}/v.js", ItemKind.URL)]
    )
    sending = {"call": 0, "calls": 1, "items": list(job.items.values_list("pk", flat=True))}
    Job.objects.filter(pk=job.pk).update(state="attention", sending=sending, error="Plcloud did not answer.")
    client.force_login(viewer)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Call 1 of 1" in page and "An operator decides whether to send it again." in page
    assert 'id="job-resend"' not in page
    assert client.post(f"/jobs/{job.pk}/resend/").status_code == 403
    assert client.post(f"/jobs/{job.pk}/skip/").status_code == 403
    assert Job.objects.get(pk=job.pk).state == "attention"
    connect_demo(operator)
    client.force_login(operator)
    mine = services.create_job(
        user=operator, kind=Kind.FLUSH, domains=[Domain.from_wire(www)], items=[(f"{HOST}/o.js", ItemKind.URL)]
    )
    assert client.post(f"/jobs/{mine.pk}/resend/").status_code == 302  # not waiting for a decision: refused
    refused = AuditEntry.objects.get(action="jobs.flush.resend")
    assert (refused.outcome, Job.objects.get(pk=mine.pk).state) == ("failed", "queued")


def test_a_failed_export_keeps_its_lines_and_export_again_carries_on_from_them(
    settings, tmp_path, operator, connect_demo, www, demo, sandbox, clean_faults, op, monkeypatch,
    django_capture_on_commit_callbacks, log_answers,
):  # fmt: skip
    settings.EXPORT_ROOT = tmp_path / "exports"
    settings.JOB_MAX_BAD_READS = 1
    monkeypatch.setattr(exports, "PAGE_SIZE", 1000)
    monkeypatch.setattr(export_run, "EXPORT_SLICE", 0)  # one page a step
    connect_demo(operator)
    window = {"log_type": "cache", "start_at": END - timedelta(minutes=10), "end_at": END}
    job = services.submit_export(user=operator, domain=Domain.from_wire(www), window=window)
    assert export_run.export_step(job.pk, owner="w") is not None
    sandbox.set_faults(malformed_rate=1.0, scope="service")
    assert export_run.export_step(job.pk, owner="w") is None
    job.refresh_from_db()
    kept = Export.objects.get(job=job)
    assert 0 < kept.rows < 9000 and exports.part_path(kept).exists()
    assert job.state == "failed" and "could not be read" in job.error
    sandbox.clear_faults()
    assert "The lines written so far are kept until" in op.get(f"/jobs/{job.pk}/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # the file moves once the new job is saved
        again = services.retry_export(user=operator, job=job)
    log_answers.clear()
    again = run_to_end(again)
    assert again.state == "succeeded"
    # Nothing kept was read again: the first call asked for the kept slice's next page, or the next slice.
    first = parse_qs(urlsplit(log_answers[0].url).query)
    assert first.get("marker") == ([kept.marker] if kept.marker else None)
    assert utc(first["start_at"][0]) == kept.covered_until - EDGE
    assert file_rows(exports.final_path(again.export)) == wire_rows(demo, www, window)
    assert not exports.part_path(kept).exists() and Export.objects.get(job=job).committed_bytes == 0
