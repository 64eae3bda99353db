"""Ticket text is Markdown from people (ours and upstream's): rendered, then sanitized."""

import markdown as md
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

TAGS = {
    "a",
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
}
ATTRIBUTES = {"a": {"href", "title"}}


class _NoRawHtml(md.Extension):
    """Raw HTML in the text is shown as text (escaped), never passed through."""

    def extendMarkdown(self, md_instance):  # noqa: N802 (Markdown's name)
        md_instance.preprocessors.deregister("html_block")
        md_instance.inlinePatterns.deregister("html")


@register.filter(name="markdown")
def render_markdown(text) -> str:
    html = md.markdown(str(text or ""), extensions=[_NoRawHtml(), "fenced_code", "sane_lists"])
    # nh3 is the safety net: only the tags above, http(s)/mailto links, rel on every link.
    return mark_safe(  # noqa: S308 (sanitized by nh3 just above)
        nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, link_rel="noopener noreferrer nofollow")
    )
