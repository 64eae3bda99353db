"""One action on the ticked domains: a page that lists what will change before anything is sent,
a typed number to delete several, and the list as the member left it afterwards."""

import re

from django.core.cache import cache

from audit.models import AuditEntry
from tests.cdn.conftest import enabled_upstream, upstream_names


def changes_sent(sandbox) -> list[dict]:
    return [c for c in sandbox.requests_seen()["requests"] if c["method"] in ("POST", "PUT", "DELETE")]


def hidden_ids(page: str) -> list[str]:
    return re.findall(r'<input type="hidden" name="ids" value="([^"]+)">', page)


def test_it_lists_what_will_change_sends_nothing_until_confirmed_and_returns_to_the_filtered_list(
    op, demo, sandbox, fresh_name, wire
):
    made = [demo.cdn.create(f"{x}-{fresh_name}", ["114.114.114.114"], ["hk"]) for x in ("a", "b")]
    ids = [str(d["domainId"]) for d in made]
    back = f"/cdn/?q={fresh_name}&sort=status"
    listed = op.get(back).content.decode()
    assert f'name="next" value="{back.replace("&", "&amp;")}"' in listed
    assert 'id="pick-all" data-pick-all hidden' in listed  # shown by its script only
    sandbox.forget_requests()
    shown = op.get("/cdn/batch/", {"action": "disable", "ids": ids, "next": back})
    page = shown.content.decode()
    assert shown.status_code == 200 and "Disable domains" in page
    assert "The CDN stops serving 2 domains until they are enabled again." in page
    row = r"<tr>\s*<td>([^<]+)</td>\s*<td><span [^>]+>([^<]+)</span></td>\s*<td>(?:<span[^>]*>)?([^<]+)(?:</span>)?"
    rows = re.findall(row, page)
    enabled = "yes" if wire == "default" else "not known"  # the SDK's list answer has no enabled field
    assert sorted(rows) == [(f"a-{fresh_name}", "Configuring", enabled), (f"b-{fresh_name}", "Configuring", enabled)]
    assert sorted(hidden_ids(page)) == sorted(ids) and "Disable 2 domains</button>" in page
    assert "Type the number" not in page  # only a delete of several asks for it
    # An older list's form posted straight here: shown the same page, nothing done.
    assert "Disable 2 domains</button>" in op.post("/cdn/batch/", {"action": "disable", "ids": ids}).content.decode()
    assert changes_sent(sandbox) == [] and [enabled_upstream(sandbox, i) for i in ids] == [True, True]
    assert not AuditEntry.objects.filter(action="cdn.disable").exists()

    done = op.post("/cdn/batch/", {"action": "disable", "ids": ids, "next": back, "confirmed": "1"})
    assert done.status_code == 302 and done["Location"] == back
    text = op.get(done["Location"]).content.decode()
    assert f"Done for a-{fresh_name}, b-{fresh_name}." in text and f'value="{fresh_name}"' in text
    assert [enabled_upstream(sandbox, i) for i in ids] == [False, False]
    assert [c["method"] for c in changes_sent(sandbox)] == ["PUT", "PUT"]
    assert AuditEntry.objects.filter(action="cdn.disable").count() == 2


def test_deleting_several_takes_their_number_typed_and_keeps_the_selection_until_then(op, demo, sandbox, fresh_name):
    made = [demo.cdn.create(f"{x}-{fresh_name}", ["114.114.114.114"], ["hk"]) for x in ("a", "b", "c")]
    ids = [str(d["domainId"]) for d in made]
    back = f"/cdn/?q={fresh_name}&page=1"
    sandbox.forget_requests()
    page = op.get("/cdn/batch/", {"action": "delete", "ids": ids, "next": back}).content.decode()
    assert "This removes 3 domains from the CDN for good" in page and "Delete 3 domains</button>" in page
    assert '<label for="id_typed">Type the number of domains to delete</label>' in page and "Type 3 to confirm." in page
    for name in (f"a-{fresh_name}", f"b-{fresh_name}", f"c-{fresh_name}"):
        assert f"<td>{name}</td>" in page
    for typed in ("", "2", "delete", "33"):
        sent = {"action": "delete", "ids": ids, "next": back, "confirmed": "1", "typed": typed}
        refused = op.post("/cdn/batch/", sent)
        again = refused.content.decode()
        assert refused.status_code == 400, typed
        assert re.search(
            r'id="id_typed_error"><p class="field-error" role="alert">Type 3, the number of domains', again
        )
        assert sorted(hidden_ids(again)) == sorted(ids) and f'value="{typed}"' in again
    assert changes_sent(sandbox) == [] and {f"a-{fresh_name}", f"c-{fresh_name}"} <= upstream_names(demo)
    # A Chinese input method's full-width digit is the same number.
    sent = {"action": "delete", "ids": ids, "next": back, "confirmed": "1", "typed": " ３ "}
    assert op.post("/cdn/batch/", sent)["Location"] == back
    assert not {f"{x}-{fresh_name}" for x in "abc"} & upstream_names(demo)
    assert [c["method"] for c in changes_sent(sandbox)] == ["DELETE"] * 3
    assert AuditEntry.objects.filter(action="cdn.delete").count() == 3


