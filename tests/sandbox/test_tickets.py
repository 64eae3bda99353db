"""Tickets: life cycle, support answers after support_delay, who may read and change what."""

import re
from datetime import datetime

import pytest

from tests.helpers import wait_for
from tests.sandbox.support import assert_error

FIELDS = {
    "id", "summary", "description", "status", "user_id", "user_name", "project_id", "created_at", "updated_at",
    "reply_count", "last_reply_at", "last_reply_by",
}  # fmt: skip


def open_ticket(api, summary="Cache not refreshing", description="Flushed /img/ an hour ago; old images remain."):
    return api.ok("POST", "/ticket", json={"summary": summary, "description": description})


def seconds_between(earlier: str, later: str) -> float:
    return (datetime.fromisoformat(later) - datetime.fromisoformat(earlier)).total_seconds()


def test_it_opens_a_ticket_and_support_answers_after_the_delay(demo):
    ticket = open_ticket(demo)
    assert set(ticket) == FIELDS
    assert re.fullmatch(r"tk-[0-9a-f]{8}", ticket["id"])
    assert (ticket["status"], ticket["user_id"], ticket["user_name"]) == ("open", demo.user_id, "demo")
    assert (ticket["project_id"], ticket["reply_count"]) == (demo.tenant_id, 0)
    assert ticket["last_reply_at"] is None and ticket["last_reply_by"] is None
    assert demo.ok("GET", "/ticket")[0]["id"] == ticket["id"]  # newest first

    path = f"/ticket/{ticket['id']}"
    answered = wait_for(lambda: (t := demo.ok("GET", path))["status"] == "answered" and t, timeout=5)
    assert (answered["reply_count"], answered["last_reply_by"]) == (1, "support")
    replies = demo.ok("GET", f"/ticket/reply/{ticket['id']}")
    support = replies[-1]
    assert set(support) == {"id", "ticket_id", "content", "author", "user_name", "created_at"}
    assert (support["author"], support["user_name"], support["ticket_id"]) == (
        "support",
        "Plcloud Support",
        ticket["id"],
    )
    assert re.fullmatch(r"rp-[0-9a-f]+", support["id"]) and "Cache not refreshing" in support["content"]
    # Dated when support answered (submission + support_delay), not when it was first read.
    assert 0 <= seconds_between(ticket["created_at"], support["created_at"]) <= 2
    assert answered["last_reply_at"] == support["created_at"]


def test_it_reopens_on_a_user_reply_and_answers_again(demo):
    ticket = open_ticket(demo)
    path = f"/ticket/{ticket['id']}"
    wait_for(lambda: demo.ok("GET", path)["status"] == "answered", timeout=5)
    reply = demo.ok("POST", f"/ticket/reply/{ticket['id']}", json={"content": "Still the old images."})
    assert (reply["author"], reply["user_name"], reply["content"]) == ("user", "demo", "Still the old images.")
    after = demo.ok("GET", path)
    assert (after["status"], after["last_reply_by"], after["reply_count"]) == ("open", "user", 2)
    wait_for(lambda: demo.ok("GET", path)["status"] == "answered", timeout=5)
    authors = [r["author"] for r in demo.ok("GET", f"/ticket/reply/{ticket['id']}")]
    assert authors == ["support", "user", "support"]


def test_it_accepts_then_closes_and_a_closed_ticket_is_final(demo):
    ticket = open_ticket(demo)
    path = f"/ticket/{ticket['id']}"
    assert demo.ok("PUT", path, json={"status": "accepted"})["status"] == "accepted"
    assert demo.ok("PUT", path, json={"status": "accepted"})["status"] == "accepted"
    closed = demo.ok("PUT", path, json={"status": "closed"})
    assert closed["status"] == "closed"
    assert demo.ok("PUT", path, json={"status": "closed"}) == closed  # the status it has: unchanged
    assert_error(demo.put(path, json={"status": "accepted"}), 409, "closed")
    assert_error(demo.post(f"/ticket/reply/{ticket['id']}", json={"content": "One more thing"}), 409, "closed")


def test_it_closes_an_open_ticket_and_support_no_longer_answers(demo):
    ticket = open_ticket(demo)
    assert demo.ok("PUT", f"/ticket/{ticket['id']}", json={"status": "closed"})["status"] == "closed"
    # A ticket opened after it being answered shows the first one's answer would have been due too.
    later = open_ticket(demo, summary="Opened after the closed one")
    wait_for(lambda: demo.ok("GET", f"/ticket/{later['id']}")["status"] == "answered", timeout=5)
    assert demo.ok("GET", f"/ticket/reply/{ticket['id']}") == []
    assert demo.ok("GET", f"/ticket/{ticket['id']}")["status"] == "closed"


