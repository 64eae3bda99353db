"""Request-log exports run by the worker's steps in this process, against the real sandbox."""

import gzip
from datetime import timedelta

import pytest
from django.utils import timezone

from cdn.objects import Domain
from jobs import export_run, exports, runner, services, tasks
from jobs.models import Export, Job
from notifications.models import Notification
from plcloud.log_window import Sizing
from tests.jobs.conftest import file_rows, run_to_end, wire_rows


@pytest.fixture(params=["default", "sdk"])
def sandbox(request, sandbox):
    """Every test here against both wire profiles: the sandbox's paging, and the SDK's one list."""
    return sandbox if request.param == "default" else request.getfixturevalue("sdk_sandbox")


@pytest.fixture(autouse=True)
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"
    return settings.EXPORT_ROOT


# One end for the whole module: a window computed again later in a test must be the same window,
# even when a minute has turned in between (a test that read the wire a minute later failed CI).
END = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=2)


def window(minutes: int = 10, **filters) -> dict:
    base = {"log_type": "cache", "start_at": END - timedelta(minutes=minutes), "end_at": END}
    return {"status_class": "", "cache_state": "", "url_contains": "", **base, **filters}


def export_rows(job: Job) -> list[list[str]]:
    return file_rows(exports.served_path(Export.objects.get(job=job)))


def whole_window(demo, www, w: dict) -> list[list[str]]:
    """The window in one answer, as the SDK's call reads it (at most 10,000 entries, so one answer
    in both profiles), as CSV rows."""
    entries = demo.cdn.request_log(www["domainId"], w["log_type"], w["start_at"], w["end_at"], limit=10_000)
    assert len(entries) < 10_000
    return [[str(e[c]) for c in exports.COLUMNS] for e in entries]


@pytest.fixture
def exporter(operator, connect_demo, www):
    connect_demo(operator)

    def submit(**w):
        return services.submit_export(user=operator, domain=Domain.from_wire(www), window=window(**w))

    return submit


def test_it_writes_every_entry_of_the_window_in_order(exporter, demo, www):
    job = run_to_end(exporter())
    assert (job.state, job.progress) == ("succeeded", 100)
    expected = wire_rows(demo, www, window())
    assert len(expected) == 15 * 600  # the busy seeded domain logs 15 entries a second
    assert export_rows(job) == expected
    export = job.export
    assert (export.rows, export.scanned) == (9000, 9000)
    assert export.expires_at > timezone.now() + timedelta(hours=71)
    assert not exports.part_path(export).exists()


def test_it_applies_the_log_pages_filters(exporter, demo, www):
    job = run_to_end(exporter(status_class="4xx", url_contains=".JS"))
    expected = wire_rows(demo, www, window(status_class="4xx", url_contains=".JS"))
    assert 0 < len(expected) < 9000
    assert all(row[4].startswith("4") and ".js" in row[3].lower() for row in expected)
    assert export_rows(job) == expected
    assert job.export.scanned == 9000


def test_a_run_that_dies_mid_file_resumes_without_repeating_a_line(exporter, demo, www, monkeypatch):
    monkeypatch.setattr(exports, "PAGE_SIZE", 1000)
    monkeypatch.setattr(export_run, "EXPORT_SLICE", 0)  # one page a step
    job = exporter()
    assert export_run.export_step(job.pk, owner="first") is not None  # not done: another slice is due
    export = Export.objects.get(job=job)
    assert 0 < export.rows < 9000 and export.covered_until is not None
    # The worker died while writing its next page: bytes after the checkpoint, lease still held.
    with open(exports.part_path(export), "ab") as part:
        part.write(gzip.compress(b"half,a,page\n")[:15])
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    job = run_to_end(job)
    assert job.state == "succeeded"
    assert export_rows(job) == wire_rows(demo, www, window())


def test_a_step_that_lost_its_lease_writes_nothing_more(exporter, monkeypatch):
    monkeypatch.setattr(exports, "PAGE_SIZE", 1000)
    job = exporter()
    Job.objects.filter(pk=job.pk).update(lease_owner="other", lease_until=timezone.now() + timedelta(minutes=5))
    assert export_run.export_step(job.pk, owner="me") is None
    assert Export.objects.get(job=job).rows == 0


def test_cancelling_a_queued_export_ends_it_at_once(exporter, operator):
    job = exporter()
    assert services.cancel_export(user=operator, job=job) is True
    job.refresh_from_db()
    assert job.state == "cancelled"
    assert export_run.export_step(job.pk, owner="late") is None  # a task still queued does nothing


def test_cancelling_a_running_export_stops_it_at_the_next_page_and_deletes_the_part(exporter, operator, monkeypatch):
    monkeypatch.setattr(exports, "PAGE_SIZE", 1000)
    monkeypatch.setattr(export_run, "EXPORT_SLICE", 0)
    job = exporter()
    export_run.export_step(job.pk, owner="w")
    assert exports.part_path(job.export).exists()
    assert services.cancel_export(user=operator, job=job) is False  # the worker holds it
    assert export_run.export_step(job.pk, owner="w") is None
    job.refresh_from_db()
    assert job.state == "cancelled"
    assert not exports.part_path(job.export).exists() and not exports.final_path(job.export).exists()
    with pytest.raises(services.Refused):
        services.cancel_export(user=operator, job=job)


