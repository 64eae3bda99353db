"""Every page enforces its role: each role and an outsider, plus a stranger who is not signed in."""

import pytest

PAGES = {
    # path: the weakest role that may open it
    "/": "viewer",
    "/cdn/": "viewer",
    "/tickets/": "viewer",
    "/audit/": "viewer",
    "/connection/": "viewer",
    "/team/": "admin",
}
RANK = {"outsider": 0, "viewer": 1, "operator": 2, "admin": 3}
POSTS = {
    # path builder: the weakest role that may post
    "team-role": ("admin", lambda m: f"/team/{m['viewer'].pk}/role/", {"role": "operator"}),
    "team-active": ("admin", lambda m: f"/team/{m['viewer'].pk}/active/", {"active": "0"}),
    "region": ("viewer", lambda m: "/connection/region/", {"region": "ShenZhen-1(SZX-1)"}),
}


@pytest.mark.parametrize("path", PAGES)
def test_it_sends_a_stranger_to_sign_in(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("role", RANK)
@pytest.mark.parametrize("path", PAGES)
def test_it_lets_in_only_the_roles_allowed(client, members, panel_settings, role, path):
    client.force_login(members[role])
    response = client.get(path)
    expected = 200 if RANK[role] >= RANK[PAGES[path]] else 403
    assert response.status_code == expected


@pytest.mark.parametrize("role", RANK)
@pytest.mark.parametrize("name", POSTS)
def test_it_refuses_changes_to_roles_below_the_one_needed(client, members, role, name):
    needed, path, data = POSTS[name]
    client.force_login(members[role])
    response = client.post(path(members), data)
    assert (response.status_code == 403) == (RANK[role] < RANK[needed])


def test_it_hides_the_team_link_from_non_admins(client, members):
    client.force_login(members["operator"])
    assert "/team/" not in client.get("/audit/").content.decode()
    client.force_login(members["admin"])
    assert "/team/" in client.get("/audit/").content.decode()


def test_it_treats_a_deactivated_member_as_a_stranger(client, members):
    viewer = members["viewer"]
    client.force_login(viewer)
    viewer.is_active = False
    viewer.save()
    assert client.get("/cdn/").status_code == 302
