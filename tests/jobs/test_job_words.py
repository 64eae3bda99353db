"""A job's kind, state, its items' states and Plcloud's failure reasons read as words in the
member's language, on the job's page, the job list and the domain's page; an unknown reason as it
came."""

import pytest
from django.conf import settings
from django.utils import translation

from jobs.models import ItemState
from jobs.reasons import retell
from tests.jobs.conftest import run_to_end
from tests.jobs.test_job_detail import HOST, make_prefetch


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_jobs_pages_show_words_not_codes(op, operator, www, language):
    job = run_to_end(make_prefetch(operator, www, [f"{HOST}/w-404.js"]))
    op.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with translation.override(language):
        state, kind = str(job.get_state_display()), str(job.get_kind_display())
        failed = str(ItemState.FAILED.label)
        reason = retell("origin answered 404")
    assert job.state == "failed"
    detail = op.get(f"/jobs/{job.pk}/").content.decode()
    listing = op.get("/jobs/").content.decode()
    domain = op.get(f"/cdn/{www['domainId']}/").content.decode()
    assert f'<html lang="{language}">' in detail
    assert f'<span class="status job-failed" id="job-state">{state}</span>' in detail
    assert f'<td class="state">{failed}</td>' in detail and f"<td>{reason}</td>" in detail
    assert "origin answered 404" not in detail and ">failed<" not in detail
    assert f'<span class="status job-failed">{state}</span>' in listing and f"<td>{kind}</td>" in listing
    assert f"{kind} · {state}" in domain
    if language == "zh-hans":
        assert state == "失败" and kind == "文件预取"


def test_plclouds_failure_reasons_as_words_and_any_other_as_it_came():
    with translation.override("en"):
        assert retell("origin answered 502") == "The origin answered HTTP 502."
        assert retell("origin timed out after 30 s") == "The origin did not answer within 30 seconds."
        assert retell("origin refused the connection") == "The origin refused the connection."
        assert retell("disk on fire") == "disk on fire"
        assert retell("") == ""


def test_a_reason_kept_in_one_language_is_read_in_the_others(op, operator, www):
    """A job's error is written by a worker or a page in its language; its member reads it in theirs."""
    from django.utils.translation import gettext

    from connections import problems
    from jobs import reasons

    job = make_prefetch(operator, www, [f"{HOST}/k.js"])
    with translation.override("zh-hans"):
        said = gettext(problems.TIMED_OUT) % {"seconds": "20"} + " " + gettext(problems.TRY_IN_A_MINUTE)
        job.error = gettext(reasons.RETRYING) % {"reason": said}
    job.save(update_fields=["error"])
    job.items.update(error=job.error)
    op.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = op.get(f"/jobs/{job.pk}/").content.decode()
    english = "Retrying: Plcloud did not answer within 20 seconds. Try again in a minute."
    assert f'<dd class="error">{english}</dd>' in page and f"<td>{english}</td>" in page
    op.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    with translation.override("zh-hans"):
        assert retell(english) == job.error
    assert f'<dd class="error">{job.error}</dd>' in op.get(f"/jobs/{job.pk}/").content.decode()
