"""Tickets and replies are read from whatever Plcloud answers: a missing field reads as not known,
an extra one is ignored, a wrong type never raises, and a list skips what is not an object."""

from datetime import UTC, datetime

from tickets.objects import Reply, Ticket, replies_from, tickets_from
from tickets.selectors import mentioning


def test_a_ticket_with_no_fields_reads_as_not_known():
    ticket = Ticket.from_wire({})
    assert (ticket.wire_id, ticket.ref, ticket.summary, ticket.status, ticket.status_label) == (None, None, "", "", "")
    assert (ticket.created, ticket.activity, ticket.reply_count, ticket.in_progress) == (None, None, 0, False)


def test_a_ticket_with_odd_values_and_extra_fields_is_read_without_raising():
    ticket = Ticket.from_wire(
        {
            "id": 42,
            "summary": None,
            "status": ["open"],
            "reply_count": "3",
            "last_reply_by": 7,
            "created_at": "yesterday",
            "updated_at": "2026-11-27T08:00:00",
            "last_reply_at": "2026-11-27T09:30:00+08:00",
            "something_new": {"nested": True},
        }
    )
    assert (ticket.wire_id, ticket.ref, ticket.summary, ticket.status) == (42, "42", "", "")
    assert (ticket.reply_count, ticket.last_reply_by, ticket.created) == (0, "", None)
    # A time without an offset is UTC; the last activity is the later of the change and the reply.
    assert ticket.updated == datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    assert ticket.activity == ticket.updated  # 09:30+08:00 is 01:30 UTC


def test_a_list_skips_what_is_not_an_object():
    assert [t.ref for t in tickets_from([{"id": "tk-1"}, "tk-2", None, 3, {"id": True}])] == ["tk-1", None]
    assert [r.content for r in replies_from([{"content": "hi"}, ["no"]])] == ["hi"]
    assert Reply.from_wire({"author": "support"}).author == "support"
    assert Reply.from_wire({"author": None}).author == ""


def test_mentioning_takes_open_tickets_naming_the_domain_newest_activity_first():
    tickets = [
        {"id": "a", "summary": "www.Example.com is slow", "status": "open", "updated_at": "2026-01-01T00:00:00Z"},
        {"id": "b", "summary": "about www.example.com", "status": "answered", "updated_at": "2026-02-01T00:00:00Z"},
        {"id": "c", "summary": "www.example.com again", "status": "closed"},
        {"id": "d", "summary": "another.example.com", "status": "open"},
        "not a ticket",
    ]
    assert [t.ref for t in mentioning(tickets, "www.example.com.", "")] == ["b", "a"]
    assert [t.ref for t in mentioning(tickets_from(tickets), "WWW.EXAMPLE.COM")] == ["b", "a"]
    assert mentioning(tickets, "", ".") == []
