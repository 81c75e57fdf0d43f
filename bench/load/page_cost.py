"""Server-side cost of each review page, one request at a time (no network, no concurrency).

    DATABASE_URL=postgres://postgres@127.0.0.1/bench_load DEBUG=false SECRET_KEY=x ALLOWED_HOSTS=testserver \
        SECURE_SSL_REDIRECT=false STATIC_ROOT=var/bench_load/static uv run python bench/load/page_cost.py

Prints, per page, the median wall time, the median CPU time of the Django process (what the page costs
regardless of how busy the machine is) and the number of SQL queries. Run bench/load/run.sh first
(it seeds the database and collects static files).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provenance.settings")

import django

django.setup()

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from provenance.review.models import Chain, Link

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))


def main() -> None:
    client = Client()
    client.force_login(User.objects.get(username="load0"))
    chains = list(Chain.objects.order_by("?").values_list("pk", flat=True)[:ROUNDS])
    articles = list(Link.objects.order_by("?").values_list("target_id", flat=True)[:ROUNDS])
    pages = {
        "queue": lambda i: f"/queue/?page={i % 20 + 1}",
        "queue (filtered)": lambda i: f"/queue/?kind=partial&page={i % 5 + 1}",
        "queue (search)": lambda i: "/queue/?q=" + ["militants", "ceasefire", "pipeline", "refugees", "sanctions"][i % 5],
        "chain": lambda i: f"/chains/{chains[i % len(chains)]}/",
        "article": lambda i: f"/articles/{articles[i % len(articles)]}/",
        "dashboard": lambda i: "/",
    }
    print(f"{'page':18s} {'wall ms':>8s} {'cpu ms':>8s} {'queries':>8s}")
    for name, url in pages.items():
        client.get(url(0))  # warm the template cache
        walls, cpus, queries = [], [], []
        for i in range(ROUNDS):
            with CaptureQueriesContext(connection) as captured:
                wall, cpu = time.perf_counter(), time.process_time()
                response = client.get(url(i))
                walls.append((time.perf_counter() - wall) * 1000)
                cpus.append((time.process_time() - cpu) * 1000)
            assert response.status_code == 200, (url(i), response.status_code)
            queries.append(len(captured.captured_queries))
        print(f"{name:18s} {statistics.median(walls):8.1f} {statistics.median(cpus):8.1f} {max(queries):8d}")


if __name__ == "__main__":
    main()
