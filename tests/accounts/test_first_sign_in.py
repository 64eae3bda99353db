"""A member an admin added with an initial password changes it at their first sign-in: every page
sends them to the password change until they have, and then the panel opens as usual."""

from audit.models import AuditEntry
from tests.accounts.test_sign_in import sign_in

INITIAL = "initial-pass-from-ada-71"
OWN = "my-own-quiet-harbour-38"


def test_a_new_member_changes_the_initial_password_before_anything_else(client, admin, viewer):
    client.force_login(admin)
    new = {"username": "nina", "email": "nina@example.com", "password": INITIAL, "role": "viewer"}
    assert client.post("/team/", new).status_code == 302
    # The form promised it.
    assert "The member changes it after signing in." in client.get("/team/").content.decode()
    client.logout()

    response = sign_in(client, "nina", INITIAL, next_url="/jobs/")
    assert response.status_code == 302
    for url in ("/jobs/", "/cdn/", "/audit/", "/"):
        assert client.get(url)["Location"] == "/accounts/password/", url
    # A live part polled by htmx is told to load the page whole.
    polled = client.get("/jobs/1/progress/", headers={"HX-Request": "true"})
    assert (polled.status_code, polled["HX-Redirect"]) == (204, "/accounts/password/")
    page = client.get("/accounts/password/").content.decode()
    assert "the one you were given was for your first sign-in only" in page

    # A wrong old password: said next to the field, nothing changed.
    wrong = {"old_password": "not-it", "new_password1": OWN, "new_password2": OWN}
    assert "Your old password was entered incorrectly" in client.post("/accounts/password/", wrong).content.decode()
    assert client.get("/jobs/")["Location"] == "/accounts/password/"

    right = {"old_password": INITIAL, "new_password1": OWN, "new_password2": OWN}
    assert client.post("/accounts/password/", right)["Location"] == "/accounts/password/done/"
    assert client.get("/jobs/").status_code == 200  # still signed in, and free to go anywhere
    assert "the one you were given" not in client.get("/accounts/password/").content.decode()
    assert AuditEntry.objects.filter(action="member.password", actor_name="nina").count() == 1
    client.logout()
    assert sign_in(client, "nina", OWN)["Location"] == "/"
    assert client.get("/cdn/").status_code == 200


def test_members_who_chose_their_own_password_go_straight_in(client, viewer):
    assert sign_in(client, "vera", next_url="/audit/")["Location"] == "/audit/"
    assert client.get("/audit/").status_code == 200
    assert "the one you were given" not in client.get("/accounts/password/").content.decode()
