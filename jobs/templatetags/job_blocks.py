"""Blocks of jobs on other apps' pages: their templates load these, their Python never imports jobs."""

from django import template

from connections.tenancy import request_tenant
from jobs.selectors import jobs_for

register = template.Library()


@register.inclusion_tag("jobs/_domain_jobs.html", takes_context=True)
def domain_jobs(context, domain):
    """The domain page's jobs: the ten newest on the domain, whoever of the team made them, by
    its id under the reader's tenant now (another tenant's domain of the same name is another domain)."""
    request = context["request"]
    jobs = jobs_for(user=request.user, tenant=request_tenant(request), domain_id=domain.ref)[:10]
    return {"domain": domain, "jobs": jobs, "can_change": context.get("can_change")}
