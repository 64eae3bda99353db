"""/jobs/<id>/: the member's own job with its items; anyone else's answers 404."""

from cdn.objects import Domain
from jobs import services
from jobs.models import ItemKind, Kind
from tests.jobs.conftest import run_to_end

HOST = "https://www.demo-shop.com"


def make_prefetch(user, www, urls):
    return services.create_job(
        user=user,
        kind=Kind.PREFETCH,
        domains=[Domain.from_wire(www)],
        items=[(u, ItemKind.URL) for u in urls],
    )


def test_it_shows_items_states_failure_reasons_and_upstream_ids(op, operator, www):
    job = run_to_end(make_prefetch(operator, www, [f"{HOST}/d-ok.js", f"{HOST}/d-404.js"]))
    page = op.get(f"/jobs/{job.pk}/").content.decode()
    assert f"{HOST}/d-404.js" in page and "The origin answered HTTP 404." in page
    assert job.upstream_ids[0] in page
    assert "Retry failed items" in page
    assert 'hx-trigger="every 2s"' not in page  # an ended job is not polled


def test_a_running_job_polls_its_progress(op, operator, www):
    job = make_prefetch(operator, www, [f"{HOST}/p.js"])
    page = op.get(f"/jobs/{job.pk}/").content.decode()
    assert f'hx-get="/jobs/{job.pk}/progress/"' in page and 'hx-trigger="every 2s"' in page


def test_another_members_job_answers_404(client, operator, viewer, www, connect_demo):
    job = make_prefetch(operator, www, [f"{HOST}/x.js"])
    connect_demo(viewer)
    client.force_login(viewer)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/progress/").status_code == 404
    assert client.get("/jobs/987654/").status_code == 404


def test_a_viewer_reads_their_own_job_without_a_retry_button(client, viewer, www, connect_demo):
    connect_demo(viewer)
    client.force_login(viewer)
    job = run_to_end(make_prefetch(viewer, www, [f"{HOST}/v-404.js"]))
    page = client.get(f"/jobs/{job.pk}/")
    assert page.status_code == 200 and "The origin answered HTTP 404." in page.content.decode()
    assert "Retry failed items" not in page.content.decode()


def test_it_opens_a_ticket_about_a_failed_job_and_then_lists_it(op, operator, www):
    from html import unescape
    from urllib.parse import parse_qs, urlsplit

    job = run_to_end(make_prefetch(operator, www, [f"{HOST}/t-404.js"]))
    page = op.get(f"/jobs/{job.pk}/").content.decode()
    href = unescape(page.split('href="/tickets/new/?', 1)[1].split('"', 1)[0])
    prefill = {key: values[0] for key, values in parse_qs(href).items()}
    assert f"job #{job.pk}" in prefill["summary"]
    assert f"{HOST}/t-404.js: origin answered 404" in prefill["description"]
    assert job.upstream_ids[0] in prefill["description"]
    new = op.get("/tickets/new/?" + href).content.decode()
    assert f"job #{job.pk}" in new
    created = op.post("/tickets/new/", prefill)
    assert urlsplit(created["Location"]).path.startswith("/tickets/tk-")
    assert prefill["summary"] in op.get(f"/jobs/{job.pk}/").content.decode()


def test_a_big_job_shows_its_counts_and_its_items_a_page_at_a_time(op, operator, www):
    job = make_prefetch(operator, www, [f"{HOST}/big{n}.js" for n in range(250)])
    job.items.filter(url__endswith="big7.js").update(state="failed", error="origin answered 404")
    page = op.get(f"/jobs/{job.pk}/").content.decode()
    assert "Pending: 249" in page and "Failed: 1" in page
    assert f"{HOST}/big99.js" in page and f"{HOST}/big100.js" not in page
    assert "Page 1 of 3" in page
    third = op.get(f"/jobs/{job.pk}/?page=3").content.decode()
    assert f"{HOST}/big249.js" in third and f"{HOST}/big199.js" not in third
    # the live part keeps to the page the member is on
    assert f'hx-get="/jobs/{job.pk}/progress/?page=3"' in third
    polled = op.get(f"/jobs/{job.pk}/progress/?page=3", headers={"HX-Request": "true"}).content.decode()
    assert f"{HOST}/big249.js" in polled and 'href="?page=2"' in polled
