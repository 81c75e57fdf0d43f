"""Hostile sizes: time and peak memory of reading and detecting one huge text file.

Five inputs, each handled in fresh processes so that every peak resident set size is its own:

- lines:   2,000,000 short lines, one word each (8.8 MB);
- oneline: one 30 MB line of words (~4 million lower-case words drawn from the seed pages, no
           outlet names, no line break);
- normal:  a normal article (the seed page samples/seeds/001_*.txt, 7 KB, one word added);
- wrapped: 140,000 hard-wrapped lines of ~70 characters (10 MB), joined back into one paragraph;
- markup:  10 MB in five lines: "a.a.a…" (a header line the domain finder reads), "[[[…](x" and
           "<http://x<http://x…" (what clean_line strips as Markdown links and autolinks).

Stages, each in its own process:

- parse:  read_file + resolve_metadata, what the upload worker does with the bytes;
- detect: the detection engine without the database, on the text the parse stage extracted:
          tokenize, credits, fingerprint and its index rows, then alignment and comparison with each
          of the five seed articles in both roles, and (forced, whatever the thresholds say) the
          paraphrase sentence match of each of those pairs;
- pipeline (with --pipeline): the whole upload through Django in a scratch SQLite database — the
          five seeds ingested first, then the file with `ingest --wait` (parse, fingerprint index,
          candidates, alignment, links, chains); this ingest is timed, and then that of the next upload,
          a normal article (a seed page) quoting the file's first 60 words: the file is one of its
          candidates, so its detection loads, fingerprints and aligns the file.

    uv run python bench/bench_hostile.py [--cases lines oneline normal wrapped markup] [--stages parse detect] [--pipeline]

Prints a table; results are recorded in docs/benchmarks.md under "## Hostile sizes".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "samples" / "seeds"
CASES = ("lines", "oneline", "normal", "wrapped", "markup")


def make_input(case: str) -> bytes:
    rng = random.Random(20261121)
    if case == "lines":
        short = ["war", "city", "news", "army", "said", "day", "RT", "ok", "line", "fire"]
        return "\n".join(rng.choice(short) for _ in range(2_000_000)).encode() + b"\n"
    if case == "oneline":
        # Lower-case words of the seed pages, without those that name an outlet: every outlet name
        # in a one-line text costs find_credits a scan of the text (see docs/benchmarks.md).
        text = " ".join(p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))).lower()
        names = _finder().directory.pattern
        vocabulary = sorted(w for w in set(re.findall(r"[^\W_]+", text)) if not names.search(w))
        out, size = [], 0
        while size < 30_000_000:
            word = rng.choice(vocabulary)
            out.append(word)
            size += len(word) + 1
        return (" ".join(out) + ".").encode()
    if case == "wrapped":
        words = "the army said on monday that the city had been taken after a long fight".split()
        lines = []
        for _ in range(140_000):
            line = ""
            while len(line) < 68:
                line += rng.choice(words) + " "
            lines.append(line.strip())
        return ("\n".join(lines) + ".\n").encode()
    if case == "markup":
        lead = "The minister said on Monday that the army had taken the city after a long fight."
        return "\n".join(["a." * 1_500_000, lead, "[" * 3_000_000 + "](x", "<http://x" * 400_000, lead]).encode()
    # Not byte-identical to the seed, or the pipeline would refuse it as a duplicate.
    return sorted(SEEDS.glob("001_*.txt"))[0].read_bytes().replace(b"the ", b"the main ", 1)


def _rss_mb() -> float:
    """Peak resident set size of this process so far, in MB.

    VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over from the parent through fork and
    exec, so a child would report at least the parent's size.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _finder():
    from provenance.detect.outlets import OutletDirectory, OutletEntry
    from provenance.extract import NameFinder

    data = json.loads((ROOT / "provenance" / "corpus" / "data" / "outlets.json").read_text())
    entries = [
        OutletEntry(i, o["name"], tuple(o["aliases"]), tuple(o["domains"])) for i, o in enumerate(data["outlets"], 1)
    ]
    return NameFinder(OutletDirectory(entries))


def child_parse(path: Path, out: Path) -> dict:
    from provenance.extract import Document, read_file, resolve_metadata

    finder = _finder()
    data = path.read_bytes()
    started = time.perf_counter()
    results = list(read_file(data, path.name, finder=finder))
    for result in results:
        if isinstance(result, Document):
            resolve_metadata(result, finder=finder)
    seconds = time.perf_counter() - started
    document = next((r for r in results if isinstance(r, Document)), None)
    out.write_text(document.text if document else "", "utf-8")
    detail = f"body {len(document.text):,} chars" if document else f"refused: {results[0]}"
    return {"seconds": seconds, "detail": detail}


