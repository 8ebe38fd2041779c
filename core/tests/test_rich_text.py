"""The rich-text cleaning (``core.rich_text``): what the editor cannot hold goes, what it wrote stays."""

import json

import pytest
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter

from core.rich_text import clean_html
from testing.forms import editor_rich_text

LETTING_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "hr"]
HOUSE_RULES_FEATURES = ["bold", "italic", "ul", "ol", "link"]
NEVER = ("<script", "alert(", "onerror", "onload", "onclick", "javascript:", "data:", "style=")
NEVER += ("<img", "<iframe", "<svg")

HOSTILE = [
    "<p>Hello<script>alert(1)</script> there</p>",
    "<p><img src=x onerror=alert(1)>Hello there</p>",
    '<p onclick="alert(1)" style="color:red">Hello there</p>',
    '<p><a href="javascript:alert(1)">Hello</a> there</p>',
    '<p><a href="  JaVaScRiPt:alert(1)">Hello</a> there</p>',
    '<p><a href="jav&#x09;ascript:alert(1)">Hello</a> there</p>',
    '<p><a href="data:text/html,alert(1)">Hello</a> there</p>',
    '<p><a linktype="page" id="1" href="javascript:alert(1)">Hello</a> there</p>',
    "<svg onload=alert(1)></svg><p>Hello there</p>",
    '<iframe src="https://example.com/"></iframe><p>Hello there</p>',
    "<style>p{background:url(javascript:alert(1))}</style><p>Hello there</p>",
    "<p>Hello there<!-- <script>alert(1)</script> --></p>",
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)"></style></mglyph></table></mtext></math>'
    "Hello there",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">Hello there</p></noscript>Hello there',
    '<b onmouseover="alert(1)">Hello</b> there',
]


@pytest.mark.parametrize("html", HOSTILE)
@pytest.mark.parametrize("features", [LETTING_FEATURES, HOUSE_RULES_FEATURES, None])
def test_what_the_editor_cannot_hold_is_removed_and_the_text_kept(html, features):
    cleaned = clean_html(html, features)
    for bad in NEVER:
        assert bad not in cleaned.lower()
    assert "Hello" in cleaned
    assert "there" in cleaned
    assert clean_html(cleaned, features) == cleaned  # clean text stays as it is


def test_the_features_of_the_field_decide():
    html = "<h2>Rules</h2><p><b>Quiet</b> <i>after</i> ten.</p><hr><ul><li>No parties</li></ul>"
    body = clean_html(html, LETTING_FEATURES)
    rules = clean_html(html, HOUSE_RULES_FEATURES)
    intro = clean_html(html, ["bold", "italic", "link"])
    assert ("<h2" in body, "<hr/>" in body, "<ul>" in body) == (True, True, True)
    assert ("<h2" in rules, "<hr" in rules, "<ul>" in rules) == (False, False, True)
    assert ("<ul>" in intro, "<b>Quiet</b>" in intro, "No parties" in intro) == (False, True, True)


def test_the_editors_own_output_is_unchanged(lettings_index):
    # What Draftail stores: the editor's content (as the admin posts it) through Wagtail's converter.
    html = editor_rich_text(lettings_index.pk)
    converter = ContentstateConverter(LETTING_FEATURES)
    stored = converter.to_database_format(converter.from_database_format(html))
    assert clean_html(stored, LETTING_FEATURES) == stored
    assert f'<a linktype="page" id="{lettings_index.pk}">' in stored


def test_internal_links_keep_their_page_without_a_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        cleaned = clean_html('<p><a linktype="page" id="999999">a deleted page</a></p>', LETTING_FEATURES)
    assert '<a linktype="page" id="999999">a deleted page</a>' in cleaned
    for made_up in ("abc", "²", " 1", "1;alert(1)", ""):
        cleaned = clean_html(f'<p><a linktype="page" id="{made_up}">text</a></p>', LETTING_FEATURES)
        assert "linktype" not in cleaned
        assert "text" in cleaned


@pytest.mark.parametrize(
    "html",
    [
        "<b><p>Bold around</p><p>paragraphs</p></b>",
        "<li>A lone item</li><p>after</p>",
        "<p>Item <li>inside</li> a paragraph</p>",
        "<ul><p>Paragraph</p><li><h2>Heading in an item</h2></li></ul>",
        "<a href='https://example.com'><h2>Heading in a link</h2></a>",
        "<b><i>crossed</b></i> tags",
        "</p></div>text after closing tags",
        "<h2><p>Paragraph in a heading</p></h2>",
    ],
)
def test_html_the_editor_never_writes_keeps_its_text_and_never_raises(html):
    cleaned = clean_html(html, LETTING_FEATURES)
    words = ("Bold", "paragraphs", "lone", "inside", "Paragraph", "Heading", "crossed", "text")
    assert any(word in cleaned for word in words)
    for word in words:
        assert (word in html) == (word in cleaned)
    assert clean_html(cleaned, LETTING_FEATURES) == cleaned


def test_an_editor_structure_around_unreadable_parts_is_kept():
    cleaned = clean_html("<h2>Title</h2><b><p>Odd</p></b><ul><li>Item</li></ul>", LETTING_FEATURES)
    for kept in ("<h2", "Title", "<ul><li", "Item", "Odd"):
        assert kept in cleaned


def test_empty_and_blank_values_stay_as_they_are():
    assert clean_html("", LETTING_FEATURES) == ""
    assert clean_html(None, LETTING_FEATURES) is None
    assert clean_html("  ", LETTING_FEATURES) == "  "


def test_plain_text_becomes_an_escaped_paragraph():
    cleaned = clean_html('Fish & chips <3 "here"', LETTING_FEATURES)
    assert "Fish &amp; chips &lt;3" in cleaned
    assert cleaned.startswith("<p ")
    assert json.dumps(cleaned)