def test_an_export_past_its_deadline_fails_and_keeps_no_file(exporter):
    job = exporter()
    Job.objects.filter(pk=job.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    job = run_to_end(job)
    assert job.state == "failed" and "deadline" in job.error
    assert not exports.part_path(job.export).exists() and not exports.final_path(job.export).exists()


def test_a_deleted_domain_fails_the_export_with_plclouds_reason(exporter):
    job = exporter()
    Job.objects.filter(pk=job.pk).update(domain_id="999999", domain_ref=999999)
    job = run_to_end(job)
    assert job.state == "failed" and "no such object" in job.error


def test_expired_files_are_deleted_and_their_rows_stay(exporter):
    job = run_to_end(exporter(minutes=1))
    path = exports.served_path(job.export)
    Export.objects.filter(job=job).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert tasks.expire_exports() == 1
    export = Export.objects.get(job=job)
    assert export.expired and not path.exists() and not export.downloadable
    assert tasks.expire_exports() == 0


def test_the_member_is_notified_once_when_a_job_ends(exporter, operator):
    job = run_to_end(exporter(minutes=1))
    runner.finish(job)  # a redelivered task ending it again
    notices = Notification.objects.filter(user=operator)
    assert [(n.job_id, n.summary) for n in notices] == [(job.pk, "www.demo-shop.com")]


@pytest.mark.parametrize("name", ["../../outside.csv.gz", "/etc/passwd", "%2e%2e/x.csv.gz", "link.csv.gz"])
def test_a_file_name_outside_the_export_folder_or_a_symlink_is_never_served(exporter, export_root, tmp_path, name):
    job = run_to_end(exporter(minutes=1))
    (tmp_path / "outside.csv.gz").write_bytes(b"secret")
    export_root.joinpath("link.csv.gz").symlink_to(tmp_path / "outside.csv.gz")
    Export.objects.filter(job=job).update(file_name=name)
    assert exports.served_path(Export.objects.get(job=job)) is None


def test_it_writes_exactly_the_windows_entries_once_each_across_slice_boundaries(exporter, demo, www, monkeypatch):
    # Slices of about a second (15 entries): every whole second of the window is a slice boundary.
    monkeypatch.setattr(exports, "FIRST_SLICE_SECONDS", 1)
    monkeypatch.setattr(exports, "PAGE_SIZE", 20)
    job = run_to_end(exporter())
    expected = whole_window(demo, www, window())
    assert len(expected) == 15 * 600
    assert [row for row in expected if row[0].endswith(".000Z")]  # entries exactly on a boundary (about 9)
    lines = export_rows(job)
    assert lines == expected and len(set(map(tuple, lines))) == len(lines)
    assert (job.export.rows, job.export.scanned) == (9000, 9000)


def test_no_answer_holds_more_than_the_clients_cap_whatever_the_window(exporter, www, log_answers):
    job = run_to_end(exporter(minutes=120), timeout=120)
    assert (job.state, job.export.rows) == ("succeeded", 15 * 7200)
    assert len(log_answers) >= 15 * 7200 / exports.PAGE_SIZE
    assert max(answer.raw.tell() for answer in log_answers) <= Sizing().max_bytes


def test_a_step_checkpoints_the_end_of_the_last_slice_written_and_the_page_shows_the_share(
    exporter, op, monkeypatch
):  # fmt: skip
    monkeypatch.setattr(export_run, "EXPORT_SLICE", 0)  # one answer a step
    job = exporter(minutes=60)
    export_run.export_step(job.pk, owner="w")
    export = Export.objects.get(job=job)
    start = END - timedelta(minutes=60)
    assert export.covered_until == start + timedelta(seconds=exports.FIRST_SLICE_SECONDS)
    assert (export.rows, export.marker) == (15 * exports.FIRST_SLICE_SECONDS, "")
    page = op.get(f"/jobs/{job.pk}/").content.decode()
    assert 'id="job-percent">8%<' in page  # five minutes of sixty
    assert f"{timezone.localtime(export.covered_until):%Y-%m-%d %H:%M:%S}" in page


def test_a_checkpoint_from_before_time_slices_starts_the_file_over(exporter, demo, www, monkeypatch):
    monkeypatch.setattr(export_run, "EXPORT_SLICE", 0)
    job = exporter()
    export_run.export_step(job.pk, owner="w")
    # As an export checkpointed by an older panel left it: a marker of the whole window's pages.
    Export.objects.filter(job=job).update(covered_until=None, marker="MTIzLmNhY2hlLjQ1Ng", slice_seconds=0)
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    job = run_to_end(job)
    assert job.state == "succeeded"
    assert export_rows(job) == whole_window(demo, www, window())
