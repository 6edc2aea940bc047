"""Script, event handlers and javascript: URLs never reach a page or an export, whether the
minutes come from the site's editor, the service, the admin or an import."""

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forums import searchable, services
from forums.models import Decision, Minutes
from forums.richtext import ALLOWED_TAGS, body_from_input, clean_html
from tests.forums.factories import make_minutes

NASTY = (
    '<p>Biên bản<script>alert("x")</script></p>'
    '<img src="x" onerror="alert(1)">'
    '<p onclick="steal()">Kết luận <a href="javascript:alert(1)">bấm</a> '
    '<a href="JaVaScRiPt:alert(2)">hai</a> <a href="https://cdf.vn/">trang</a></p>'
    "<style>body{display:none}</style><iframe src='https://evil'></iframe>"
)


def assert_safe(text):
    lowered = text.lower()
    assert "<script" not in lowered
    assert "onerror" not in lowered and "onclick" not in lowered
    assert "javascript:" not in lowered
    assert "<iframe" not in lowered and "<style" not in lowered


def test_clean_html_keeps_the_minutes_and_drops_the_rest():
    cleaned = clean_html(NASTY)
    assert_safe(cleaned)
    assert "Biên bản" in cleaned and "Kết luận" in cleaned
    assert '<a href="https://cdf.vn/">trang</a>' in cleaned


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>\"'=/ :;ajvscriptonerl()&#x0")), max_size=80))
def test_no_input_sneaks_a_script_through(fragment):
    out = clean_html(f"<p>{fragment}</p><a href='{fragment}'>x</a><img src=x {fragment}>")
    parsed = _Tags()
    parsed.feed(out)
    assert set(parsed.tags) <= ALLOWED_TAGS
    for name, value in parsed.attrs:
        assert not name.startswith("on")
        assert not (value or "").strip().lower().startswith("javascript")


def test_plain_text_is_escaped_not_interpreted():
    out = body_from_input("Dòng 1\n<script>alert(1)</script> là chữ\n\nĐoạn 2")
    assert "&lt;script&gt;" in out or "<script" not in out
    assert out.startswith("<p>")


def test_nothing_nasty_reaches_the_database_the_page_or_the_search_export(net, client):
    minutes = make_minutes(net, body=NASTY, state="published", is_public=True)
    stored = Minutes.objects.get(pk=minutes.pk).body
    assert_safe(stored)
    page = client.get(f"/forums/minutes/{minutes.pk}/").content.decode()
    assert "Kết luận" in page
    assert_safe(page.split('<article class="card minutes-body"', 1)[1].split("</article>", 1)[0])
    assert "javascript:" not in page.lower()
    indexed = "\n".join(
        filter(None, searchable.MINUTES.text(searchable.MINUTES.queryset().get(pk=minutes.pk)))
    )
    assert "Kết luận" in indexed
    assert_safe(indexed)


def test_site_editor_and_update_sanitise(net, client):
    minutes = make_minutes(net)
    client.force_login(net.official)
    client.post(f"/forums/minutes/{minutes.pk}/edit/", {"language": "vi", "body": NASTY})
    assert_safe(Minutes.objects.get(pk=minutes.pk).body)
    services.minutes_update(minutes=minutes, by=net.official, body="<p>ok<img src=x onerror=alert(1)></p>")
    assert_safe(Minutes.objects.get(pk=minutes.pk).body)


def test_the_issues_export_escapes_formulas_and_keeps_text_inert(net, client):
    make_minutes(net, state="published", is_public=True)
    services.decision_add(
        meeting=net.meeting,
        by=net.staff,
        kind=Decision.Kind.ISSUE,
        text='=HYPERLINK("https://evil","bấm")',
        addressed_to="ministry",
        addressee="<script>alert(1)</script>",
    )
    response = client.get("/forums/issues/?format=csv")
    body = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body
    assert response["Content-Type"].startswith("text/csv")
    page = client.get("/forums/issues/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("value", ["-2+3", "+cmd", "@SUM(A1)"])
def test_every_formula_prefix_is_escaped(value):
    from forums.views import _cell

    assert _cell(value).startswith("'")
