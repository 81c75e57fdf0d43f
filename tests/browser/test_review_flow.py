"""The review workflow in a real headless Chromium: upload the samples, review the chain, annotate.

Runs against pytest-django's live server. Needs Debian's chromium at /usr/bin/chromium: skipped
with a reason when it is absent, except under CI (CI=true), where its absence fails the run.
Screenshots land in docs/screenshots/.
"""

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls below are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "seeds"
SHOTS = ROOT / "docs" / "screenshots"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{CHROMIUM} is missing under CI: install Debian's chromium package.")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); browser tests skipped.")


@pytest.fixture
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield instance
        finally:
            instance.close()
            # ORM queries made while Playwright's loop runs get a connection of their own (asgiref's
            # context-local storage): close it here, or PostgreSQL refuses to drop the test database.
            from django.db import connections

            connections.close_all()


@pytest.fixture
def reviewer_account(transactional_db):
    from django.contrib.auth.models import Group

    from provenance.accounts.roles import ROLES
    from provenance.corpus.outlets import outlet_directory_changed
    from provenance.corpus.services import outlets_load_defaults
    from tests.factories import PASSWORD, UserFactory

    # A transactional test flushes tables: make sure the role groups and the outlet list are there.
    for role in ROLES:
        Group.objects.get_or_create(name=role)
    outlets_load_defaults()
    outlet_directory_changed()
    user = UserFactory(username="reviewer1", role="reviewer")
    return user.username, PASSWORD


