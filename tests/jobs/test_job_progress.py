"""/jobs/<id>/progress/: the partial htmx polls; 286 once the job has ended, so polling stops."""

from tests.jobs.conftest import run_to_end
from tests.jobs.test_job_detail import HOST, make_prefetch


def test_it_answers_200_while_running_and_286_once_ended(op, operator, www):
    job = make_prefetch(operator, www, [f"{HOST}/g-ok.js", f"{HOST}/g-404.js"])
    running = op.get(f"/jobs/{job.pk}/progress/", headers={"HX-Request": "true"})
    assert running.status_code == 200 and "Queued" in running.content.decode()
    run_to_end(job)
    ended = op.get(f"/jobs/{job.pk}/progress/", headers={"HX-Request": "true"})
    assert ended.status_code == 286
    body = ended.content.decode()
    assert "100%" in body and "The origin answered HTTP 404." in body and "<html" not in body
