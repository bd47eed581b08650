"""HTML from the web, made safe to show: a conservative nh3 (ammonia) allow-list.

Nothing renders raw article HTML yet; any view that ever does must pass it
through ``sanitize_html`` first and only then mark it safe.
"""

from __future__ import annotations

import html

import nh3

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p",
        "a",
        "em",
        "strong",
        "ul",
        "ol",
        "li",
        "blockquote",
        "h2",
        "h3",
        "h4",
        "figure",
        "figcaption",
        "img",
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "br",
        "pre",
        "code",
    }
)

ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href"},
    "img": {"src", "alt"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}

#: Elements dropped together with their content (not just unwrapped).
DROPPED_WITH_CONTENT: frozenset[str] = frozenset(
    {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math"}
)

URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})

LINK_REL = "noopener noreferrer nofollow"


def sanitize_html(html: str) -> str:
    """Keep only harmless markup: allowed tags and attributes, http(s)/mailto URLs.

    Scripts, styles and event handlers are removed, ``javascript:`` (and every other
    non-allowed scheme) URLs are dropped, and every link gets ``rel="noopener
    noreferrer nofollow"``.
    """
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        link_rel=LINK_REL,
        url_schemes=set(URL_SCHEMES),
        strip_comments=True,
    )


def text_as_html(text: str) -> str:
    """Extracted plain text as safe HTML, one ``<p>`` per paragraph: what reader apps
    (Google Reader, Fever, Atom/JSON Feed) show as an article's content."""
    return "".join(
        f"<p>{html.escape(line.strip(), quote=False)}</p>"
        for line in text.splitlines()
        if line.strip()
    )
