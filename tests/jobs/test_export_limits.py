"""Export limits (jobs.limits): exports a member may have at once, bytes a member may export a day,
and the export folder's budget. A refusal says why beside the button, keeps the window, queues
nothing and is audited as failed; a running export stops before it passes the folder's budget."""

import threading
from contextlib import suppress
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import AuditEntry
from cdn.objects import Domain
from cdn.units import data_size
from jobs import services
from jobs.errors import Refused
from jobs.models import Job
from tests.jobs.conftest import run_to_end
from tests.report import count

END = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=2)
LINE = "exports"
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"
    return settings.EXPORT_ROOT


def window(minutes: int = 10) -> dict:
    return {"log_type": "cache", "start_at": END - timedelta(minutes=minutes), "end_at": END}


def form(minutes: int = 10) -> dict:
    w = window(minutes)
    return {"log_type": "cache", "start_at": f"{w['start_at']:%Y-%m-%dT%H:%M}", "end_at": f"{END:%Y-%m-%dT%H:%M}"}


def refused(answer) -> str:
    """The refusal beside the export button (the page answers 429), or ""; counted for the report."""
    page = answer.content.decode()
    if answer.status_code != 429:
        return ""
    count(LINE, "exports refused past the limit")
    return page.split('id="export-refused">', 1)[1].split("</p>", 1)[0]


def export_jobs(user):
    return Job.objects.filter(owner=user, kind="export")


def test_a_viewer_queuing_ten_month_long_exports_at_once_gets_two_and_is_told_why(client, viewer, connect_demo, www):
    connect_demo(viewer)
    client.force_login(viewer)
    answers = [client.post(f"/cdn/{www['domainId']}/logs/export/", form(minutes=31 * 24 * 60)) for _ in range(10)]
    assert [a.status_code for a in answers] == [302, 302] + [429] * 8
    assert export_jobs(viewer).count() == 2
    reason = (
        "You already have 2 exports that have not ended (queued, running or waiting), the most a member may have "
        "at once. Wait for one to end, or cancel one, then export again."
    )
    assert [refused(answer) for answer in answers[2:]] == [reason] * 8
    page = answers[-1].content.decode()
    assert f'value="{form(31 * 24 * 60)["start_at"]}"' in page  # the window is kept, the button still there
    assert "Export this window as CSV" in page
    audit = AuditEntry.objects.filter(action="jobs.export", actor=viewer)
    assert audit.filter(outcome="failed").count() == 8 and audit.filter(outcome="ok").count() == 2


def test_running_and_waiting_exports_count_and_ended_ones_free_a_place(op, operator, www):
    first, second = (
        services.submit_export(user=operator, domain=Domain.from_wire(www), window=window()) for _ in range(2)
    )
    Job.objects.filter(pk=first.pk).update(state="running")
    Job.objects.filter(pk=second.pk).update(state="waiting")
    assert refused(op.post(f"/cdn/{www['domainId']}/logs/export/", form())).startswith("You already have 2 exports")
    assert export_jobs(operator).count() == 2
    Job.objects.filter(pk=first.pk).update(state="failed")
    assert op.post(f"/cdn/{www['domainId']}/logs/export/", form()).status_code == 302
    assert export_jobs(operator).count() == 3


def test_an_export_that_crosses_the_daily_bytes_finishes_and_the_next_waits_a_day(op, operator, www, settings):
    settings.EXPORT_DAILY_MB = 1
    big = run_to_end(
        services.submit_export(user=operator, domain=Domain.from_wire(www), window=window(minutes=60)), timeout=120
    )
    assert big.state == "succeeded" and big.export.size > MB  # not stopped: see jobs.limits
    answer = op.post(f"/cdn/{www['domainId']}/logs/export/", form())
    assert refused(answer) == (
        f"Your exports of the last 24 hours take {data_size(big.export.size)}; a member may export "
        f"{data_size(MB)} a day. Export again once some of them are more than 24 hours old."
    )
    assert export_jobs(operator).count() == 1
    Job.objects.filter(pk=big.pk).update(created_at=timezone.now() - timedelta(hours=24, minutes=1))
    assert op.post(f"/cdn/{www['domainId']}/logs/export/", form()).status_code == 302


