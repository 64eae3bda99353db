"""A real export, written by the worker's steps from the sandbox's log: read back with the csv
module, no cell of it is one a spreadsheet would take for a formula. (The sandbox's log holds no
such value; tests/jobs/test_export_lines.py writes them.)"""

from datetime import timedelta

import pytest
from django.utils import timezone

from cdn.objects import Domain
from jobs import exports, services
from tests.jobs.conftest import file_rows, run_to_end

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(autouse=True)
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"


def test_no_cell_of_an_exported_file_starts_a_formula(operator, connect_demo, www):
    connect_demo(operator)
    end = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=2)
    window = {"log_type": "cache", "start_at": end - timedelta(minutes=5), "end_at": end}
    window |= {"status_class": "", "cache_state": "", "url_contains": ""}
    job = run_to_end(services.submit_export(user=operator, domain=Domain.from_wire(www), window=window))
    assert job.state == "succeeded"
    rows = file_rows(exports.served_path(job.export))
    assert len(rows) == 15 * 300
    assert [cell for row in rows for cell in row if cell.startswith(FORMULA_START) and cell != "-"] == []
