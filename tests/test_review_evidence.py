"""Evidence presentation: highlights keep the article's characters, diffs mark what a copy changed."""

import html
import re

import pytest

from provenance.review.templatetags.evidence import (
    Span,
    bar_chart,
    highlight,
    shared_passages,
    token_diff,
)


def text_of(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_it_keeps_every_character_when_highlighting_overlapping_spans():
    text = "Militants fled to <Jordan>, RIA Novosti said & more."
    spans = [Span(0, 15, "passage", href="/articles/2/"), Span(10, 26, "note", "a note"), Span(28, 39, "credit")]
    markup = highlight(text, spans)
    assert text_of(markup) == text
    assert "<Jordan>" not in markup and "&lt;Jordan&gt;" in markup
    # The overlap of passage and note is one segment carrying both kinds.
    assert re.search(r'<a href="/articles/2/" class="hl hl-note hl-passage"[^>]*>fled </a>', markup)
    assert '<mark class="hl hl-credit">RIA Novosti</mark>' in markup


def test_it_clips_spans_to_a_passage_given_in_article_offsets():
    article = "0123456789abcdefghij"
    markup = highlight(article[10:20], [Span(5, 13, "note")], offset=10)
    assert markup == '<mark class="hl hl-note">abc</mark>defghij'


def test_it_escapes_titles_and_links():
    markup = highlight("abc", [Span(0, 3, "note", title='"><script>x</script>', href='javascript:"x"')])
    assert "<script>" not in markup and "&quot;&gt;&lt;script&gt;" in markup


@pytest.mark.parametrize(
    "source,target,expected_note",
    [
        ("In Deir ez-Zor, 160 militants were killed.", "In Deir ez-Zor, 170 militants were killed.", "A number changed"),
        ("Militants fled, a source told RIA Novosti. More later.", "Militants fled. More later.", "dropped a credit"),
    ],
)
def test_it_marks_what_the_copy_changed(source, target, expected_note):
    diff = token_diff(source, target, credit_names=["RIA Novosti"])
    assert text_of(diff.source_html) == source and text_of(diff.target_html) == target
    assert any(expected_note in note for note in diff.notes), diff.notes


def test_it_marks_added_words_only_on_the_copy_side():
    diff = token_diff("Militants fled the region.", "Scores of militants fled the region.")
    assert '<ins class="diff diff-added" title="Added by the copy">Scores of</ins>' in diff.target_html
    assert "<del" not in diff.source_html and diff.added == 2


def test_it_finds_passages_two_copies_share():
    common = "an estimated three thousand fighters have fled to Jordan fearing a renewed offensive"
    passages = shared_passages(f"Intro one. {common}. End one.", f"Other intro here. {common}! Other end.")
    assert passages and common in passages[0].source_text


def test_it_scales_bars_to_the_largest_pair():
    chart = bar_chart("t", [("A → B", "", 3, 1), ("C → D", "", 0, 2)])
    first, second = chart.bars
    assert first.confirmed_width + first.proposed_width == chart.bar_area
    assert second.proposed_width == chart.bar_area / 2 and second.confirmed_width == 0
