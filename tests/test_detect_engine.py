"""The plain detection engine: credits with spans, alignment offsets, direction, siblings, chains."""

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from provenance.detect.align import align
from provenance.detect.chains import Edge, build_chains
from provenance.detect.credits import (
    MENTION,
    PHOTO_CREDIT,
    REPUBLISHED_FROM,
    SOURCE,
    find_credits,
    strongest_roles,
)
from provenance.detect.fingerprints import fingerprint, winnow
from provenance.detect.links import ArticleData, choose_sources, compare
from provenance.detect.outlets import OutletDirectory, OutletEntry
from provenance.detect.text import tokenize

OUTLETS = json.loads(
    (Path(__file__).resolve().parent.parent / "provenance/corpus/data/outlets.json").read_text("utf-8")
)["outlets"]
DIRECTORY = OutletDirectory(
    [
        OutletEntry(id=i + 1, name=o["name"], aliases=tuple(o.get("aliases", [])), kind=o.get("kind", "other"))
        for i, o in enumerate(OUTLETS)
    ]
)
SEEDS = Path(__file__).resolve().parent.parent / "samples/seeds"


def named(outlet_id: int) -> str:
    return DIRECTORY.get(outlet_id).name


def roles(text: str, own: str | None = None) -> dict[str, str]:
    own_id = DIRECTORY.resolve(own) if own else None
    return {named(k): v for k, v in strongest_roles(find_credits(text, DIRECTORY, own_outlet_id=own_id)).items()}


def test_it_finds_a_source_credit_with_its_cue_and_span():
    text = "More than 3,000 militants fled, Russia's news agency Ria Novosti quoted a military source as saying."
    [credit] = find_credits(text, DIRECTORY)
    assert named(credit.outlet_id) == "RIA Novosti"
    assert (credit.role, credit.cue) == (SOURCE, "quoted")
    assert text[credit.start : credit.end] == "Ria Novosti"
    assert credit.sentence.startswith("More than 3,000")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a military official has told RIA news agency.", {"RIA Novosti": SOURCE}),
        ("The army advanced, according to Press TV.", {"Press TV": SOURCE}),
        ("The Russian aerial campaign helped; Press TV reported.", {"Press TV": SOURCE}),
        ("Body text.\n\nThe original source of this article is [RT](#)\n", {"RT": REPUBLISHED_FROM}),
        ("Body text.\n\nSource: RT\n\nCheck Also", {"RT": REPUBLISHED_FROM}),
        ("By RT\n\nGlobal Research, October 06, 2015", {"RT": REPUBLISHED_FROM}),
        ("MOSCOW (Reuters) — Troops moved in on Friday.", {"Reuters": REPUBLISHED_FROM}),
        ("© REUTERS/ Abdalrhman Ismail\nMiddle East", {"Reuters": PHOTO_CREDIT}),
        ("Moscow’s Defense Ministry said on Friday that desertions grew.", {"Russian Defence Ministry": SOURCE}),
    ],
)
def test_it_reads_each_kind_of_credit_cue(text, expected):
    assert {k: v for k, v in roles(text).items() if v != MENTION} == expected


@pytest.mark.parametrize(
    "text",
    [
        "left over one million injured, according to the United Nations.",
        "Russian strikes hit only militant targets, Kartapolov said.",
        "as cited by the Syrian TV.",
        "RT Report from city in Latakia province after being cleared of jihadists",
    ],
)
def test_it_does_not_credit_what_is_no_outlet_credit(text):
    assert {k: v for k, v in roles(text).items() if v != MENTION} == {}


def test_it_never_credits_the_articles_own_outlet():
    text = "The Levant News — Growing numbers of militants deserted, Moscow's Defense Ministry said."
    assert roles(text, own="The Levant News") == {"Russian Defence Ministry": SOURCE}


@pytest.mark.parametrize(
    "path, outlet, expected",
    [
        ("000_b37fa7fdce6cb95f.txt", "Sputnik", {"RIA Novosti": SOURCE, "Reuters": PHOTO_CREDIT}),
        ("001_2ace830f55ffebb3.txt", "Global Research", {"RT": REPUBLISHED_FROM, "RIA Novosti": SOURCE}),
        ("002_5e28026613171c33.txt", "Fars News Agency", {"Press TV": SOURCE}),
        ("003_a3f8a9ac8286ba8d.txt", None, {}),
        ("004_3055d002b5b09591.txt", "The Levant News", {"RT": REPUBLISHED_FROM, "Russian Defence Ministry": SOURCE}),
    ],
)
def test_it_finds_the_seed_credits(path, outlet, expected):
    found = roles((SEEDS / path).read_text("utf-8"), own=outlet)
    assert {k: v for k, v in found.items() if v != MENTION} == expected


def test_it_marks_source_credits_in_republished_text_as_inherited():
    text = "Militants fled, a military official has told RIA news agency.\n\nThe original source of this article is RT"
    credits = find_credits(text, DIRECTORY)
    ria = next(c for c in credits if named(c.outlet_id) == "RIA Novosti")
    rt = next(c for c in credits if named(c.outlet_id) == "RT")
    assert ria.inherited and not rt.inherited