def test_it_reopens_an_accepted_ticket_on_a_user_reply(demo):
    ticket = open_ticket(demo)
    demo.ok("PUT", f"/ticket/{ticket['id']}", json={"status": "accepted"})
    demo.ok("POST", f"/ticket/reply/{ticket['id']}", json={"content": "It came back."})
    assert demo.ok("GET", f"/ticket/{ticket['id']}")["status"] in ("open", "answered")


@pytest.mark.parametrize("status", ["resolved", "open", "answered", "", None, 1])
def test_it_refuses_a_status_a_user_cannot_set(demo, status):
    ticket = open_ticket(demo)
    assert_error(demo.put(f"/ticket/{ticket['id']}", json={"status": status}), 400, "status")


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"summary": "", "description": "x"}, "summary"),
        ({"summary": "   ", "description": "x"}, "summary"),
        ({"summary": "s" * 201, "description": "x"}, "summary"),
        ({"summary": "ok", "description": ""}, "description"),
        ({"summary": "ok", "description": "d" * 10_001}, "description"),
        ({"summary": "ok"}, "description"),
        ({"description": "ok"}, "summary"),
        ({"summary": 5, "description": "x"}, "summary"),
        ({"summary": "ok", "description": "x", "priority": "high"}, "priority"),
        ({"ticket": {"summary": "ok", "description": "x"}}, "ticket"),
    ],
)
def test_it_refuses_a_ticket_that_breaks_a_rule(demo, body, fragment):
    assert_error(demo.post("/ticket", json=body), 400, fragment)


def test_it_takes_the_longest_summary_and_description(demo):
    ticket = open_ticket(demo, summary="s" * 200, description="d" * 10_000)
    assert (len(ticket["summary"]), len(ticket["description"])) == (200, 10_000)


@pytest.mark.parametrize("content", ["", "c" * 10_001, None])
def test_it_refuses_a_reply_of_the_wrong_length(demo, content):
    ticket = open_ticket(demo)
    assert_error(demo.post(f"/ticket/reply/{ticket['id']}", json={"content": content}), 400, "content")


def test_it_lets_a_member_list_only_their_own_tickets(demo, alice):
    assert_error(alice.get(f"/ticket/{demo.user_id}/list"), 403)
    own = alice.ok("GET", f"/ticket/{alice.user_id}/list")
    assert own == alice.ok("GET", "/ticket") and own and all(t["user_id"] == alice.user_id for t in own)


def test_it_lets_an_admin_list_and_read_a_members_tickets_but_not_change_them(demo, alice):
    ticket = open_ticket(alice, summary="Alice's question")
    assert ticket["id"] in {t["id"] for t in demo.ok("GET", f"/ticket/{alice.user_id}/list")}
    assert ticket["id"] not in {t["id"] for t in demo.ok("GET", "/ticket")}
    assert demo.ok("GET", f"/ticket/{ticket['id']}")["user_name"] == "alice"
    assert isinstance(demo.ok("GET", f"/ticket/reply/{ticket['id']}"), list)
    assert_error(demo.put(f"/ticket/{ticket['id']}", json={"status": "closed"}), 403)
    assert_error(demo.post(f"/ticket/reply/{ticket['id']}", json={"content": "admin here"}), 403)


def test_it_hides_another_users_ticket_from_a_member(demo, alice):
    ticket = open_ticket(demo, summary="Demo's own")
    assert_error(alice.get(f"/ticket/{ticket['id']}"), 404)
    assert_error(alice.get(f"/ticket/reply/{ticket['id']}"), 404)
    assert_error(alice.put(f"/ticket/{ticket['id']}", json={"status": "closed"}), 404)
    assert_error(alice.post(f"/ticket/reply/{ticket['id']}", json={"content": "hi"}), 404)


def test_it_answers_404_for_an_unknown_ticket_or_user(demo):
    assert_error(demo.get("/ticket/tk-00000000"), 404)
    assert_error(demo.get("/ticket/reply/tk-00000000"), 404)
    assert_error(demo.get("/ticket/0123456789abcdef0123456789abcdef/list"), 404)
