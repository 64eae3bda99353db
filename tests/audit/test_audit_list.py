from audit.models import AuditEntry
from audit.services import record
from cdn.objects import Domain


def test_it_shows_a_member_only_their_own_rows(client, viewer, operator):
    record(actor=viewer, action="cdn.create", object_type="domain", object_id="mine.example.com")
    record(actor=operator, action="cdn.delete", object_type="domain", object_id="theirs.example.com")
    client.force_login(viewer)
    page = client.get("/audit/").content.decode()
    assert "mine.example.com" in page
    assert "theirs.example.com" not in page


def test_it_shows_an_admin_every_row_and_filters(client, admin, viewer, operator):
    record(actor=viewer, action="cdn.create", object_id="a.example.com")
    record(actor=operator, action="cdn.delete", object_id="b.example.com", ok=False, error="Plcloud is not reachable")
    client.force_login(admin)
    page = client.get("/audit/").content.decode()
    assert "a.example.com" in page and "b.example.com" in page
    assert "Plcloud is not reachable" in page
    filtered = client.get("/audit/", {"outcome": "failed"}).content.decode()
    assert "b.example.com" in filtered and "a.example.com" not in filtered
    by_actor = client.get("/audit/", {"actor": "vera"}).content.decode()
    assert "a.example.com" in by_actor and "b.example.com" not in by_actor


def test_it_never_records_a_secret_in_detail(viewer):
    entry = record(actor=viewer, action="connection.connect", detail={"password": "x", "token_id": "y", "region": "r"})
    assert entry.detail == {"region": "r"}


def test_it_records_role_changes_with_old_and_new(client, admin, viewer):
    client.force_login(admin)
    client.post(f"/team/{viewer.pk}/role/", {"role": "operator"})
    entry = AuditEntry.objects.get(action="member.role")
    assert (entry.actor_name, entry.object_id, entry.detail) == ("ada", "vera", {"old": "viewer", "new": "operator"})


def test_any_detail_renders_whatever_its_keys(client, admin, operator, op, www, connect_demo):
    """A retried job's row holds a detail key "items", which a template reading detail.items took
    for the dict's method; any JSON at all must show."""
    from jobs.models import ItemKind, ItemState
    from jobs.services import create_job

    job = create_job(
        user=operator,
        kind="prefetch",
        domains=[Domain.from_wire(www)],
        items=[("https://www.demo-shop.com/r.js", "url")],
    )
    job.items.update(state=ItemState.FAILED, kind=ItemKind.URL)
    type(job).objects.filter(pk=job.pk).update(state="partial")
    assert op.post(f"/jobs/{job.pk}/retry/").status_code == 302
    AuditEntry.objects.create(actor_name="system", action="odd.detail", detail=["a list", {"values": 3}])
    connect_demo(admin)  # the admin of the job's tenant
    client.force_login(admin)
    response = client.get("/audit/")
    page = response.content.decode()
    assert response.status_code == 200
    # (PostgreSQL's jsonb keeps its keys in an order of its own.)
    assert f"Repeats job: {job.pk}" in page and "Items: 1" in page
    assert "odd.detail" in page and "a list, values: 3" in page  # an unknown action shows its code
