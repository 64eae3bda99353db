"""/jobs/: the jobs of the member's Plcloud tenant, whoever made them, filterable by kind, domain and
state; another tenant's never."""

from cdn.objects import Domain
from jobs.models import Job
from jobs.services import create_job
from tests.jobs.test_job_detail import HOST, make_prefetch


def flush(user, *domains: dict, **fields) -> Job:
    job = create_job(user=user, kind="flush", domains=Domain.from_wire_list(list(domains)), items=[])
    Job.objects.filter(pk=job.pk).update(**fields)
    return job


def test_it_lists_the_tenants_jobs_whoever_made_them_and_filters_them(op, operator, viewer, www, connect_demo, tina):
    mine = make_prefetch(operator, www, [f"{HOST}/l.js"])
    other_domain = flush(operator, {"domainId": 1, "domainName": "x.example.com"})
    done = flush(operator, www, state="succeeded")
    connect_demo(viewer)
    teammates = make_prefetch(viewer, www, [f"{HOST}/t.js"])
    other_tenant = flush(tina, {"domainId": 2, "domainName": "www.team2-example.net"})

    def listed(query=""):
        page = op.get(f"/jobs/{query}")
        assert page.status_code == 200
        return {j.pk for j in page.context["page"].object_list}

    assert listed() == {mine.pk, other_domain.pk, done.pk, teammates.pk}
    assert other_tenant.pk not in listed()
    assert listed("?kind=prefetch") == {mine.pk, teammates.pk}
    assert listed(f"?domain={www['domainId']}") == {mine.pk, done.pk, teammates.pk}
    assert listed("?state=succeeded") == {done.pk}
    assert listed("?kind=flush&state=queued") == {other_domain.pk}
    # Each row says who made it; the other tenant's member sees only their own account's job.
    assert f"<td>{www['domainName']}</td>\n      <td>vera</td>" in op.get("/jobs/?kind=prefetch").content.decode()
    op.force_login(tina)
    page = op.get("/jobs/")
    assert {j.pk for j in page.context["page"].object_list} == {other_tenant.pk}


def test_a_viewer_reads_the_list_and_an_outsider_does_not(client, viewer, outsider):
    client.force_login(viewer)
    assert client.get("/jobs/").status_code == 200
    client.force_login(outsider)
    assert client.get("/jobs/").status_code == 403


def test_the_domain_filter_offers_the_tenants_domains_by_name(op, operator, www, tina):
    make_prefetch(operator, www, [f"{HOST}/n.js"])
    img = {"domainId": 7, "domainName": "img.example.com"}
    flush(operator, img)
    spanning = create_job(user=operator, kind="prefetch", domains=Domain.from_wire_list([img, www]), items=[])
    flush(tina, {"domainId": 8, "domainName": "theirs.example.com"})  # another Plcloud account
    page = op.get("/jobs/")
    assert page.context["form"].fields["domain"].choices == [
        ("", "Any"),
        ("7", "img.example.com"),
        (str(www["domainId"]), www["domainName"]),
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
