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


def test_the_domain_filter_offers_the_members_domains_by_name(op, operator, viewer, www):
    make_prefetch(operator, www, [f"{HOST}/n.js"])
    Job.objects.create(owner=operator, kind="flush", domain_id=7, domain_name="img.example.com")
    spanning = Job.objects.create(owner=operator, kind="prefetch", domain_name=f"img.example.com, {www['domainName']}")
    Job.objects.create(owner=viewer, kind="flush", domain_id=8, domain_name="theirs.example.com")
    page = op.get("/jobs/")
    assert page.context["form"].fields["domain"].choices == [
        ("", "Any"),
        (7, "img.example.com"),
        (www["domainId"], www["domainName"]),
    ]
    listed = op.get("/jobs/?domain=7").context["page"].object_list
    assert [j.domain_name for j in listed] == [spanning.domain_name, "img.example.com"]


def test_a_domain_link_with_no_jobs_yet_filters_to_none(op, operator, www):
    make_prefetch(operator, www, [f"{HOST}/n.js"])
    page = op.get("/jobs/?domain=424242")
    assert list(page.context["page"].object_list) == [] and "No jobs match." in page.content.decode()


def test_each_row_counts_its_items_and_failures(op, operator, www):
    job = make_prefetch(operator, www, [f"{HOST}/a.js", f"{HOST}/b.js", f"{HOST}/c.js"])
    job.items.filter(url__endswith="b.js").update(state="failed")
    body = op.get("/jobs/").content.decode()
    assert '<td>3 <span class="error">(1 failed)</span></td>' in body
