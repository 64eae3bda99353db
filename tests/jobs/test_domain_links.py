"""The CDN domain page links to the flush and prefetch forms and lists the domain's recent jobs."""

from tests.jobs.test_job_detail import HOST, make_prefetch


def test_the_domain_page_links_the_forms_and_lists_recent_jobs(op, operator, www):
    job = make_prefetch(operator, www, [f"{HOST}/dl.js"])
    page = op.get(f"/cdn/{www['domainId']}/").content.decode()
    assert f'href="/jobs/flush/new/?domain={www["domainId"]}"' in page
    assert f'href="/jobs/prefetch/new/?domain={www["domainId"]}"' in page
    assert f'href="/jobs/{job.pk}/"' in page
