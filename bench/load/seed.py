"""Fill a database with a corpus the size of the load test: 10,000 articles and 2,000 proposed links.

    DATABASE_URL=postgres://postgres@127.0.0.1/bench_load uv run python bench/load/seed.py

Bulk inserts (a few seconds). Refuses to run on a database that already holds articles, so it never
mixes with real data; use a dedicated database (bench_load), never the application's.
"""

import hashlib
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provenance.settings")

import django

django.setup()

from django.contrib.auth.models import Group, User
from django.db import connection, transaction

from provenance.corpus.models import Article, Credit, Outlet
from provenance.review.models import Chain, ChainLink, ChainNode, Link

ARTICLES = int(os.environ.get("BENCH_ARTICLES", "10000"))
LINKS = int(os.environ.get("BENCH_LINKS", "2000"))
OUTLETS = 60
PASSWORD = "load-test-password"
WORDS = ["militants", "army", "ministry", "defence", "offensive", "region", "province", "city", "source", "official", "reported", "killed", "fled", "airstrikes", "government", "forces", "border", "convoy", "statement", "agency", "according", "told", "said", "spokesman", "week", "village", "town", "report", "claims", "operation", "groups", "fighters", "positions", "attack", "control", "area", "security", "council", "talks", "ceasefire", "refugees", "aid", "humanitarian", "minister", "president", "election", "protest", "police", "court", "sanctions", "oil", "gas", "pipeline", "economy", "market", "prices", "inflation", "bank", "currency", "trade", "exports", "deal", "summit", "leaders", "meeting"]


# Filler vocabulary: 4,000 made-up words drawn with a long tail, so that, as in real news, a topical
# word such as "ceasefire" appears in a minority of the articles (about one in ten), not in all.
_SYLLABLES = ["ka", "lo", "mir", "sen", "ta", "vor", "pel", "dun", "gra", "sho", "ne", "ri", "bal", "tem", "qu", "zo"]
_FILLER_RNG = random.Random(7)
FILLER = sorted({"".join(_FILLER_RNG.choice(_SYLLABLES) for _ in range(3)) for _ in range(20000)})[:4000]


def word(rng: random.Random) -> str:
    if rng.random() < 0.04:
        return rng.choice(WORDS)
    return FILLER[min(int(rng.paretovariate(1.1)) - 1, len(FILLER) - 1)]


def sentence(rng: random.Random) -> str:
    words = [word(rng) for _ in range(rng.randint(12, 24))]
    return " ".join(words).capitalize() + "."


def body(rng: random.Random, n: int) -> str:
    paragraphs = []
    for p in range(rng.randint(5, 9)):
        paragraphs.append(" ".join(sentence(rng) for _ in range(rng.randint(2, 4))))
    return f"Story {n}. " + "\n\n".join(paragraphs)