def test_one_domain_deletes_without_a_number_and_another_site_is_never_the_way_back(op, demo, sandbox, fresh_name):
    made = demo.cdn.create(fresh_name, ["114.114.114.114"], ["hk"])
    page = op.get("/cdn/batch/", {"action": "delete", "ids": [made["domainId"]]}).content.decode()
    assert "This removes 1 domain from the CDN for good" in page and 'name="typed"' not in page
    assert 'name="next" value="/cdn/"' in page  # none was given
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        assert (
            f'value="{evil}"'
            not in op.get("/cdn/batch/", {"action": "enable", "ids": [made["domainId"]], "next": evil}).content.decode()
        )
    sent = {"action": "delete", "ids": [made["domainId"]], "confirmed": "1", "next": "//evil.example/"}
    assert op.post("/cdn/batch/", sent)["Location"] == "/cdn/"
    assert fresh_name not in upstream_names(demo)


def test_a_batch_without_a_domain_or_an_action_is_the_list_again_with_the_error_by_the_field(
    op, demo, sandbox, fresh_name
):
    made = demo.cdn.create(fresh_name, ["114.114.114.114"], ["hk"])
    back = f"/cdn/?q={fresh_name}&area=hk"
    sandbox.forget_requests()
    nothing = op.get("/cdn/batch/", {"action": "delete", "next": back})
    page = nothing.content.decode()
    assert nothing.status_code == 400
    assert re.search(
        r'<div id="batch-error"><p class="field-error" role="alert">Select at least one domain\.</p>', page
    )
    assert 'aria-describedby="batch-error"' in page and '<option value="delete" selected>' in page
    # The list as it was: its filters, its rows, and the way back still the list's.
    assert f'value="{fresh_name}"' in page and '<option value="hk" selected>' in page
    assert f'id="domain-{made["domainId"]}"' in page and f'name="next" value="{back.replace("&", "&amp;")}"' in page
    bad_action = op.get("/cdn/batch/", {"action": "explode", "ids": [made["domainId"]], "next": back}).content.decode()
    assert "Choose an action." in bad_action
    assert re.search(rf'value="{made["domainId"]}" id="pick-[^"]+" checked', bad_action)  # the tick kept
    gone = op.post("/cdn/batch/", {"action": "disable", "ids": ["999999999"], "confirmed": "1"}).content.decode()
    assert "A selected domain is no longer in your list: select again." in gone
    assert changes_sent(sandbox) == [] and enabled_upstream(sandbox, made["domainId"]) is True


def test_a_list_plcloud_cannot_give_sends_nothing_and_keeps_the_selection_to_try_again(
    op, demo, sandbox, fresh_name, clean_faults
):
    made = demo.cdn.create(fresh_name, ["114.114.114.114"], ["hk"])
    cache.clear()  # no list kept from before: the batch must read it
    sandbox.set_faults(error_rate=1.0, scope="service")
    sandbox.forget_requests()
    sent = {"action": "disable", "ids": [made["domainId"]], "confirmed": "1", "next": "/cdn/?q=x"}
    response = op.post("/cdn/batch/", sent)
    page = response.content.decode()
    assert response.status_code == 200 and "Nothing was changed" in page and 'role="alert"' in page
    assert hidden_ids(page) == [str(made["domainId"])] and 'name="next" value="/cdn/?q=x"' in page
    assert changes_sent(sandbox) == []
    sandbox.clear_faults()
    assert enabled_upstream(sandbox, made["domainId"]) is True
