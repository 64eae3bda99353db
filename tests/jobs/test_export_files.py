"""Export files hold visitors' addresses and URLs: the folders are 0700 and the files 0600,
whatever the umask of the worker that writes them."""

import os
import stat
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import timezone

from cdn.objects import Domain
from jobs import exports, services, tasks

END = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=2)


@contextmanager
def umask(mask: int):
    """This process's umask for the block; a process started in it keeps it."""
    before = os.umask(mask)
    try:
        yield
    finally:
        os.umask(before)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "media" / "exports"
    return settings.EXPORT_ROOT


@pytest.fixture
def export_job(operator, connect_demo, www):
    connect_demo(operator)
    window = {"log_type": "cache", "start_at": END - timedelta(minutes=5), "end_at": END}
    return services.submit_export(user=operator, domain=Domain.from_wire(www), window=window)


def test_an_export_written_by_its_task_under_umask_022_is_readable_by_the_panel_only(export_root, export_job):
    with umask(0o022):
        tasks.run_export.apply(args=[export_job.pk])
    export_job.refresh_from_db()
    assert export_job.state == "succeeded"
    path = exports.served_path(export_job.export)
    assert (mode(path), mode(path.parent), mode(export_root)) == (0o600, 0o700, 0o700)


def test_folders_and_a_part_file_left_wider_by_an_older_version_are_narrowed(export_root, export_job, operator):
    with umask(0o022):
        part = exports.part_path(export_job.export)
        part.parent.mkdir(parents=True)
        part.touch()  # an empty part, as a run that died before its first page leaves it
        assert (mode(export_root), mode(part.parent), mode(part)) == (0o755, 0o755, 0o644)
        tasks.run_export.apply(args=[export_job.pk])
    export_job.refresh_from_db()
    assert export_job.state == "succeeded" and not part.exists()
    path = exports.served_path(export_job.export)
    assert (mode(path), mode(path.parent), mode(export_root)) == (0o600, 0o700, 0o700)
