from django import template
from django.http import QueryDict

register = template.Library()


@register.inclusion_tag("pager.html", takes_context=True)
def pager(context, page, query=None, path=""):
    """Previous/next links that keep the page's filters from the query string: this request's,
    or ``query`` at ``path`` when a page shows another's list (the domain list under a refused batch)."""
    query = (query if isinstance(query, QueryDict) else context["request"].GET).copy()
    query.pop("page", None)
    return {"page": page, "query": query.urlencode(), "path": path}
