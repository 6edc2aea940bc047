"""Rich text that is safe to show: every body that reaches the database goes through
`clean_html` (nh3, the Python binding of the Ammonia sanitiser), whether typed on the site,
saved in the admin or imported from an old file. Scripts, event handlers, styles and
`javascript:` URLs never survive; Wagtail's own link format (`<a linktype="page" id="3">`) does.
"""

import html

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "b",
    "strong",
    "i",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "hr",
    "blockquote",
}
_BLOCK_KEY = {"data-block-key"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "linktype", "id"},
    **dict.fromkeys(("p", "h2", "h3", "h4", "li", "blockquote"), _BLOCK_KEY),
}
URL_SCHEMES = {"http", "https", "mailto"}


def clean_html(value: str) -> str:
    """Sanitised HTML: only the tags and attributes minutes use; script and style elements
    are dropped with their content."""
    return nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "template", "noscript"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    ).strip()


def looks_like_html(value: str) -> bool:
    text = (value or "").lstrip()
    return text.startswith("<") and ">" in text


def text_to_html(value: str) -> str:
    """Plain text (as typed, or extracted from a file) as paragraphs: blank lines separate
    paragraphs, single line breaks stay."""
    blocks = [b.strip() for b in (value or "").replace("\r\n", "\n").split("\n\n")]
    return "".join(
        "<p>" + "<br>".join(html.escape(line) for line in block.splitlines()) + "</p>"
        for block in blocks
        if block
    )


def body_from_input(value: str) -> str:
    """What an editor typed, as clean HTML (HTML is sanitised, plain text becomes paragraphs)."""
    return clean_html(value if looks_like_html(value) else text_to_html(value))


def html_to_text(value: str) -> str:
    """The words of a body, for search and for comparing versions line by line."""
    stripped = nh3.clean(
        (value or "").replace("</p>", "</p>\n").replace("<br>", "\n").replace("</li>", "</li>\n"),
        tags=set(),
        clean_content_tags={"script", "style"},
    )
    return "\n".join(line.strip() for line in html.unescape(stripped).splitlines() if line.strip())
