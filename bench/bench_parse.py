"""Parse throughput and peak memory of the extraction engine, per single process.

Text: the five seed pages (scraped text with comments, menus, dumps) and METER-style wire copy,
each varied per copy (numbers, names, paragraph order) so no two are the same.
HTML: generated news pages (head metadata, navigation, article, related links, comments, footer)
of realistic size (~40-80 KB), built from the seed texts.

    uv run python bench/bench_parse.py [--text N] [--html N] [--seed S]

Prints a table; results are recorded in docs/benchmarks.md under "## Parsing".
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from provenance.detect.outlets import OutletDirectory, OutletEntry  # noqa: E402
from provenance.extract import Document, NameFinder, read_file, resolve_metadata  # noqa: E402

SEEDS = ROOT / "samples" / "seeds"
WIRE = """  ------------------------------------------------------------------------

  ------------------------------------------------------------------------

                {hh}:{mm} {dd}/08/99: Page 1 (HHH) SHOWBIZ Story{n}
  ------------------------------------------------------------------------
STAR {n} ``QUITS'' SHOW AFTER {years} YEARS<
\x19By Reporter {n}, PA News<
{paragraphs}
\x19end
"""


def _finder() -> NameFinder:
    data = json.loads((ROOT / "provenance" / "corpus" / "data" / "outlets.json").read_text())
    entries = [
        OutletEntry(i, o["name"], tuple(o["aliases"]), tuple(o["domains"])) for i, o in enumerate(data["outlets"], 1)
    ]
    return NameFinder(OutletDirectory(entries))


def _vary(text: str, rng: random.Random, n: int) -> str:
    lines = text.split("\n")
    for _ in range(3):
        i = rng.randrange(len(lines))
        lines[i] = lines[i].replace(" the ", f" the {rng.choice(['local', 'regional', 'northern', 'main'])} ", 1)
    return "\n".join(lines).replace("3,000", f"{rng.randint(1000, 9999):,}") + f"\n\nCase {n}."


def text_corpus(count: int, rng: random.Random) -> list[tuple[str, bytes]]:
    seeds = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    sentences = [s.strip() + "." for s in " ".join(seeds).replace("\n", " ").split(".") if len(s.split()) > 6]
    files = []
    for n in range(count):
        if n % 3 == 2:
            paragraphs = "\n".join(
                "\x19" + "\n".join(_wrap(" ".join(rng.sample(sentences, 2)))) + "<" for _ in range(rng.randint(6, 14))
            )
            text = WIRE.format(hh=rng.randint(10, 23), mm=rng.randint(10, 59), dd=rng.randint(10, 28), n=n,
                               years=rng.randint(2, 30), paragraphs=paragraphs)
        else:
            text = _vary(seeds[n % len(seeds)], rng, n)
        files.append((f"page{n}.txt", text.encode()))
    return files


def _wrap(text: str, width: int = 76) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + ([line] if line else [])


def html_corpus(count: int, rng: random.Random) -> list[tuple[str, bytes]]:
    seeds = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    paragraphs = [line.strip() for s in seeds for line in s.split("\n") if len(line.split()) > 15]
    files = []
    for n in range(count):
        title = f"Militants flee advancing army as offensive enters day {n}"
        body = "".join(f"<p>{p}</p>\n" for p in rng.sample(paragraphs, rng.randint(8, 14)))
        nav = "".join(f'<li><a href="/section/{i}" class="nav-item nav-{i}">Section {i}</a></li>' for i in range(150))
        related = "".join(f'<li><a href="/news/{rng.randint(1, 10**6)}">Related headline number {i} about the war</a></li>' for i in range(20))
        comments = "".join(
            f'<div class="comment"><span class="author">reader{i}</span><p>{rng.choice(paragraphs)[:200]}</p></div>' for i in range(15)
        )
        scripts = "".join(f"<script>var tracker{i} = {{id: {i}, data: '{'x' * 1500}'}};</script>" for i in range(20))
        page = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} - Example News</title>
<meta property="og:site_name" content="Example News"><meta property="og:title" content="{title}">
<meta property="article:published_time" content="2015-10-{rng.randint(10, 28)}T{rng.randint(10, 23)}:00:00+00:00">
<meta name="author" content="Staff writer">{scripts}<style>body {{ font-family: serif; }} .x{n} {{ color: red; }}</style></head>
<body><header><nav><ul>{nav}</ul></nav></header><main><article><h1>{title}</h1>
<div class="byline">By Staff writer</div><time datetime="2015-10-12">12 October 2015</time>
{body}<p>Source: RT</p></article>
<aside><h3>Related</h3><ul>{related}</ul></aside><section class="comments"><h3>Comments</h3>{comments}</section></main>
<footer><p>Copyright 2015 Example News. All rights reserved.</p><ul>{nav}</ul></footer></body></html>"""
        files.append((f"page{n}.html", page.encode()))
    return files


def run(files: list[tuple[str, bytes]], finder: NameFinder) -> tuple[float, int]:
    started = time.perf_counter()
    documents = 0
    for name, data in files:
        for result in read_file(data, name, finder=finder):
            if isinstance(result, Document):
                resolve_metadata(result, finder=finder)
                documents += 1
    return time.perf_counter() - started, documents


def peak_traced(files: list[tuple[str, bytes]], finder: NameFinder) -> int:
    tracemalloc.start()
    run(files, finder)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--text", type=int, default=3000)
    parser.add_argument("--html", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    finder = _finder()
    corpora = {"text": text_corpus(args.text, rng), "html": html_corpus(args.html, rng)}
    run(corpora["text"][:20], finder)  # warm up imports and caches
    run(corpora["html"][:5], finder)
    rows = []
    for kind, files in corpora.items():
        seconds, documents = run(files, finder)
        megabytes = sum(len(d) for _n, d in files) / 1e6
        peak = peak_traced(files[: min(len(files), 100)], finder)
        rows.append((kind, len(files), documents, megabytes, seconds, len(files) / seconds, peak / 1e6))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"machine: {platform.node()} · {platform.processor() or platform.machine()} · Python {platform.python_version()} · one process")
    print(f"{'kind':<6} {'files':>6} {'docs':>6} {'MB':>7} {'seconds':>8} {'files/s':>8} {'peak traced MB':>15}")
    for kind, count, documents, megabytes, seconds, rate, peak in rows:
        print(f"{kind:<6} {count:>6} {documents:>6} {megabytes:>7.1f} {seconds:>8.2f} {rate:>8.1f} {peak:>15.1f}")
    print(f"peak resident set size of the process: {rss:.0f} MB")


if __name__ == "__main__":
    main()