def _sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def _watch_console(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(f"{page.url}: {msg.text} @ {msg.location}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return problems


def _select_text(page, container: str, needle: str) -> None:
    """Select `needle` inside the container the way a mouse drag does, then release the mouse."""
    page.evaluate(
        """([selector, needle]) => {
            const root = document.querySelector(selector);
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const at = node.textContent.indexOf(needle);
                if (at !== -1) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + needle.length);
                    const selection = window.getSelection();
                    selection.removeAllRanges();
                    selection.addRange(range);
                    node.parentElement.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
                    return;
                }
            }
            throw new Error("text not found: " + needle);
        }""",
        [container, needle],
    )


def test_it_reviews_the_ria_rt_global_research_chain_end_to_end(live_server, browser, reviewer_account):
    from provenance.corpus.models import Article
    from provenance.review.models import Chain, Link

    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = _watch_console(page)
    _sign_in(page, base, *reviewer_account)

    # Upload the five samples through the upload page and watch the progress finish.
    page.goto(f"{base}/uploads/new/")
    files = sorted(str(path) for path in SAMPLES.glob("*.txt"))
    assert len(files) == 5
    page.set_input_files("input[name=files]", files)
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url(re.compile(r"/uploads/\d+/$"))
    progress = page.locator("#upload-progress")
    progress.get_by_text("Done").wait_for(timeout=60_000)
    assert "5 new articles" in " ".join(progress.inner_text().split())

    # The dashboard shows what waits for review.
    page.goto(f"{base}/")
    page.locator("#queue-counters").wait_for()
    assert int(page.locator('#queue-counters [data-counter="links"]').inner_text()) > 0

    # Find the RIA Novosti → RT → Global Research chain in the queue and open it.
    chain = next(
        (c for c in Chain.objects.all()
         if [str(n.display_outlet) for n in c.ordered_nodes()][-3:] == ["RIA Novosti", "RT", "Global Research"]),
        None,
    )
    assert chain is not None, [str(c) for c in Chain.objects.all()]
    page.goto(f"{base}/queue/?show=chains")
    page.locator(f'.chain-row a[href="/chains/{chain.pk}/"]').click()
    page.wait_for_url(f"{base}/chains/{chain.pk}/")

    # The timeline, a highlighted credit, and passages side by side.
    assert page.locator("svg.timeline-svg").is_visible()
    credit = page.locator(".credit-sentence mark.hl-credit").first
    credit.wait_for()
    assert credit.inner_text().strip() in {"RT", "Russia Today", "RIA Novosti", "RIA", "RIA news agency"}
    passages = page.locator(".passage .side-by-side").first
    assert passages.locator(".side-source .passage-text").is_visible()
    assert passages.locator(".side-target .passage-text").is_visible()
    page.screenshot(path=str(SHOTS / "chain.png"), full_page=True)

    # Confirm the first link with the keyboard; the counter changes without a reload.
    page.evaluate("window.__noReload = true")
    counter = page.locator('#queue-counters [data-counter="links"]')
    before = int(counter.inner_text())
    first_card = page.locator("[data-link]").first
    link_id = int(first_card.get_attribute("data-link"))
    assert page.locator("[data-link]").count() > 1
    page.locator("body").press("c")  # nothing selected: a hint, no decision; moving clears the hint
    hint = page.locator("#flash .message", has_text="Select a link first")
    hint.wait_for()
    page.locator("body").press("j")
    hint.wait_for(state="detached")
    page.keyboard.press("c")
    page.locator(f"#link-{link_id}-decision .badge", has_text="Confirmed").wait_for()
    page.wait_for_function(
        "([before]) => Number(document.querySelector('#queue-counters [data-counter=\"links\"]').textContent) === before - 1",
        arg=[before],
    )
    assert page.evaluate("window.__noReload") is True
    assert Link.objects.get(pk=link_id).status == "confirmed"
    # "?" shows the keys; Escape closes the dialog.
    page.locator("body").press("?")
    help_dialog = page.locator("#keyboard-help")
    help_dialog.wait_for(state="visible")
    assert "Confirm the selected link" in help_dialog.inner_text()
    page.keyboard.press("Escape")
    help_dialog.wait_for(state="hidden")

    # Annotate a span of the Global Research article and find the note after a reload.
    article = Article.objects.get(pk=chain.final_article_id)
    page.goto(f"{base}/articles/{article.pk}/")
    quote = "fled to Jordan"
    assert quote in article.text
    _select_text(page, "#article-text", quote)
    assert page.locator("[data-span-quote]").input_value() == quote
    page.locator("[data-note-body]").fill("Compare with the RIA wire: the Jordan claim is theirs.")
    page.get_by_role("button", name="Save note").click()
    page.locator("#notes-list .note", has_text="the Jordan claim is theirs").wait_for()
    page.reload()
    note = page.locator("#notes-list .note", has_text="the Jordan claim is theirs")
    assert note.is_visible() and quote in note.inner_text()
    assert page.locator("#article-text .hl-note", has_text="Jordan").count() >= 1
    page.screenshot(path=str(SHOTS / "article.png"), full_page=True)

    # Back on the dashboard, the decision is among the recent ones.
    page.goto(f"{base}/")
    page.locator("#recent-heading").wait_for()
    assert "confirmed" in page.locator("section", has=page.locator("#recent-heading")).inner_text().lower()
    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)

    # The same chain page on a phone-sized screen.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    phone_page = phone.new_page()
    _sign_in(phone_page, base, *reviewer_account)
    phone_page.goto(f"{base}/chains/{chain.pk}/")
    phone_page.screenshot(path=str(SHOTS / "chain-390.png"), full_page=True)
    phone.close()
    context.close()

    csp = [p for p in problems if "Content Security Policy" in p or "Refused" in p]
    assert not csp, csp
    assert not [p for p in problems if "Uncaught" in p or "TypeError" in p], problems


def test_it_reviews_without_javascript(live_server, browser, reviewer_account):
    """With JavaScript off, the same forms post and redirect back with a message."""
    from provenance.review.models import Annotation, Link
    from tests.review_fixtures import build_chain

    data = build_chain()
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    _sign_in(page, base, *reviewer_account)

    # Filters are a plain GET form: the URL carries them.
    page.goto(f"{base}/queue/")
    page.get_by_label("Kind").select_option("republication")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"kind=republication"))
    rows = page.locator(".link-row")
    assert rows.count() == 1

    # Deciding posts the row's form (its buttons alone) and lands back on the queue with a message.
    rows.first.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r"/queue/\?.*kind=republication"))
    assert "Confirmed" in page.locator(".messages").inner_text()
    assert Link.objects.get(pk=data["second"].pk).status == "confirmed"

    # A note through the plain form, with the span typed in.
    article = data["gr_article"]
    page.goto(f"{base}/articles/{article.pk}/")
    start = article.text.index("Islamic State")
    page.get_by_label("From character").fill(str(start))
    page.get_by_label("To character").fill(str(start + len("Islamic State")))
    page.get_by_label("Note", exact=True).fill("Typed without a mouse")
    page.get_by_role("button", name="Save note").click()
    page.wait_for_url(re.compile(rf"/articles/{article.pk}/#note-\d+$"))
    assert page.locator("#notes-list .note", has_text="Typed without a mouse").is_visible()
    assert Annotation.objects.get().quote == "Islamic State"
    context.close()


def test_it_shows_the_second_reviewer_the_first_decision(live_server, browser, reviewer_account):
    """Two reviewers on the same chain page: the later click gets a conflict, nothing is overwritten."""
    from provenance.review.models import Link
    from tests.factories import PASSWORD, UserFactory
    from tests.review_fixtures import build_chain

    data = build_chain()
    link = data["second"]
    other = UserFactory(username="reviewer2", role="reviewer")
    base = live_server.url
    pages = []
    for username in (reviewer_account[0], other.username):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        _sign_in(page, base, username, PASSWORD)
        page.goto(f"{base}/chains/{data['chain'].pk}/")
        pages.append(page)
    first, second = pages
    first.locator(f"#link-{link.pk}-decision").get_by_role("button", name="Confirm").click()
    first.locator(f"#link-{link.pk}-decision .badge", has_text="Confirmed").wait_for()
    # The second reviewer's page still shows version 1.
    second.locator(f"#link-{link.pk}-decision").get_by_role("button", name="Reject").click()
    conflict = second.locator(f"#link-{link.pk}-decision .conflict")
    conflict.wait_for()
    assert "was not recorded" in conflict.inner_text()
    assert f"{reviewer_account[0]} marked it Confirmed" in " ".join(conflict.inner_text().split())
    stored = Link.objects.get(pk=link.pk)
    assert stored.status == "confirmed" and stored.decided_by.username == reviewer_account[0]
    for page in pages:
        page.context.close()
