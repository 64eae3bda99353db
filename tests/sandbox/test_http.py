"""HTTP itself: routing errors, body limits, JSON everywhere, keep-alive."""

import http.client
import json

import pytest
import requests

from tests.sandbox.support import assert_error


def test_it_answers_404_in_json_for_an_unknown_path(sandbox, demo):
    assert_error(requests.get(sandbox.base_url + "/nowhere", timeout=5), 404)
    assert_error(demo.get("/cdn/nothing-here"), 404)
    assert_error(demo.get("/cdn/domain/"), 404)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/cdn/domain", "GET, POST"),
        ("PATCH", "/cdn/domain/206813", "GET, PUT, DELETE"),
        ("POST", "/cdn/request_log", "GET"),
        ("GET", "/cdn/cache_flush", "PUT"),
    ],
)
def test_it_answers_405_with_allow_for_a_wrong_method(demo, method, path, allowed):
    answer = demo.call(method, path)
    assert_error(answer, 405)
    assert answer.headers["Allow"] == allowed


def test_it_answers_405_for_a_wrong_method_on_keystone(sandbox):
    assert_error(requests.get(f"{sandbox.auth_url}/tokens", timeout=5), 405)


def test_it_answers_413_to_a_body_over_one_mebibyte(demo):
    big = json.dumps({"urls": ["http://www.demo-shop.com/" + "a" * 1000] * 1100}).encode()
    assert len(big) > 1024 * 1024
    assert_error(demo.post("/cdn/urls", data=big, headers={"Content-Type": "application/json"}), 413)


def test_it_reads_a_chunked_body(demo):
    body = json.dumps({"summary": "Chunked", "description": "Sent in chunks."}).encode()
    answer = demo.post("/ticket", data=iter([body[:10], body[10:]]), headers={"Content-Type": "application/json"})
    assert answer.status_code == 200
    assert answer.json()["ticket"]["summary"] == "Chunked"


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"summary": NaN, "description": "x"}', b"\xff\xfe", b"", b"[1, 2]", b'"text"'],
)
def test_it_answers_400_to_a_body_that_is_not_a_json_object(demo, body):
    assert_error(demo.post("/ticket", data=body, headers={"Content-Type": "application/json"}), 400)


def test_it_keeps_the_connection_alive_and_always_sends_content_length(sandbox, demo):
    connection = http.client.HTTPConnection("127.0.0.1", sandbox.port, timeout=5)
    path = demo.endpoint.removeprefix(sandbox.base_url)
    try:
        for target in ("/cdn/domain", "/cdn/nope", "/cdn/urls"):
            connection.request("GET", path + target, headers={"X-Auth-Token": demo.token})
            answer = connection.getresponse()
            body = answer.read()
            assert int(answer.getheader("Content-Length")) == len(body)
            assert answer.getheader("Connection") != "close"
            json.loads(body)
        connection.request("DELETE", path + "/cdn/urls/999999999", headers={"X-Auth-Token": demo.token})
        answer = connection.getresponse()
        assert (answer.status, json.loads(answer.read())["error"]["code"]) == (404, 404)
    finally:
        connection.close()


def test_it_answers_204_without_a_body_to_a_delete(demo, fresh_name):
    domain = demo.create_domain(fresh_name)
    answer = demo.delete(f"/cdn/domain/{domain['domainId']}")
    assert answer.status_code == 204
    assert answer.content == b""
    assert "Content-Type" not in answer.headers


def test_it_answers_an_unknown_method_in_json(sandbox):
    answer = requests.request("BREW", sandbox.base_url + "/v2.0/", timeout=5)
    assert_error(answer, 501)


def test_it_keeps_the_connection_usable_after_a_413(sandbox, demo):
    connection = http.client.HTTPConnection("127.0.0.1", sandbox.port, timeout=10)
    path = demo.endpoint.removeprefix(sandbox.base_url)
    headers = {"X-Auth-Token": demo.token, "Content-Type": "application/json"}
    try:
        connection.request("POST", path + "/cdn/urls", body=b"[" + b" " * (2 * 1024 * 1024) + b"]", headers=headers)
        first = connection.getresponse()
        assert (first.status, json.loads(first.read())["error"]["code"]) == (413, 413)
        connection.request("GET", path + "/cdn/urls", headers=headers)
        assert connection.getresponse().status == 200
    finally:
        connection.close()