def test_export_again_is_refused_past_the_limit_with_the_reason_on_the_job_page(op, operator, www):
    ended = services.submit_export(user=operator, domain=Domain.from_wire(www), window=window())
    services.cancel_export(user=operator, job=ended)
    for _ in range(2):
        services.submit_export(user=operator, domain=Domain.from_wire(www), window=window())
    answer = op.post(f"/jobs/{ended.pk}/retry/", follow=True)
    assert answer.redirect_chain == [(f"/jobs/{ended.pk}/", 302)]
    assert "You already have 2 exports that have not ended" in answer.content.decode()
    count(LINE, "exports refused past the limit")
    assert not Job.objects.filter(parent=ended).exists() and export_jobs(operator).count() == 3
    entry = AuditEntry.objects.get(action="jobs.export.retry")
    assert (entry.outcome, entry.object_id) == ("failed", str(ended.pk))


def test_a_full_export_folder_refuses_new_exports_for_everyone(op, operator, www, settings, export_root):
    settings.EXPORT_DISK_BUDGET_MB = 1
    other = export_root / "999"
    other.mkdir(parents=True)
    (other / "job-1.csv.gz").write_bytes(b"\0" * MB)
    assert refused(op.post(f"/cdn/{www['domainId']}/logs/export/", form())) == (
        f"The export folder is full: its files take {data_size(MB)} of the {data_size(MB)} "
        "the panel may use. Files are deleted 72 hours after their export ends; try again later."
    )
    assert not export_jobs(operator).exists()
    assert AuditEntry.objects.get(action="jobs.export").outcome == "failed"
    (other / "job-1.csv.gz").unlink()
    assert op.post(f"/cdn/{www['domainId']}/logs/export/", form()).status_code == 302


def test_a_running_export_stops_before_the_folder_passes_its_budget(op, operator, www, settings, export_root):
    settings.EXPORT_DISK_BUDGET_MB = 1
    job = run_to_end(
        services.submit_export(user=operator, domain=Domain.from_wire(www), window=window(minutes=60)), timeout=120
    )
    assert job.state == "failed"
    message = (
        f"The export stopped: its file would take the export folder past the {data_size(MB)} it may use. "
        "Export a shorter window or fewer entries, or try again once older exports have expired."
    )
    assert job.error == message
    assert 0 < job.export.committed_bytes <= MB  # it wrote pages, and stopped before the budget
    assert [p for p in export_root.rglob("*") if p.is_file()] == []  # its part is gone: the room is free again
    page = op.get(f"/jobs/{job.pk}/").content.decode()
    assert message in page
    assert "Export again" in page


@pytest.mark.django_db(transaction=True)
def test_two_submits_at_once_cannot_both_pass_the_limit(settings, operator, connect_demo, www):
    """Each submit waits after counting for the other to count too (up to 3 s): without the lock
    on the member both would count no export and both would queue one."""
    settings.EXPORT_MAX_ACTIVE = 1
    connect_demo(operator)
    counted = threading.Barrier(2, timeout=3)

    def meet_after_counting(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith("SELECT COUNT(") and "jobs_job" in sql:
            with suppress(threading.BrokenBarrierError):
                counted.wait()
        return result

    outcomes = []

    def submit():
        try:
            with connection.execute_wrapper(meet_after_counting):
                services.submit_export(user=operator, domain=Domain.from_wire(www), window=window())
            outcomes.append("queued")
        except Refused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["queued", "refused"]
    count(LINE, "exports refused past the limit")
    assert export_jobs(operator).count() == 1
