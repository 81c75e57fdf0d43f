"""Huge and hostile inputs: the linear-time scrape and the bounded fingerprints give what they gave before.

Speed itself is measured by bench/bench_hostile.py (docs/benchmarks.md, "Hostile sizes"); these tests
check behaviour, on inputs small enough to run fast even with the old quadratic code.
"""

import random
import re
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest

from provenance.detect import fingerprints
from provenance.detect.fingerprints import (
    _A,
    _B,
    _MERSENNE,
    MINHASH_CHUNK,
    fingerprint,
    lsh_bands,
    minhash,
)
from provenance.detect.outlets import OutletDirectory, OutletEntry
from provenance.detect.text import shingle_hashes, tokenize
from provenance.extract import NameFinder, read_file
from provenance.extract.scraped import _DOMAIN, _domains, clean_body, clean_line, parse_scraped

SEEDS = Path(__file__).resolve().parent.parent / "samples" / "seeds"
FINDER = NameFinder(
    OutletDirectory(
        [
            OutletEntry(1, "Sputnik", ("Sputnik News",), ("sputniknews.com",)),
            OutletEntry(2, "Reuters", ("REUTERS",), ("reuters.com",)),
            OutletEntry(3, "Example Daily", (), ("exampledaily.net",)),
        ]
    )
)
# What clean_line did with re.sub before its scanners replaced these regexes.
MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
MD_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)")
AUTOLINK = re.compile(r"<(?:https?|ftp)://[^>\s]+>")


def regex_clean_line(line: str) -> str:
    if "](" in line:
        line = MD_LINK.sub(r"\1", MD_IMAGE.sub("", line))
    if "<" in line:
        line = AUTOLINK.sub("", line)
    return " ".join(line.split())


def minhash_at_once(hashes: list[int]) -> np.ndarray:
    """The MinHash signature as first written: every shingle permuted in one NUM_PERM x n matrix."""
    values = np.asarray(hashes, dtype=np.uint64) & np.uint64(0xFFFFFFFF)
    return ((np.outer(_A, values) + _B[:, None]) % _MERSENNE).min(axis=1)


