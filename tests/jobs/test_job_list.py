"""/jobs/: the member's jobs only, filterable by kind, domain and state."""

from jobs.models import Job
from tests.jobs.test_job_detail import HOST, make_prefetch


def test_it_lists_only_the_members_jobs_and_filters_them(op, operator, viewer, www):
    mine = make_prefetch(operator, www, [f"{HOST}/l.js"])
    other_domain = Job.objects.create(owner=operator, kind="flush", domain_id=1, domain_name="x.example.com")
    done = Job.objects.create(owner=operator, kind="flush", domain_id=www["domainId"], state="succeeded")
    theirs = make_prefetch(viewer, www, [f"{HOST}/t.js"])

    def listed(query=""):
        page = op.get(f"/jobs/{query}")
        assert page.status_code == 200
        return {j.pk for j in page.context["page"].object_list}

    assert listed() == {mine.pk, other_domain.pk, done.pk}
    assert theirs.pk not in listed()
    assert listed("?kind=prefetch") == {mine.pk}
    assert listed(f"?domain={www['domainId']}") == {mine.pk, done.pk}
    assert listed("?state=succeeded") == {done.pk}
    assert listed("?kind=flush&state=queued") == {other_domain.pk}


def test_a_viewer_reads_the_list_and_an_outsider_does_not(client, viewer, outsider):
    client.force_login(viewer)
    assert client.get("/jobs/").status_code == 200
    client.force_login(outsider)
    assert client.get("/jobs/").status_code == 403
