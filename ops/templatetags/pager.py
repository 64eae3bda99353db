from django import template

register = template.Library()


@register.inclusion_tag("pager.html", takes_context=True)
def pager(context, page):
    """Previous/next links that keep the page's filters from the query string."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    return {"page": page, "query": query.urlencode()}
