from django.contrib.auth import get_user_model

from accounts.models import Membership
from accounts.roles import role_of
from audit.models import AuditEntry


def test_it_adds_a_member_with_a_role(client, admin):
    client.force_login(admin)
    response = client.post("/team/", {"username": "newbie", "password": "a-much-longer-pass-42", "role": "operator"})
    assert response.status_code == 302
    assert Membership.objects.get(user__username="newbie").role == "operator"
    assert AuditEntry.objects.filter(action="member.add", object_id="newbie").exists()
    assert "a-much-longer-pass-42" not in str(list(AuditEntry.objects.values()))


def test_it_explains_a_bad_member_next_to_the_field_and_keeps_the_input(client, admin, viewer):
    client.force_login(admin)
    page = client.post("/team/", {"username": "vera", "password": "123", "role": "viewer"}).content.decode()
    assert "A member with this username already exists." in page
    assert "This password is too short" in page
    assert 'value="vera"' in page
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
