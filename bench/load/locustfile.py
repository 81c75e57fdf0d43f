"""Review pages under load: 20 reviewers browsing the queue, chains and articles.

Run through bench/load/run.sh (seeds, serves with gunicorn on PostgreSQL, runs locust headless).
Each simulated reviewer signs in once, then opens queue pages (with and without filters and
search), chain pages and article pages at random.
"""

import os
import random
import re

from locust import HttpUser, between, task

CHAIN_IDS = [int(x) for x in os.environ.get("BENCH_CHAIN_IDS", "").split(",") if x]
ARTICLE_IDS = [int(x) for x in os.environ.get("BENCH_ARTICLE_IDS", "").split(",") if x]
USERS = [f"load{i}" for i in range(20)]
PASSWORD = "load-test-password"
THINK = float(os.environ.get("BENCH_THINK_SECONDS", "1.0"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _plain_http_cookies(client) -> None:
    # The app runs with production settings (secure cookies); the load test talks plain HTTP locally.
    for cookie in client.cookies:
        cookie.secure = False


_signed_in = 0


class Reviewer(HttpUser):
    wait_time = between(THINK * 0.5, THINK * 1.5) if THINK else between(0, 0)

    def on_start(self) -> None:
        page = self.client.get("/login/", name="login")
        _plain_http_cookies(self.client)
        token = CSRF.search(page.text).group(1)
        response = self.client.post(
            "/login/", data={"username": random.choice(USERS), "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/login/"}, name="login", allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"login failed: {response.status_code}")
        _plain_http_cookies(self.client)
        # Signing in hashes a password (deliberately slow): measure the pages only once everyone is in.
        global _signed_in
        _signed_in += 1
        if _signed_in == self.environment.runner.target_user_count:
            self.environment.stats.reset_all()

    @task(3)
    def queue(self) -> None:
        choice = random.random()
        if choice < 0.5:
            self.client.get(f"/queue/?page={random.randint(1, 20)}", name="queue")
        elif choice < 0.75:
            self.client.get(f"/queue/?kind=partial&page={random.randint(1, 5)}", name="queue (filtered)")
        else:
            word = random.choice(["militants", "ceasefire", "pipeline", "refugees", "sanctions"])
            self.client.get(f"/queue/?q={word}", name="queue (search)")

    @task(3)
    def chain(self) -> None:
        self.client.get(f"/chains/{random.choice(CHAIN_IDS)}/", name="chain")

    @task(3)
    def article(self) -> None:
        self.client.get(f"/articles/{random.choice(ARTICLE_IDS)}/", name="article")
