"""Benchmark detection end to end (parse, detect, store) and the cost of adding one article.

    createdb -h 127.0.0.1 -U postgres bench_detect
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_detect \
        uv run python bench/bench_detect.py --throughput 1000 --sizes 1000 10000 100000

It uses (and empties) the database DATABASE_URL names; it refuses databases named test, postgres or
root, and any database whose name does not contain "bench". REDIS_URL is ignored: every task runs
in this one process, so the figures are per worker process.

1. Throughput: a generated corpus (bench/generate_corpus.py) is written as files with a manifest and
   ingested with `manage.py ingest --wait` — the upload pipeline, with detection queued on commit
   and run in-process. Articles per second = articles / wall time.
2. Add one: the database is filled with N generated articles whose fingerprints are in the index
   (bulk-loaded: articles and their fingerprint rows, computed by the real fingerprint code), then
   single files that copy one of those articles are ingested one at a time; the median wall time of
   an ingest (parse, candidates from the index, alignment, links, chains) is reported, with the median
   CPU time this process spent on it (the database server's time is in the wall time only).
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provenance.settings")


def _check_database() -> str:
    from django.db import connection

    name = connection.settings_dict["NAME"]
    base = Path(str(name)).name
    if base in {"test", "postgres", "root"} or "bench" not in base:
        raise SystemExit(f"refusing to use database {name!r}: name it e.g. bench_detect")
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)  # a fresh database works with any options
    return connection.vendor


def _reset() -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    tables = ["review_chainlink", "review_chainnode", "review_decision", "review_annotation", "review_chain",
              "review_link", "corpus_credit", "corpus_articlefingerprint", "corpus_uploaditem", "corpus_article",
              "corpus_uploadfile", "corpus_upload"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")
    from provenance.corpus.outlets import outlet_directory_changed
    from provenance.corpus.services import outlets_load_defaults

    outlets_load_defaults()
    outlet_directory_changed()


def _ingest(folder: Path, files: list[str]) -> None:
    from django.core.management import call_command

    call_command("ingest", *[str(folder / f) for f in files], manifest=str(folder / "manifest.csv"), wait=True,
                 stdout=io.StringIO())


def throughput(n: int, seed: int) -> dict:
    from generate_corpus import generate, write

    from provenance.corpus.models import Article
    from provenance.review.models import Chain, Link

    _reset()
    articles = generate(n, seed)
    with tempfile.TemporaryDirectory(prefix="bench-detect-") as tmp:
        folder = Path(tmp)
        write(articles, folder)
        started = time.perf_counter()
        _ingest(folder, [a["path"] for a in articles])
        elapsed = time.perf_counter() - started
    created = Article.objects.count()
    return {
        "articles": created,
        "seconds": round(elapsed, 2),
        "articles_per_second": round(created / elapsed, 1),
        "links": Link.objects.count(),
        "chains": Chain.objects.count(),
    }


def _bulk_load(articles: list[dict]) -> None:
    """Articles and their fingerprint rows, inserted directly (COPY on PostgreSQL)."""
    import hashlib
    from datetime import timezone as dt_timezone

    from django.db import connection, transaction

    from provenance.corpus.models import Article, ArticleFingerprint, Outlet
    from provenance.detect.fingerprints import fingerprint
    from provenance.detect.text import tokenize

    outlets = dict(Outlet.objects.values_list("name", "id"))
    seen: set[str] = set()
    unique = []
    for a in articles:  # a generated republication may equal its source: one article, as ingestion does
        digest = hashlib.sha256(a["text"].encode()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            unique.append(a)
    articles = unique
    batch = 2000
    for start in range(0, len(articles), batch):
        chunk = articles[start : start + batch]
        rows = [
            Article(
                outlet_id=outlets.get(a["outlet"]),
                title=a["title"],
                text=a["text"],
                raw_text=a["text"],
                content_hash=hashlib.sha256(a["text"].encode()).hexdigest(),
                path=a["path"],
                published_at=a["published_at"].replace(tzinfo=dt_timezone.utc),
                date_uncertainty_hours=0.5,
            )
            for a in chunk
        ]
        with transaction.atomic():
            created = Article.objects.bulk_create(rows, ignore_conflicts=False)
            prints = [(row.id, fingerprint(tokenize(row.text)).rows()) for row in created]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    raw = cursor.cursor
                    with raw.copy(
                        f"COPY {ArticleFingerprint._meta.db_table} (article_id, band, value) FROM STDIN"
                    ) as copy:
                        for article_id, fp_rows in prints:
                            for band, value in fp_rows:
                                copy.write_row((article_id, band, value))
            else:
                ArticleFingerprint.objects.bulk_create(
                    [ArticleFingerprint(article_id=i, band=b, value=v) for i, fp_rows in prints for b, v in fp_rows],
                    batch_size=5000,
                )
        print(f"  loaded {start + len(chunk)}/{len(articles)}", file=sys.stderr, flush=True)


def detect_only(n: int, seed: int, batch: int = 200) -> dict:
    """Detection alone (no parsing): bulk-load n articles with their fingerprints, then detect them in
    batches of `batch` as the ingest task does."""
    from generate_corpus import generate

    from provenance.corpus.models import Article
    from provenance.review.detection import detect_articles
    from provenance.review.models import Link

    _reset()
    _bulk_load(generate(n, seed))
    ids = list(Article.objects.order_by("id").values_list("id", flat=True))
    started = time.perf_counter()
    for start in range(0, len(ids), batch):
        detect_articles(ids[start : start + batch])
    elapsed = time.perf_counter() - started
    return {"articles": len(ids), "seconds": round(elapsed, 2), "articles_per_second": round(len(ids) / elapsed, 1),
            "links": Link.objects.count()}


def add_one(size: int, seed: int, repeats: int, reuse: bool = False) -> dict:
    import random

    from generate_corpus import generate, write

    from provenance.corpus.models import Article, ArticleFingerprint

    background = generate(size, seed)
    started = time.perf_counter()
    loaded = Article.objects.exclude(path__startswith="added/").count()
    if reuse and loaded == len({a["text"] for a in background}):
        # The same seeded corpus is already loaded: only the articles added by an earlier run go.
        Article.objects.filter(path__startswith="added/").delete()
    else:
        _reset()
        _bulk_load(background)
    load_seconds = time.perf_counter() - started
    with __import__("django.db").db.connection.cursor() as cursor:
        if __import__("django.db").db.connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    rng = random.Random(seed + 1)
    timings, cpu_timings = [], []
    for attempt in range(repeats):
        original = rng.choice(background)
        copy = dict(original)
        copy["path"] = f"added/{attempt}.txt"
        copy["outlet"] = "Global Research"
        copy["published_at"] = original["published_at"].replace(year=original["published_at"].year + 1)
        copy["text"] = f"Republished. {original['text']}\n\nThe original source of this article is {original['outlet']}"
        with tempfile.TemporaryDirectory(prefix="bench-add-") as tmp:
            folder = Path(tmp)
            write([copy], folder)
            begin, begin_cpu = time.perf_counter(), time.process_time()
            _ingest(folder, [copy["path"]])
            timings.append(time.perf_counter() - begin)
            cpu_timings.append(time.process_time() - begin_cpu)
    added = Article.objects.filter(path__startswith="added/")
    linked = sum(1 for a in added if a.incoming_links.filter(source_article__isnull=False).exists())
    return {
        "corpus": size,
        "fingerprint_rows": ArticleFingerprint.objects.count(),
        "load_seconds": round(load_seconds, 1),
        "add_one_median_ms": round(1000 * statistics.median(timings), 1),
        "add_one_ms": [round(1000 * t, 1) for t in timings],
        # This process's CPU time (not the database server's): steadier than wall time on a busy machine.
        "add_one_cpu_median_ms": round(1000 * statistics.median(cpu_timings), 1),
        "copies_linked_to_their_source": f"{linked}/{repeats}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--throughput", type=int, default=1000, help="articles for the throughput run (0: skip)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--detect-only", type=int, default=0, help="articles for a detection-only run (0: skip)")
    parser.add_argument("--reuse", action="store_true",
                        help="for one size: keep the corpus already loaded if it is that size and seed")
    args = parser.parse_args()

    import django

    django.setup()
    vendor = _check_database()
    print(f"database: {vendor}")
    if args.throughput:
        result = throughput(args.throughput, args.seed)
        print(f"end to end: {result}", flush=True)
    if args.detect_only:
        print(f"detection only: {detect_only(args.detect_only, args.seed)}", flush=True)
    for size in args.sizes:
        result = add_one(size, args.seed, args.repeats, reuse=args.reuse)
        print(f"add one: {result}", flush=True)


if __name__ == "__main__":
    main()