def child_detect(path: Path) -> dict:
    from provenance.detect.align import align
    from provenance.detect.credits import find_credits
    from provenance.detect.fingerprints import fingerprint
    from provenance.detect.links import ArticleData, compare
    from provenance.detect.text import tokenize
    from provenance.extract import Document, read_file

    finder = _finder()
    directory = finder.directory
    seeds = []
    for n, seed in enumerate(sorted(SEEDS.glob("*.txt")), 1):
        document = next(r for r in read_file(seed.read_bytes(), seed.name) if isinstance(r, Document))
        seeds.append(ArticleData(id=n, text=document.text, tokens=tokenize(document.text)))
    text = path.read_text("utf-8")
    timings = {}

    def timed(name, function):
        started = time.perf_counter()
        value = function()
        timings[name] = time.perf_counter() - started
        return value

    tokens = timed("tokenize", lambda: tokenize(text))
    credits = timed("credits", lambda: find_credits(text, directory))
    article = ArticleData(id=100, text=text, tokens=tokens, credits=credits)
    rows = timed("fingerprint", lambda: fingerprint(tokens).rows())

    def compare_all():
        pairs = []
        for seed in seeds:
            pairs.append(compare(seed, article, align(seed.tokens, tokens)))
            pairs.append(compare(article, seed, align(tokens, seed.tokens)))
        return pairs

    pairs = timed("align+compare", compare_all)
    timed("sentences", lambda: [pair.sentence_share(60.0) for pair in pairs])
    seconds = sum(timings.values())
    detail = f"{len(tokens):,} words, {len(rows):,} index rows; " + ", ".join(
        f"{name} {value:.1f}s" for name, value in timings.items()
    )
    return {"seconds": seconds, "detail": detail}


def child_pipeline(path: Path) -> dict:
    import io

    import django

    django.setup()
    from django.core.management import call_command

    from provenance.corpus.models import Article
    from provenance.corpus.outlets import outlet_directory_changed
    from provenance.corpus.services import outlets_load_defaults
    from provenance.extract import Document, read_file

    call_command("migrate", verbosity=0, interactive=False)
    outlets_load_defaults()
    outlet_directory_changed()
    seeds = sorted(str(p) for p in SEEDS.glob("*.txt"))
    call_command("ingest", *seeds, manifest=str(SEEDS / "manifest.csv"), wait=True, stdout=io.StringIO())
    before = _rss_mb()
    started = time.perf_counter()
    call_command("ingest", str(path), wait=True, stdout=io.StringIO())
    seconds = time.perf_counter() - started
    stored = Article.objects.count()
    # The next upload: a normal article quoting the file's first 60 words, so that the file is one
    # of its candidates (loaded, fingerprinted and aligned with it).
    following = path.with_name(f"{path.stem}.next.txt")
    quote = " ".join(path.read_bytes()[:4000].decode("utf-8", "ignore").split()[:60])
    seed = sorted(SEEDS.glob("002_*.txt"))[0]
    article = next(r for r in read_file(seed.read_bytes(), seed.name) if isinstance(r, Document)).text
    following.write_text(f"{article}\n\nAs one reader put it, {quote}.\n", "utf-8")
    started = time.perf_counter()
    call_command("ingest", str(following), wait=True, stdout=io.StringIO())
    after = time.perf_counter() - started
    stored_next = Article.objects.count() - stored
    return {"seconds": seconds, "detail": f"{stored} articles stored; RSS before this ingest {before:.0f} MB;"
                                          f" the next upload {after:.2f} s ({stored_next} stored)"}


def run_child(case: str, stage: str, folder: Path, timeout: float) -> dict:
    env = dict(os.environ)
    if stage == "pipeline":
        env.pop("REDIS_URL", None)
        env.update(
            DATABASE_URL=f"sqlite:///{folder / f'{case}.sqlite3'}",
            VAR_DIR=str(folder),
            MEDIA_ROOT=str(folder / f"media-{case}"),
            DJANGO_SETTINGS_MODULE="provenance.settings",
        )
        (folder / f"{case}.sqlite3").unlink(missing_ok=True)
    command = [sys.executable, __file__, "--child", case, stage, str(folder)]
    try:
        process = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"case": case, "stage": stage, "seconds": float("nan"), "peak_mb": float("nan"),
                "detail": f"stopped after {timeout:.0f} s"}
    lines = [line for line in process.stdout.splitlines() if line.startswith("RESULT ")]
    if process.returncode or not lines:
        tail = (process.stderr or process.stdout).strip().splitlines()[-5:]
        return {"case": case, "stage": stage, "seconds": float("nan"), "peak_mb": float("nan"),
                "detail": f"failed ({process.returncode}): " + " | ".join(tail)}
    return json.loads(lines[-1][len("RESULT "):])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    parser.add_argument("--stages", nargs="+", choices=("parse", "detect"), default=["parse", "detect"])
    parser.add_argument("--pipeline", action="store_true", help="also ingest each file through Django (SQLite)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a stage is stopped")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child:
        case, stage, folder = args.child[0], args.child[1], Path(args.child[2])
        source, body = folder / f"{case}.txt", folder / f"{case}.body.txt"
        if stage == "parse":
            result = child_parse(source, body)
        elif stage == "detect":
            result = child_detect(body)
        else:
            result = child_pipeline(source)
        result.update(case=case, stage=stage, peak_mb=_rss_mb())
        print("RESULT " + json.dumps(result))
        return
    stages = list(args.stages) + (["pipeline"] if args.pipeline else [])
    if "detect" in stages and "parse" not in stages:
        stages.insert(0, "parse")  # the detect stage reads what the parse stage extracted
    print(f"machine: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · one process per row")
    print(f"{'case':<8} {'stage':<9} {'MB in':>6} {'seconds':>8} {'peak RSS MB':>12}  detail")
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as name:
        folder = Path(name)
        for case in args.cases:
            data = make_input(case)
            (folder / f"{case}.txt").write_bytes(data)
            for stage in stages:
                row = run_child(case, stage, folder, args.timeout)
                print(f"{case:<8} {stage:<9} {len(data) / 1e6:>6.1f} {row['seconds']:>8.3f} {row['peak_mb']:>12.0f}  {row['detail']}",
                      flush=True)


if __name__ == "__main__":
    main()
