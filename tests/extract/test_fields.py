"""Unit tests of the field pickers and of the text merge, on strings written here."""

from __future__ import annotations

from tidings.extract.fields.authors import clean_authors, pick_authors
from tidings.extract.fields.dates import to_day, url_day
from tidings.extract.fields.title import pick_title
from tidings.extract.text import MergeParams, drop_headline_lines, merge_candidates

PROSE = "A long paragraph of the article that the precision run dropped, ending here."


def test_merge_adds_recall_prose_in_page_order_and_drops_boilerplate() -> None:
    precise = "First paragraph.\nThird paragraph."
    recall = f"First paragraph.\n{PROSE}\nThird paragraph.\nRead more: other story\nMenu"
    merged = merge_candidates(precise, recall, MergeParams(40, 150)).splitlines()
    assert merged == ["First paragraph.", PROSE, "Third paragraph."]


def test_merge_keeps_precision_lines_the_recall_run_lacks() -> None:
    merged = merge_candidates("Only here.\nShared.", "Shared.", MergeParams(40, 150))
    assert merged.splitlines() == ["Only here.", "Shared."]
    assert merge_candidates("", "Recall only.", MergeParams(40, 150)) == "Recall only."


def test_merge_drops_related_links_and_newsletter_calls() -> None:
    related = "Council approves the budget for the harbour district"
    links = frozenset({"councilapprovesthebudgetfortheharbourdistrict"})
    text = f"Body paragraph.\n{related}\nSign up for our newsletter to get the news."
    merged = merge_candidates(text, text, MergeParams(40, 150), links)
    assert merged == "Body paragraph."


def test_merge_drops_lone_comment_headers_and_bare_addresses() -> None:
    text = (
        "Body paragraph.\nComments made by the minister were welcomed.\n"
        "jane.doe@example.com\ntwitter.com/janedoe\nComments\ncomments:"
    )
    merged = merge_candidates(text, text, MergeParams(40, 150)).splitlines()
    assert merged == ["Body paragraph.", "Comments made by the minister were welcomed."]


def test_merge_drops_copyright_notices_but_not_prose_about_copyright() -> None:
    notices = (
        "© 2019 Associated Press. All Rights Reserved. This material may not be published.",
        "This copy is for your personal, non-commercial use only. To order copies, visit us.",
        "Copyright 2024 Example Media",
        "Text und Bilder: Beispiel Verlag GmbH. Alle Rechte vorbehalten.",
    )
    prose = (
        "Nach dem Motto – alle Rechte vorbehalten – stand das Urheberrecht lange für "
        "eine Welt, in der Verlage allein über die Nutzung eines Werks entschieden, und "
        "die neuen Lizenzen stellen sich bewusst dagegen."
    )
    text = "\n".join(("Body paragraph.", *notices, prose))
    merged = merge_candidates(text, "", MergeParams()).split("\n")
    assert merged == ["Body paragraph.", prose]


def test_the_headline_repeated_at_the_top_of_the_text_is_dropped() -> None:
    title = "Council approves the harbour budget"
    text = f"Council approves the harbour budget | Example News\n{PROSE}\nSecond paragraph."
    assert drop_headline_lines(text, [title, None]).splitlines() == [PROSE, "Second paragraph."]
    # a near copy (the <h1> words the title shortens) is the headline as well
    near = f"Council approves harbour budget\n{PROSE}"
    assert drop_headline_lines(near, [title]) == PROSE
    # further down it is the article quoting its own headline; a lone line stays
    lower = f"{PROSE}\nOne.\nTwo.\n{title}"
    assert drop_headline_lines(lower, [title]) == lower
    assert drop_headline_lines(title, [title]) == title
    # a paragraph that merely starts with the headline's words is text
    long = f"{title} on Tuesday after a debate of nine hours in which every party spoke."
    assert drop_headline_lines(f"{long}\n{PROSE}", [title]).startswith(long)


def test_authors_from_the_first_source_with_names() -> None:
    assert pick_authors([], "By Jane Doe and John Roe", ["Ignored"]) == ("Jane Doe", "John Roe")
    assert clean_authors("Elena Oberholzer (obe)") == ("Elena Oberholzer",)
    assert clean_authors("责任编辑：孔德明") == ("孔德明",)
    assert clean_authors("Art Edwards says") == ()
    assert clean_authors(["Sophie Foster", "sophie-foster"]) == ("Sophie Foster",)


def test_title_prefers_the_declared_headline_and_its_h1_form() -> None:
    url = "https://www.example-news.com/a"
    assert pick_title(["Storm hits coast | Example News"], None, "Example News", url) == (
        "Storm hits coast"
    )
    # the <h1> is the same headline: its form (case, quotes) wins
    assert pick_title(["Storm Hits Coast - Example News"], "Storm hits coast", None, url) == (
        "Storm hits coast"
    )
    assert pick_title([None, None], "Only an h1", None, url) == "Only an h1"


def test_days() -> None:
    assert to_day("2024-03-05T18:30:00+01:00") == "2024-03-05"
    assert to_day("1890-01-01") is None
    assert to_day("2999-01-01") is None
    assert url_day("https://example.org/2023/11/07/story") == "2023-11-07"
    assert url_day("https://example.org/news/20231107-story") == "2023-11-07"
    assert url_day("https://example.org/2023/11/story") is None