def main() -> None:
    if Article.objects.exists():
        sys.exit("This database already holds articles: seed an empty one (createdb bench_load).")
    rng = random.Random(42)
    started = time.perf_counter()
    with transaction.atomic():
        for name in ("analyst", "reviewer", "moderator"):
            Group.objects.get_or_create(name=name)
        for i in range(20):
            user, _ = User.objects.get_or_create(username=f"load{i}")
            user.set_password(PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name="reviewer"))
        outlets = Outlet.objects.bulk_create(
            [Outlet(name=f"Load Outlet {i}", slug=f"load-outlet-{i}", aliases=[f"LO{i}"], domains=[f"lo{i}.example"])
             for i in range(OUTLETS)]
        )
        base = datetime(2015, 1, 1, tzinfo=UTC)
        articles = []
        for n in range(ARTICLES):
            text = body(rng, n)
            articles.append(Article(
                outlet=rng.choice(outlets), title=sentence(rng)[:120], text=text, raw_text=text,
                content_hash=hashlib.sha256(text.encode()).hexdigest(), path=f"load/{n}.txt",
                published_at=base + timedelta(hours=n), language="en", source_format="text",
                field_sources={"title": {"source": "text", "confidence": 0.8}},
            ))
        articles = Article.objects.bulk_create(articles, batch_size=1000)
        credits = []
        for article in articles[: ARTICLES // 3]:
            outlet = rng.choice(outlets)
            start = article.text.index(".") + 2
            credits.append(Credit(article=article, outlet=outlet, name=outlet.name, cue="according to",
                                  role="source", start=start, end=start + 10, sentence=article.text[start:start + 80]))
        Credit.objects.bulk_create(credits, batch_size=1000)

        def evidence(source: Article, target: Article) -> dict:
            s_len, t_len = len(source.text), len(target.text)
            a = rng.randint(0, max(0, s_len - 400))
            b = rng.randint(0, max(0, t_len - 400))
            return {
                "credits": [{"outlet_id": source.outlet_id, "name": source.outlet.name, "cue": "according to",
                             "role": "source", "start": 0, "end": 5, "sentence": target.text[:120]}],
                "passages": [{"source_start": a, "source_end": a + 380, "target_start": b, "target_end": b + 380,
                              "words": 60}],
                "dates": {"source": source.published_at.isoformat(), "target": target.published_at.isoformat()},
                "containment": {"target_in_source": 0.4, "source_in_target": 0.3, "shared_words": 60},
            }

        links: list[Link] = []
        pairs = set()
        chains_wanted = LINKS // 4  # half the links sit on two-link chains
        triples = []
        while len(triples) < chains_wanted:
            x, y, z = sorted(rng.sample(range(ARTICLES), 3))
            if (x, y) in pairs or (y, z) in pairs:
                continue
            pairs.update({(x, y), (y, z)})
            triples.append((x, y, z))
        for x, y, z in triples:
            for s, t in ((x, y), (y, z)):
                links.append(Link(source_article=articles[s], target=articles[t], kind=rng.choice(["republication", "partial"]),
                                  score=round(rng.uniform(0.3, 0.99), 3), reasons=["shared passages", "published later"],
                                  evidence=evidence(articles[s], articles[t])))
        while len(links) < LINKS:
            s, t = sorted(rng.sample(range(ARTICLES), 2))
            if (s, t) in pairs:
                continue
            pairs.add((s, t))
            links.append(Link(source_article=articles[s], target=articles[t], kind="partial",
                              score=round(rng.uniform(0.3, 0.99), 3), reasons=["shared passages"],
                              evidence=evidence(articles[s], articles[t])))
        links = Link.objects.bulk_create(links, batch_size=500)
        chains, nodes, chain_links = [], [], []
        for i, (x, y, z) in enumerate(triples):
            chains.append(Chain(key=f"a{articles[x].pk}>a{articles[y].pk}>a{articles[z].pk}", final_article=articles[z],
                                score=min(links[2 * i].score, links[2 * i + 1].score)))
        chains = Chain.objects.bulk_create(chains, batch_size=500)
        for i, (chain, (x, y, z)) in enumerate(zip(chains, triples)):
            for position, index in enumerate((x, y, z)):
                nodes.append(ChainNode(chain=chain, position=position, article=articles[index]))
            chain_links.append(ChainLink(chain=chain, link=links[2 * i], position=0))
            chain_links.append(ChainLink(chain=chain, link=links[2 * i + 1], position=1))
        ChainNode.objects.bulk_create(nodes, batch_size=1000)
        ChainLink.objects.bulk_create(chain_links, batch_size=1000)
    # Planner statistics for the bulk-loaded tables: without them (autovacuum off, or not run yet) the
    # planner guesses a few rows per table and the benchmark measures bad plans, not the pages.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded {len(articles)} articles, {len(links)} links, {len(chains)} chains "
          f"in {time.perf_counter() - started:.1f}s; users load0..load19 / {PASSWORD}")


if __name__ == "__main__":
    main()