def test_it_computes_the_same_minhash_in_chunks():
    rng = np.random.default_rng(7)
    for size in (1, 5, MINHASH_CHUNK - 1, MINHASH_CHUNK, MINHASH_CHUNK + 1, 3 * MINHASH_CHUNK + 17):
        hashes = [int(x) for x in rng.integers(0, 2**63 - 1, size=size, dtype=np.int64)]
        hashes += hashes[: size // 2]  # a shingle repeated in the text
        signature = minhash(hashes)
        assert signature.dtype == np.uint64
        assert np.array_equal(signature, minhash_at_once(hashes))


def test_it_keeps_the_fingerprints_of_the_seed_articles():
    for path in sorted(SEEDS.glob("*.txt")):
        document = next(read_file(path.read_bytes(), path.name))
        tokens = tokenize(document.text)
        hashes = shingle_hashes(tokens.words, 5)
        assert fingerprint(tokens).bands == lsh_bands(minhash_at_once(hashes)), path.name


def test_it_fingerprints_a_text_longer_than_many_chunks():
    rng = random.Random(3)
    words = [f"w{rng.randrange(5000)}" for _ in range(4 * MINHASH_CHUNK)]
    tokens = tokenize(" ".join(words))
    print_ = fingerprint(tokens)
    assert print_.bands == lsh_bands(minhash_at_once(shingle_hashes(tokens.words, 5)))
    assert len(print_.rows()) > 32


def test_it_fingerprints_the_first_words_of_a_huge_text(monkeypatch):
    monkeypatch.setattr(fingerprints, "MAX_FINGERPRINT_WORDS", 1_000)
    rng = random.Random(4)
    words = [f"w{rng.randrange(300)}" for _ in range(3_000)]
    whole, head = tokenize(" ".join(words)), tokenize(" ".join(words[:1_000]))
    assert fingerprint(whole) == fingerprint(head)
    # A text within the limit is fingerprinted whole.
    assert fingerprint(head).bands == lsh_bands(minhash_at_once(shingle_hashes(head.words, 5)))
    assert max(anchor.position for anchor in fingerprint(whole).anchors) < 1_000


CRAFTED_PAGE = """Home / World / Harbour Strike Ends After Three Weeks of Talks
By Jane Roe
March 3, 2019
![the port at dawn](https://img.example/port.jpg)

Harbour Strike Ends After Three Weeks of Talks

Dock workers at the country's largest [port](https://example.org/port_(city)) returned to work on Saturday after unions and employers agreed a new pay deal.
The deal, reached late on Friday <https://exampledaily.net/deal>, raises pay by 6% this year and 4% next year, the [union said](http://x.org/a(b)c).
Source: Reuters
Minister Resigns Over Rail Tender Scandal
New Tunnel Plans Unveiled for Northern Link
strike, port, unions
Leave a Reply
Follow us on www.exampledaily.net and sputniknews.com.au or mirror.sputniknews.com
"""


def test_it_reads_a_crafted_page_as_before():
    # Expected values are what the parser gave before it was made linear.
    page = parse_scraped(CRAFTED_PAGE, FINDER)
    assert page.title == "Harbour Strike Ends After Three Weeks of Talks"
    assert page.title_confidence == 0.75
    assert page.byline == "Jane Roe"
    assert page.date.value == datetime(2019, 3, 3, 12, 0, tzinfo=timezone.utc)
    assert page.date_confidence == 0.6
    assert page.body == (
        "Dock workers at the country's largest port returned to work on Saturday after unions and employers"
        " agreed a new pay deal.\n\n"
        "The deal, reached late on Friday , raises pay by 6% this year and 4% next year, the union said.\n\n"
        "Source: Reuters"
    )
    assert page.credited == {"Reuters"}
    assert page.outlet_signals == [
        ("Example Daily", 0.4, "site furniture names www.exampledaily.net"),
        ("Sputnik", 0.4, "site furniture names sputniknews.com"),
        ("Sputnik", 0.4, "site furniture names mirror.sputniknews.com"),
    ]


WRAPPED_PAGE = """Ferry Service Resumes on the Northern Route
The ferry company said on Monday that crossings on the northern route would
resume this week after the storm damage to the pier had been repaired by
engineers working through the weekend, and that timetables were unchanged.
Short line.
Passengers who had booked crossings during the closure will be offered a
refund or a seat on a later sailing, a spokeswoman for the company said,
adding that the first crossing would leave at seven in the morning.

Copyright 2019 Example Daily
"""


def test_it_joins_hard_wrapped_lines_as_before():
    page = parse_scraped(WRAPPED_PAGE)
    assert page.title == "Ferry Service Resumes on the Northern Route"
    # A short line inside a paragraph does not end it: the rule measures the paragraph joined so far.
    assert page.body == (
        "The ferry company said on Monday that crossings on the northern route would resume this week after"
        " the storm damage to the pier had been repaired by engineers working through the weekend, and that"
        " timetables were unchanged. Short line. Passengers who had booked crossings during the closure will"
        " be offered a refund or a seat on a later sailing, a spokeswoman for the company said, adding that"
        " the first crossing would leave at seven in the morning."
    )


def test_it_reads_a_page_of_many_short_lines():
    rng = random.Random(1)
    lead = "The minister said on Monday that the army had taken the city after a long fight."
    menu = "\n".join(rng.choice(["war", "city", "news", "army", "day"]) for _ in range(30_000))
    page = parse_scraped(f"{lead}\n{menu}\n", FINDER)
    # The short lines after the article are headline and tag lines: all trimmed off its end.
    assert page.body == lead
    assert parse_scraped(menu).body == menu.split("\n", 1)[0]
    assert clean_body(f"{lead}\n{menu}") == lead


def test_it_joins_a_long_hard_wrapped_text_into_one_paragraph():
    line = "the ferry company said that crossings on the northern route would resume"
    page = parse_scraped("\n".join([line] * 5_000) + ".\n")
    assert page.body == " ".join([line] * 5_000) + "."


@pytest.mark.parametrize("seed", range(3))
def test_it_strips_markdown_and_autolinks_like_the_regexes(seed):
    rng = random.Random(seed)
    pieces = list("[]()!<> a:/\t") + ["http://", "<https://", "<ftp://", "](", "![", "é", "[a](b)", "(x)"]
    for _ in range(3_000):
        line = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        assert clean_line(line) == regex_clean_line(line), line


@pytest.mark.parametrize(
    "line",
    [
        "](" + "[" * 3_000,
        "[a](" + "(a" * 3_000,
        "[](" * 1_000 + ")",
        "![" * 2_000 + "](" + "x" * 100,
        "<http://x" * 1_000,
        "see [the report](http://x.org/a_(b)) and <https://example.org/path> " * 200,
    ],
)
def test_it_cleans_long_lines_of_markup_like_the_regexes(line):
    assert clean_line(line) == regex_clean_line(line)


@pytest.mark.parametrize("seed", range(3))
def test_it_finds_domains_like_the_regex(seed):
    rng = random.Random(seed)
    pieces = list("a.c-om w_é1 .") + ["com", "www.", "news", "me", "su", "ru.", "..", "RT", "rt.com", "info", "tv"]
    for _ in range(3_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        assert _domains(text) == [m.group(0) for m in _DOMAIN.finditer(text)], text


def test_it_finds_domains_in_a_long_run_of_labels():
    assert _domains("a." * 2_000) == []
    assert _domains("a." * 2_000 + "com") == ["a." * 2_000 + "com"]
    assert _domains("x " + "a." * 1_000 + "news.org.zz and reuters.com") == ["a." * 1_000 + "news.org", "reuters.com"]
