from django.contrib.auth import get_user_model

from accounts.models import Membership
from accounts.roles import role_of
from audit.models import AuditEntry


def test_it_adds_a_member_with_a_role(client, admin):
    client.force_login(admin)
    new = {"username": "newbie", "email": "newbie@example.com", "password": "a-much-longer-pass-42", "role": "operator"}
    response = client.post("/team/", new)
    assert response.status_code == 302
    membership = Membership.objects.select_related("user").get(user__username="newbie")
    assert (membership.role, membership.user.email, membership.must_change_password) == (
        "operator",
        "newbie@example.com",
        True,
    )
    assert AuditEntry.objects.filter(action="member.add", object_id="newbie").exists()
    assert "a-much-longer-pass-42" not in str(list(AuditEntry.objects.values()))


def test_it_explains_a_bad_member_next_to_the_field_and_keeps_the_input(client, admin, viewer):
    client.force_login(admin)
    bad = {"username": "vera", "email": "vera-at-example", "password": "123", "role": "viewer"}
    page = client.post("/team/", bad).content.decode()
    assert "A member with this username already exists." in page
    assert "This password is too short" in page
    assert "Enter a valid email address." in page
    assert 'value="vera"' in page and 'value="vera-at-example"' in page
    assert not AuditEntry.objects.filter(action="member.add").exists()


def test_it_deactivates_and_reactivates_a_member(client, admin, viewer):
    client.force_login(admin)
    client.post(f"/team/{viewer.pk}/active/", {"active": "0"})
    assert not get_user_model().objects.get(pk=viewer.pk).is_active
    client.post(f"/team/{viewer.pk}/active/", {"active": "1"})
    assert get_user_model().objects.get(pk=viewer.pk).is_active
    assert [e.action for e in AuditEntry.objects.order_by("id")] == ["member.deactivate", "member.activate"]


def test_it_keeps_at_least_one_active_admin(client, admin):
    client.force_login(admin)
    page = client.post(f"/team/{admin.pk}/role/", {"role": "viewer"}, follow=True).content.decode()
    assert "The team needs at least one active admin." in page
    assert Membership.objects.get(user=admin).role == "admin"
    client.post(f"/team/{admin.pk}/active/", {"active": "0"})
    assert get_user_model().objects.get(pk=admin.pk).is_active


def test_it_refuses_a_role_for_a_superuser_and_says_why_where_the_role_is_set(client, admin):
    root = get_user_model().objects.create_superuser(username="root", password="a-much-longer-pass-42")
    why = (
        "root is a superuser: their role is always Admin. "
        "Remove superuser status first (Django admin, or manage.py) to change it."
    )
    client.force_login(admin)
    assert why in client.get("/team/").content.decode()
    page = client.post(f"/team/{root.pk}/role/", {"role": "viewer"}, follow=True).content.decode()
    assert '<li class="error">' + why in page
    assert "Role of root changed." not in page
    assert role_of(get_user_model().objects.get(pk=root.pk)) == "admin"
    assert not AuditEntry.objects.filter(action="member.role").exists()


def test_it_refuses_a_role_that_does_not_exist(client, admin, viewer):
    client.force_login(admin)
    client.post(f"/team/{viewer.pk}/role/", {"role": "owner"})
    assert Membership.objects.get(user=viewer).role == "viewer"


def test_it_answers_404_for_a_member_that_does_not_exist(client, admin):
    client.force_login(admin)
    assert client.post("/team/999999/role/", {"role": "viewer"}).status_code == 404


def test_the_team_page_shows_each_members_email_and_plcloud_tenant(client, admin, viewer, operator, connect_demo):
    from tests.panel_fixtures import make_member

    get_user_model().objects.filter(pk=viewer.pk).update(email="vera@example.com")
    connect_demo(operator)
    client.force_login(admin)
    nina = {"username": "nina", "email": "nina@example.com", "password": "a-much-longer-pass-42", "role": "viewer"}
    assert client.post("/team/", nina).status_code == 302
    make_member("nora", "viewer")
    page = client.get("/team/").content.decode()
    head = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert ">E-mail address<" in head and ">Plcloud tenant<" in head

    def row(name: str) -> str:
        return page.split(f"<td>{name}</td>", 1)[1].split("</tr>", 1)[0]

    assert '<a href="mailto:vera@example.com">vera@example.com</a>' in row("vera")
    assert "Not connected" in row("vera")
    assert "<td>—</td>" in row("nora")  # no address recorded
    connection = operator.plcloud
    assert f"{connection.tenant_name} <small" in row("otto") and connection.region in row("otto")
    assert "Has not yet changed the initial password" in row("nina")
    assert "Has not yet changed the initial password" not in row("vera")
