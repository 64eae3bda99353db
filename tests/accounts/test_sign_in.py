import pytest

from tests.panel_fixtures import PASSWORD


def sign_in(client, username, password=PASSWORD, next_url=None):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/", data)


def test_it_signs_in_and_rotates_the_session_key(client, viewer):
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    response = sign_in(client, "vera")
    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(viewer.pk)


def test_it_follows_next_only_within_this_site(client, viewer):
    assert sign_in(client, "vera", next_url="/audit/")["Location"] == "/audit/"
    client.logout()
    assert sign_in(client, "vera", next_url="https://evil.example.com/")["Location"] == "/"


def test_it_shows_a_clear_message_on_a_wrong_password(client, viewer):
    response = sign_in(client, "vera", "wrong-password")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_it_locks_a_member_out_after_repeated_failures(client, viewer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "vera", "wrong-password")
    response = sign_in(client, "vera")  # even the right password is refused now
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_signs_out_on_post_only(client, viewer):
    client.force_login(viewer)
    assert client.get("/accounts/logout/").status_code == 405
    client.post("/accounts/logout/")
    assert client.get("/cdn/").status_code == 302


@pytest.mark.parametrize("language, text", [("zh-hans", "宝德云控制面板"), ("en", "Plcloud Panel")])
def test_it_speaks_the_browsers_language(client, viewer, language, text):
    response = client.get("/accounts/login/", headers={"accept-language": language})
    assert text in response.content.decode()