WIRE = (
    "Television presenter Noel Edmonds said today he was quitting the BBC because he found the programmes "
    "too boring. Edmonds, once one of the BBC's highest paid presenters, was sad to be throwing in the towel "
    "after 30 years but did not rule out a television comeback if the right offer came along. Paul Pascoe, a "
    "spokesman for Edmonds, said he is only 50 and has a lot of life in him yet. The departure comes less "
    "than a week after the defection of sports presenter Des Lynam to ITV, which surprised many viewers."
)
COPY = (
    "NOEL EDMONDS is quitting. Edmonds, once one of the BBC's highest paid presenters, was sad to be throwing "
    "in the towel after 30 years but did not rule out a television comeback if the right offer came along. "
    "Fans will miss his Saturday nights."
)


def test_it_aligns_passages_with_offsets_in_both_texts():
    alignment = align(tokenize(WIRE), tokenize(COPY))
    [passage] = alignment.passages
    source_text = WIRE[passage.a_span[0] : passage.a_span[1]]
    target_text = COPY[passage.b_span[0] : passage.b_span[1]]
    assert source_text == target_text
    assert source_text.startswith("Edmonds, once one of the BBC")
    assert source_text.endswith("offer came along")
    assert alignment.b_in_a > 0.6 > alignment.a_in_b


def test_it_ignores_boilerplate_words():
    tokens_a, tokens_b = tokenize(WIRE), tokenize(COPY)
    ignore = [True] * len(tokens_b)
    import numpy as np

    alignment = align(tokens_a, tokens_b, b_ignore=np.asarray(ignore))
    assert alignment.passages == [] and alignment.b_in_a == 0


def test_it_gives_copies_a_shared_anchor():
    shared = set(a.value for a in fingerprint(tokenize(WIRE)).anchors)
    copied = set(a.value for a in fingerprint(tokenize(COPY)).anchors)
    assert shared & copied
    assert winnow([5, 3, 9, 3, 7], 2) == [winnow([5, 3, 9, 3, 7], 2)[0], *winnow([5, 3, 9, 3, 7], 2)[1:]]


def article(id, text, outlet_id, name, kind="newspaper", published=None, uncertainty=12.0):
    return ArticleData(
        id=id, text=text, outlet_id=outlet_id, outlet_name=name, outlet_kind=kind,
        published_at=published, date_uncertainty_hours=uncertainty if published else None, tokens=tokenize(text),
    )


def test_it_points_links_from_the_earlier_article():
    day = datetime(1999, 8, 8, 12, tzinfo=timezone.utc)
    # The copy is given the later date even though it is passed first.
    copy = article(1, COPY, 2, "The Sun", published=day + timedelta(days=1))
    wire = article(2, WIRE, 1, "Press Association", kind="wire", published=day)
    pair = compare(copy, wire, align(copy.tokens, wire.tokens))
    assert (pair.source.id, pair.target.id) == (2, 1)
    assert pair.kind in {"republication", "partial"}
    assert any("published 1 day after" in r for r in pair.direction_reasons)


def test_it_picks_the_direction_without_dates():
    copy = article(1, COPY + " An editor added this closing line to the story.", 2, "Blog", kind="blog")
    source = article(2, WIRE, 1, "Daily Record", kind="newspaper")
    pair = compare(copy, source, align(copy.tokens, source.tokens))
    assert (pair.source.id, pair.target.id) == (2, 1)
    assert "the source holds more of the shared story than the copy" in pair.direction_reasons


KYLIE_WIRE = (
    "Pop star Kylie Minogue has cancelled her Glasgow concert after falling ill with flu, promoters announced "
    "on Tuesday. Fans holding tickets for the Hydro show will receive full refunds from the box office. The "
    "singer is expected to resume her European tour in Manchester next week. Her spokesman said doctors had "
    "ordered complete rest for several days."
)
# The same story in the newspaper's own words: not one run of five words in common with the wire copy.
KYLIE_REWRITE = (
    "Kylie Minogue axed her Glasgow gig on Tuesday because flu struck the pop star. Promoters confirmed "
    "ticket holders get refunds for the Hydro show at the box office. Manchester will see the singer resume "
    "her European tour next week. Doctors ordered several days of complete rest, her spokesman told reporters."
)
KYLIE_EXTRA = (
    " The Australian singer last played Scotland in 2019 and sold out three nights in a row. Local hotels said "
    "bookings for the weekend had already been cancelled by hundreds of visitors. A new date has not been set."
)


