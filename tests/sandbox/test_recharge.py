"""Recharge and balance: whole GB, only the token's own project."""

import re

import pytest

from tests.sandbox.support import assert_error


def test_it_adds_a_recharge_to_the_balance(demo):
    path = f"/recharge/{demo.tenant_id}/cdn_flow"
    before = demo.ok("GET", path)
    assert set(before) == {"project_id", "balance", "updated_at"}
    assert before["project_id"] == demo.tenant_id and before["balance"] >= 500
    answer = demo.ok("POST", path, json={"flow": 100})
    assert set(answer) == {"project_id", "flow", "balance", "recharged_at"}
    assert (answer["project_id"], answer["flow"], answer["balance"]) == (demo.tenant_id, 100, before["balance"] + 100)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", answer["recharged_at"])
    after = demo.ok("GET", path)
    assert (after["balance"], after["updated_at"]) == (before["balance"] + 100, answer["recharged_at"])


def test_it_takes_the_largest_recharge(team2):
    path = f"/recharge/{team2.tenant_id}/cdn_flow"
    before = team2.ok("GET", path)["balance"]
    assert team2.ok("POST", path, json={"flow": 100_000})["balance"] == before + 100_000


@pytest.mark.parametrize(
    "body", [{"flow": 0}, {"flow": -5}, {"flow": 100_001}, {"flow": 1.5}, {"flow": "10"}, {"flow": True}, {}]
)
def test_it_refuses_a_recharge_that_is_not_1_to_100000_whole_gb(demo, body):
    assert_error(demo.post(f"/recharge/{demo.tenant_id}/cdn_flow", json=body), 400, "flow")


def test_it_refuses_unknown_keys_in_a_recharge(demo):
    assert_error(demo.post(f"/recharge/{demo.tenant_id}/cdn_flow", json={"flow": 1, "gb": 1}), 400, "gb")


def test_it_answers_404_for_a_project_that_is_not_the_tokens(demo, team2):
    balance = demo.ok("GET", f"/recharge/{demo.tenant_id}/cdn_flow")["balance"]
    assert_error(team2.post(f"/recharge/{demo.tenant_id}/cdn_flow", json={"flow": 5}), 404)
    assert_error(team2.get(f"/recharge/{demo.tenant_id}/cdn_flow"), 404)
    assert_error(demo.post("/recharge/no-such-project/cdn_flow", json={"flow": 5}), 404)
    assert demo.ok("GET", f"/recharge/{demo.tenant_id}/cdn_flow")["balance"] == balance