def test_it_links_a_rewritten_wire_story_by_its_sentences():
    day = datetime(1999, 8, 8, 12, tzinfo=timezone.utc)
    wire = article(1, KYLIE_WIRE, 1, "Press Association", kind="wire", published=day)
    rewrite = article(2, KYLIE_REWRITE, 2, "The Sun", published=day + timedelta(days=1))
    pair = compare(rewrite, wire, align(rewrite.tokens, wire.tokens))
    assert pair.alignment.longest < 5 and pair.alignment.shared_words == 0
    assert (pair.source.id, pair.target.id, pair.kind) == (1, 2, "republication")
    assert pair.sentence_share(60.0) == 1.0
    # With new material of its own, the rewrite is a partial copy.
    longer = article(3, KYLIE_REWRITE + KYLIE_EXTRA, 2, "The Sun", published=day + timedelta(days=1))
    pair = compare(wire, longer, align(wire.tokens, longer.tokens))
    assert (pair.source.id, pair.target.id, pair.kind) == (1, 3, "partial")


def test_it_does_not_link_paraphrases_without_a_wire_source_shortly_before():
    day = datetime(1999, 8, 8, 12, tzinfo=timezone.utc)
    rewrite = article(2, KYLIE_REWRITE, 2, "The Sun", published=day + timedelta(days=1))
    # Two newspapers telling one story in their own words are not linked on paraphrase alone...
    other = article(1, KYLIE_WIRE, 3, "Daily Mirror", kind="newspaper", published=day)
    assert compare(other, rewrite, align(other.tokens, rewrite.tokens)).kind is None
    # ...nor is a wire story published long before (a later retelling, not a rewrite of that copy).
    old = article(1, KYLIE_WIRE, 1, "Press Association", kind="wire", published=day - timedelta(days=5))
    assert compare(old, rewrite, align(old.tokens, rewrite.tokens)).kind is None


def test_it_does_not_link_siblings_that_copy_one_source():
    day = datetime(1999, 8, 8, 12, tzinfo=timezone.utc)
    wire = article(1, WIRE, 1, "Press Association", kind="wire", published=day)
    first = article(2, "Edmonds quits. " + WIRE[:330] + " The Sun says goodbye.", 2, "The Sun", published=day + timedelta(days=1))
    second = article(3, "Star exclusive. " + WIRE[:300] + " Readers react.", 3, "Daily Star", published=day + timedelta(days=1))
    cache = {}

    def relate(x, y):
        key = (min(x.id, y.id), max(x.id, y.id))
        if key not in cache:
            a, b = {1: wire, 2: first, 3: second}[key[0]], {1: wire, 2: first, 3: second}[key[1]]
            cache[key] = compare(a, b, align(a.tokens, b.tokens))
        return cache[key]

    pairs = [relate(second, wire), relate(second, first)]
    kept, dropped = choose_sources(second, pairs, relate)
    assert [p.source.id for p in kept] == [1]
    assert [(p.source.id, why.source.id) for p, why in dropped] == [(2, 1)] or relate(second, first).target.id != 3


def test_it_keeps_a_copy_of_a_copy_that_inherited_edits():
    day = datetime(1999, 8, 8, 12, tzinfo=timezone.utc)
    wire = article(1, WIRE, 1, "Press Association", kind="wire", published=day)
    edit = (" In a statement issued late on Sunday evening the presenter thanked millions of loyal viewers"
            " and promised that his next project would surprise everybody who watched him for decades.")
    middle = article(2, WIRE[:400] + edit, 2, "The Sun", published=day + timedelta(days=1))
    last = article(3, WIRE[:400] + edit + " More soon.", 3, "Blog", kind="blog", published=day + timedelta(days=3))
    articles = {1: wire, 2: middle, 3: last}
    cache = {}

    def relate(x, y):
        key = (min(x.id, y.id), max(x.id, y.id))
        if key not in cache:
            cache[key] = compare(articles[key[0]], articles[key[1]], align(articles[key[0]].tokens, articles[key[1]].tokens))
        return cache[key]

    kept, _ = choose_sources(last, [relate(last, wire), relate(last, middle)], relate)
    assert 2 in [p.source.id for p in kept]


def test_it_builds_chains_through_credited_outlets():
    # Global Research (article 7) republished RT (outlet 4), whose text credits RIA Novosti (outlet 2).
    incoming = {
        7: [
            Edge(link_id=1, target_id=7, score=0.8, source_outlet_id=4, role="republished_from"),
            Edge(link_id=2, target_id=7, score=0.6, source_outlet_id=2, role="source", via_outlet_id=4),
        ],
        8: [Edge(link_id=3, target_id=8, score=0.6, source_outlet_id=2, role="source")],
    }
    chains = {c.key: c.link_ids for c in build_chains(incoming)}
    assert chains == {"o2>o4>a7": [2, 1], "o2>a8": [3]}


def test_it_ends_chains_at_the_last_copy_and_prefers_confirmed_links():
    incoming = {
        2: [Edge(link_id=1, target_id=2, score=0.9, source_article_id=1)],
        3: [
            Edge(link_id=2, target_id=3, score=0.5, source_article_id=2, status="confirmed"),
            Edge(link_id=3, target_id=3, score=0.9, source_article_id=1),
        ],
        1: [],
    }
    assert [c.key for c in build_chains(incoming)] == ["a1>a2>a3"]
