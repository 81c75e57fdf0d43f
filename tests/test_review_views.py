"""Review pages and their htmx fragments: rendering, permissions, conflicts, events, notes, search."""

import json
import re

import pytest
from django.urls import reverse

from provenance.corpus.models import Article
from provenance.review.models import Annotation, AuditEvent, Decision, Link
from tests.factories import (
    AnnotationFactory,
    ArticleFactory,
    LinkFactory,
    OutletFactory,
    UploadFactory,
    UserFactory,
)
from tests.review_fixtures import build_chain

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The queue counters are cached; every test starts without them."""
    from django.core.cache import cache

    cache.clear()
HX = {"HX-Request": "true"}


@pytest.fixture
def data():
    return build_chain()


def hx(target: str | None = None) -> dict:
    headers = dict(HX)
    if target:
        headers["HX-Target"] = target
    return headers


def page_urls(data) -> list[str]:
    return [
        reverse("dashboard"),
        reverse("queue"),
        reverse("queue") + "?show=chains",
        reverse("chain_detail", args=[data["chain"].pk]),
        reverse("link_detail", args=[data["second"].pk]),
        reverse("article_list"),
        reverse("article_detail", args=[data["gr_article"].pk]),
        reverse("outlet_list"),
        reverse("outlet_detail", args=["rt"]),
    ]


# --- Every page, with and without htmx --------------------------------------------------------


def test_it_renders_every_page_in_full_for_an_analyst(analyst_client, data):
    for url in page_urls(data):
        response = analyst_client.get(url)
        assert response.status_code == 200, url
        assert b"<html" in response.content, url
        assert response["Vary"] and "HX-Request" in response["Vary"], url


@pytest.mark.parametrize(
    "name,target,marker",
    [
        ("queue", "queue-results", 'id="queue-results"'),
        ("queue", "queue-counters", 'id="queue-counters"'),
        ("dashboard", "queue-counters", 'id="queue-counters"'),
        ("article_list", "article-results", 'id="article-results"'),
        ("outlet_list", "outlet-results", 'id="outlet-results"'),
    ],
)
def test_it_answers_htmx_with_just_the_fragment(reviewer_client, data, name, target, marker):
    response = reviewer_client.get(reverse(name), headers=hx(target))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert marker in body


def test_it_renders_detail_fragments_for_htmx(reviewer_client, data):
    link, chain = data["second"], data["chain"]
    response = reviewer_client.get(reverse("link_detail", args=[link.pk]), headers=hx(f"link-{link.pk}-decision"))
    assert response.status_code == 200 and b"<html" not in response.content
    assert f'id="link-{link.pk}-decision"'.encode() in response.content
    response = reviewer_client.get(reverse("chain_detail", args=[chain.pk]), headers=hx("chain-decision"))
    assert response.status_code == 200 and b"<html" not in response.content
    assert b'id="chain-decision"' in response.content
    response = reviewer_client.get(reverse("outlet_detail", args=["rt"]), headers=hx("outlet-articles"))
    assert response.status_code == 200 and b'id="outlet-articles"' in response.content
    assert b"<html" not in response.content
    for name, args in (("chain_detail", [chain.pk]), ("link_detail", [link.pk])):
        response = reviewer_client.get(reverse(name, args=args), headers=hx("queue-counters"))
        assert b'id="queue-counters"' in response.content and b"<html" not in response.content


def test_it_lists_proposed_links_by_score_with_counters(reviewer_client, data):
    response = reviewer_client.get(reverse("queue"))
    body = response.content.decode()
    assert body.index(f'id="link-{data["second"].pk}"') < body.index(f'id="link-{data["first"].pk}"')
    assert 'data-counter="links">2<' in body
    assert 'data-counter="chains">1<' in body


# --- Chain and link evidence ---------------------------------------------------------------------


def test_it_shows_the_chain_timeline_credits_and_passages_side_by_side(analyst_client, data):
    response = analyst_client.get(reverse("chain_detail", args=[data["chain"].pk]))
    body = response.content.decode()
    assert "<svg" in body and "RIA Novosti" in body and "6 Oct 2015" in body
    assert '<mark class="hl hl-credit">RT</mark>' in body
    assert 'class="side-by-side"' in body
    # The copy changed 160 into 170: both sides mark it, and the summary says so.
    assert '<del class="diff diff-changed" title="Changed in the copy">160</del>' in body
    assert '<ins class="diff diff-changed" title="Changed from the source">170</ins>' in body
    assert "A number changed" in body


def test_it_shows_a_links_history(reviewer_client, data):
    link = data["second"]
    reviewer_client.post(reverse("link_decide", args=[link.pk]),
                         {"verdict": "rejected", "reason_code": "common_source", "note": "Both copy RIA", "version": 1})
    response = reviewer_client.get(reverse("link_detail", args=[link.pk]))
    body = response.content.decode()
    assert "Both copy RIA" in body
    assert "link.rejected" in body


def test_a_reviewer_who_decides_again_replaces_their_own_decision(reviewer_client, reviewer, data):
    link = data["second"]
    reviewer_client.post(reverse("link_decide", args=[link.pk]), {"verdict": "needs_evidence", "version": 1})
    reviewer_client.post(reverse("link_decide", args=[link.pk]), {"verdict": "confirmed", "version": 2})
    first, second = Decision.objects.filter(link=link).order_by("created_at", "id")
    assert first.superseded and not second.superseded
    body = reviewer_client.get(reverse("link_detail", args=[link.pk])).content.decode()
    assert "(superseded)" in body


def test_a_moderators_overturn_shows_in_the_decision_history(reviewer_client, moderator, data):
    from provenance.review.moderation import chain_overturn, link_overturn

    link, chain = data["second"], data["chain"]
    # The chain first: rejecting its link afterwards would take the still-proposed chain away.
    chain_overturn(chain=chain, by=moderator, verdict="rejected", reason="Not one story")
    reviewer_client.post(reverse("link_decide", args=[link.pk]), {"verdict": "confirmed", "version": 1})
    link_overturn(link=link, by=moderator, verdict="rejected", reason="Both copy RIA, not each other")
    body = reviewer_client.get(reverse("link_detail", args=[link.pk])).content.decode()
    history = body[body.index('id="history-heading"'):body.index("Audit events")]
    assert "No decision yet" not in history
    assert history.index("Rejected") < history.index("Confirmed")  # newest first
    assert f"<strong>{moderator}</strong> <span class=\"small\">(moderator)</span>" in history
    assert "Both copy RIA, not each other" in history and "(superseded)" in history
    body = reviewer_client.get(reverse("chain_detail", args=[chain.pk])).content.decode()
    assert "Decision history (1)" in body and "Not one story" in body


# --- Permissions -----------------------------------------------------------------------------------


def test_it_sends_anonymous_users_to_login(client, data):
    for url in page_urls(data):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"], url
    response = client.post(reverse("link_decide", args=[data["second"].pk]), {"verdict": "confirmed", "version": 1})
    assert response.status_code == 302
    assert Link.objects.get(pk=data["second"].pk).status == "proposed"


def test_it_shows_outsiders_nothing(client, outsider, data):
    client.force_login(outsider)
    for url in page_urls(data) + [reverse("article_raw", args=[data["gr_article"].pk])]:
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("annotation_create"), {"body": "x", "article": data["gr_article"].pk})
    assert response.status_code == 403
    assert not Annotation.objects.exists()


def test_it_does_not_let_an_analyst_decide(analyst_client, data):
    link = data["second"]
    page = analyst_client.get(reverse("chain_detail", args=[data["chain"].pk])).content.decode()
    assert 'name="verdict"' not in page
    response = analyst_client.post(reverse("link_decide", args=[link.pk]), {"verdict": "confirmed", "version": 1})
    assert response.status_code == 403
    response = analyst_client.post(reverse("chain_decide", args=[data["chain"].pk]),
                                   {"verdict": "confirmed", "version": 1})
    assert response.status_code == 403
    response = analyst_client.post(reverse("article_correct", args=[data["gr_article"].pk]),
                                   {"title": "Changed", "outlet_name": "", "published_at": ""})
    assert response.status_code == 403
    assert not Decision.objects.exists()
    assert Article.objects.get(pk=data["gr_article"].pk).title != "Changed"


def test_it_hides_hidden_articles_and_their_links_from_non_moderators(reviewer_client, client, moderator, data):
    Article.objects.filter(pk=data["gr_article"].pk).update(hidden=True)
    assert reviewer_client.get(reverse("article_detail", args=[data["gr_article"].pk])).status_code == 404
    assert reviewer_client.get(reverse("link_detail", args=[data["second"].pk])).status_code == 404
    assert reviewer_client.get(reverse("chain_detail", args=[data["chain"].pk])).status_code == 404
    assert reviewer_client.post(reverse("link_decide", args=[data["second"].pk]),
                                {"verdict": "confirmed", "version": 1}).status_code == 404
    client.force_login(moderator)
    assert client.get(reverse("article_detail", args=[data["gr_article"].pk])).status_code == 200
    assert client.get(reverse("chain_detail", args=[data["chain"].pk])).status_code == 200


# --- Deciding ---------------------------------------------------------------------------------------


def test_it_swaps_the_decided_row_and_fires_the_counter_event(reviewer_client, data):
    link = data["second"]
    response = reviewer_client.post(
        reverse("link_decide", args=[link.pk]), {"verdict": "confirmed", "reason_code": "text_match", "version": 1},
        headers=HX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and f'id="link-{link.pk}-decision"' in body
    assert "Confirmed" in body and 'name="version" value="2"' in body
    event = json.loads(response["HX-Trigger"])
    assert event["link-decided"] == {"id": link.pk, "status": "confirmed"}
    counters = reviewer_client.get(reverse("queue"), headers=hx("queue-counters")).content.decode()
    assert 'data-counter="links">1<' in counters


def test_it_decides_from_a_queue_row_with_its_buttons_alone(reviewer_client, data):
    link = data["second"]
    queue = reviewer_client.get(reverse("queue")).content.decode()
    start = queue.index(f'id="link-{link.pk}"')
    row = queue[start:queue.index("</li>", start)]
    assert 'name="compact" value="1"' in row and 'name="verdict" value="confirmed"' in row
    assert 'name="reason_code"' not in row and 'name="note"' not in row
    # The fragment swapped into the row stays compact, and so does a conflict.
    response = reviewer_client.post(reverse("link_decide", args=[link.pk]),
                                    {"verdict": "confirmed", "version": 1, "compact": "1"}, headers=HX)
    body = response.content.decode()
    assert response.status_code == 200 and "Confirmed" in body
    assert 'name="compact" value="1"' in body and 'name="reason_code"' not in body
    response = reviewer_client.post(reverse("link_decide", args=[link.pk]),
                                    {"verdict": "rejected", "version": 1, "compact": "1"}, headers=HX)
    body = response.content.decode()
    assert response.status_code == 409 and "was not recorded" in body and 'name="reason_code"' not in body
    # The link's own page and the chain page keep the reason and the note.
    for url in (reverse("link_detail", args=[link.pk]), reverse("chain_detail", args=[data["chain"].pk])):
        page = reviewer_client.get(url).content.decode()
        assert f'id="reason-{link.pk}"' in page and f'id="note-{link.pk}"' in page, url
        assert 'name="compact"' not in page, url


def test_it_redirects_with_a_message_without_htmx(reviewer_client, data):
    link = data["second"]
    queue_url = reverse("queue") + "?kind=republication"
    response = reviewer_client.post(reverse("link_decide", args=[link.pk]),
                                    {"verdict": "needs_evidence", "version": 1, "next": queue_url})
    assert response.status_code == 302 and response["Location"] == queue_url
    page = reviewer_client.get(queue_url + "&status=needs_evidence").content.decode()
    assert "Needs more evidence" in page
    response = reviewer_client.post(reverse("link_decide", args=[link.pk]),
                                    {"verdict": "confirmed", "version": 2, "next": "https://evil.example/"})
    assert response["Location"] == link.get_absolute_url()


def test_it_shows_the_second_reviewer_the_first_decision_and_keeps_it(client, reviewer, second_reviewer, data):
    link = data["second"]
    client.force_login(reviewer)
    client.post(reverse("link_decide", args=[link.pk]),
                {"verdict": "confirmed", "note": "Same text, credit explicit", "version": 1}, headers=HX)
    client.force_login(second_reviewer)
    response = client.post(reverse("link_decide", args=[link.pk]),
                           {"verdict": "rejected", "version": 1}, headers=HX)
    assert response.status_code == 409
    body = response.content.decode()
    assert "was not recorded" in body
    assert "<strong>rev</strong> marked it <strong>Confirmed</strong>" in body
    assert "Same text, credit explicit" in body
    assert "HX-Trigger" not in response
    link.refresh_from_db()
    assert link.status == "confirmed" and link.decided_by == reviewer
    assert Decision.objects.filter(link=link).count() == 1
    # Without htmx the whole page says the same, with 409.
    response = client.post(reverse("link_decide", args=[link.pk]), {"verdict": "rejected", "version": 1})
    assert response.status_code == 409 and b"was not recorded" in response.content


def test_it_answers_an_invalid_decision_with_422(reviewer_client, data):
    response = reviewer_client.post(reverse("link_decide", args=[data["second"].pk]),
                                    {"verdict": "maybe", "version": 1}, headers=HX)
    assert response.status_code == 422
    assert not Decision.objects.exists()


def test_it_decides_a_chain_in_place_and_with_its_links(reviewer_client, data):
    chain = data["chain"]
    response = reviewer_client.post(reverse("chain_decide", args=[chain.pk]),
                                    {"verdict": "confirmed", "version": 1}, headers=HX)
    assert response.status_code == 200 and b'id="chain-decision"' in response.content
    # The page header's status badge follows, swapped out of band.
    assert re.search(r'<span id="chain-status" class="badge [^"]*" hx-swap-oob="true">Confirmed</span>',
                     response.content.decode())
    assert "link-decided" in response["HX-Trigger"]
    response = reviewer_client.post(reverse("chain_decide", args=[chain.pk]),
                                    {"verdict": "rejected", "version": 1}, headers=HX)
    assert response.status_code == 409 and b"was not recorded" in response.content
    response = reviewer_client.post(reverse("chain_decide", args=[chain.pk]),
                                    {"verdict": "rejected", "version": 2, "apply_to_links": "1"})
    assert response.status_code == 302
    assert set(Link.objects.values_list("status", flat=True)) == {"rejected"}


# --- Articles ---------------------------------------------------------------------------------------


def test_it_highlights_credits_and_reused_passages_linking_to_the_other_article(analyst_client, data):
    gr, rt = data["gr_article"], data["rt_article"]
    body = analyst_client.get(reverse("article_detail", args=[gr.pk])).content.decode()
    assert f'href="{reverse("outlet_detail", args=["rt"])}" class="hl hl-credit"' in body
    assert f'href="{rt.get_absolute_url()}" class="hl hl-passage"' in body
    body = analyst_client.get(reverse("article_detail", args=[rt.pk])).content.decode()
    assert f'href="{gr.get_absolute_url()}" class="hl hl-reused"' in body


def test_it_shows_raw_text_escaped_and_downloads_it_as_plain_text(analyst_client):
    article = ArticleFactory(raw_text="<script>alert(1)</script> raw page")
    body = analyst_client.get(reverse("article_detail", args=[article.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; raw page" in body
    response = analyst_client.get(reverse("article_raw", args=[article.pk]))
    assert response["Content-Type"].startswith("text/plain")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == b"<script>alert(1)</script> raw page"


def test_it_shows_where_each_metadata_value_came_from(analyst_client, data):
    body = analyst_client.get(reverse("article_detail", args=[data["gr_article"].pk])).content.decode()
    assert 'class="source source-manifest"' in body
    assert 'class="source source-text"' in body and "80%" in body


def test_it_refuses_a_correction_to_an_unknown_outlet(reviewer_client, data):
    article = data["gr_article"]
    response = reviewer_client.post(reverse("article_correct", args=[article.pk]),
                                    {"outlet_name": "No Such Outlet", "published_at": "", "title": "T"}, headers=HX)
    assert response.status_code == 422 and b"No outlet is known" in response.content
    response = reviewer_client.post(reverse("article_correct", args=[article.pk]),
                                    {"outlet_name": "RT", "published_at": "yesterday", "title": "T"}, headers=HX)
    assert response.status_code == 422 and b"YYYY-MM-DD" in response.content
    article.refresh_from_db()
    assert article.title != "T"


# --- Annotations ------------------------------------------------------------------------------------


def test_it_saves_a_span_note_and_shows_it_inline_after_reload(analyst_client, analyst, data):
    article = data["gr_article"]
    start = article.text.index("Islamic State")
    response = analyst_client.post(
        reverse("annotation_create"),
        {"article": article.pk, "start": start, "end": start + 13, "quote": "Islamic State", "body": "Check IS claim",
         "next": article.get_absolute_url()},
        headers=HX,
    )
    assert response.status_code == 200
    assert b"Check IS claim" in response.content and b"<html" not in response.content
    note = Annotation.objects.get()
    assert (note.author, note.start, note.quote) == (analyst, start, "Islamic State")
    body = analyst_client.get(article.get_absolute_url()).content.decode()
    assert re.search(rf'class="[^"]*hl-note[^"]*"[^>]*data-refs="[^"]*note-{note.pk}\b[^"]*">Islamic State<', body)
    assert "Check IS claim" in body


def test_it_saves_a_note_without_javascript_and_redirects(analyst_client, data):
    chain = data["chain"]
    response = analyst_client.post(reverse("annotation_create"),
                                   {"chain": chain.pk, "body": "Whole chain looks right", "next": chain.get_absolute_url()})
    assert response.status_code == 302 and response["Location"].startswith(chain.get_absolute_url())
    assert "Whole chain looks right" in analyst_client.get(chain.get_absolute_url()).content.decode()


def test_it_reports_a_bad_note_without_saving(analyst_client, data):
    article = data["gr_article"]
    response = analyst_client.post(reverse("annotation_create"),
                                   {"article": article.pk, "start": 5, "end": 99999, "body": "x"}, headers=HX)
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#note-errors"
    response = analyst_client.post(reverse("annotation_create"), {"body": "no subject"})
    assert response.status_code == 302
    assert not Annotation.objects.exists()


def test_it_lets_authors_and_moderators_delete_notes_but_nobody_else(client, analyst, reviewer, moderator, data):
    note = AnnotationFactory(author=analyst, article=data["gr_article"])
    client.force_login(reviewer)
    assert b"annotation_delete" not in client.get(data["gr_article"].get_absolute_url()).content
    assert client.post(reverse("annotation_delete", args=[note.pk])).status_code == 403
    client.force_login(analyst)
    response = client.post(reverse("annotation_delete", args=[note.pk]), headers=HX)
    assert response.status_code == 200 and response.content == b""
    other = AnnotationFactory(author=reviewer, article=data["gr_article"])
    client.force_login(moderator)
    assert client.post(reverse("annotation_delete", args=[other.pk])).status_code == 302
    assert not Annotation.objects.exists()
    assert AuditEvent.objects.filter(action="annotation.delete").count() == 2


# --- Search and filters -----------------------------------------------------------------------------


def test_it_filters_the_queue_by_text_outlet_kind_status_date_and_upload(reviewer_client, data):
    upload = UploadFactory()
    other = LinkFactory(kind="partial", score=0.5, target=ArticleFactory(
        title="Weather report", text="Heavy rain expected in Lyon on Friday.", upload=upload,
        outlet=OutletFactory(name="Le Temps", slug="le-temps")))
    url = reverse("queue")

    def ids(query: str) -> set[int]:
        response = reviewer_client.get(url + query)
        return {link.pk for link in response.context["page"]}

    first, second = data["first"].pk, data["second"].pk
    assert ids("") == {first, second, other.pk}
    assert ids("?q=rain") == {other.pk}
    assert ids("?q=militants+Jordan") == {first, second}
    assert ids("?outlet=global-research") == {second}
    assert ids("?kind=partial") == {other.pk}
    assert ids(f"?upload={upload.pk}") == {other.pk}
    assert ids("?date_from=2015-10-06&date_to=2015-10-07") == {second}
    assert ids("?status=confirmed") == set()
    # A bad range says so instead of failing.
    response = reviewer_client.get(url + "?date_from=2016-01-01&date_to=2015-01-01")
    assert response.status_code == 200 and b"The start date is after the end date" in response.content


def test_it_searches_articles_and_paginates(analyst_client):
    for i in range(35):
        ArticleFactory(title=f"Flood number {i}", text=f"Flood story {i} about rivers.")
    ArticleFactory(title="Something else", text="Nothing about water.")
    response = analyst_client.get(reverse("article_list") + "?q=rivers")
    assert response.context["page"].paginator.count == 35
    assert len(response.context["page"].object_list) == 30
    response = analyst_client.get(reverse("article_list") + "?q=rivers&page=2")
    assert len(response.context["page"].object_list) == 5


def test_it_shows_who_republishes_an_outlet(analyst_client, reviewer, data):
    from provenance.review.services import link_decide

    link_decide(link=data["second"], reviewer=reviewer, verdict="confirmed", expected_version=1)
    response = analyst_client.get(reverse("outlet_detail", args=["rt"]))
    relations = response.context["relations"]
    assert [(str(p.target), p.confirmed, p.proposed) for p in relations.republishers] == [("Global Research", 1, 0)]
    assert [(str(p.source), p.confirmed, p.proposed) for p in relations.sources] == [("RIA Novosti", 0, 1)]
    assert b'class="bar-confirmed"' in response.content


def test_it_returns_404_for_unknown_objects(reviewer_client):
    for url in ("/chains/999/", "/links/999/", "/articles/999/", "/outlets/nope/", "/articles/999/raw/"):
        assert reviewer_client.get(url).status_code == 404, url


def test_it_keeps_notes_of_other_users_visible_with_author_and_time(reviewer_client, data):
    author = UserFactory(username="colleague", role="analyst")
    AnnotationFactory(author=author, article=data["gr_article"], start=0, end=5, quote="By RT", body="Byline only")
    body = reviewer_client.get(data["gr_article"].get_absolute_url()).content.decode()
    assert "Byline only" in body and "<strong>colleague</strong>" in body


def test_it_offers_no_decisions_on_a_locked_chain_and_refuses_them(reviewer_client, data):
    chain = data["chain"]
    chain.locked = True
    chain.locked_reason = "Under legal review"
    chain.save()
    page = reviewer_client.get(reverse("chain_detail", args=[chain.pk])).content.decode()
    assert 'name="verdict"' not in page and "Under legal review" in page
    response = reviewer_client.post(reverse("link_decide", args=[data["second"].pk]),
                                    {"verdict": "confirmed", "version": 1}, headers=HX)
    assert response.status_code == 409 and b"locked" in response.content
    assert Link.objects.get(pk=data["second"].pk).status == "proposed"


def test_it_says_a_second_review_is_needed_in_two_reviewer_mode(settings, client, reviewer, second_reviewer, data):
    settings.TWO_REVIEWER_MODE = True
    link = data["second"]
    client.force_login(reviewer)
    body = client.post(reverse("link_decide", args=[link.pk]), {"verdict": "confirmed", "version": 1},
                       headers=HX).content.decode()
    assert "a second reviewer must agree" in body and "Proposed" in body
    client.force_login(second_reviewer)
    body = client.post(reverse("link_decide", args=[link.pk]), {"verdict": "confirmed", "version": 2},
                       headers=HX).content.decode()
    assert "a second reviewer must agree" not in body and "Confirmed" in body
    assert Link.objects.get(pk=link.pk).status == "confirmed"


def test_it_searches_and_filters_chains(reviewer_client, data):
    def chain_ids(query: str) -> set[int]:
        response = reviewer_client.get(reverse("queue") + "?show=chains&" + query)
        assert response.status_code == 200
        return {chain.pk for chain in response.context["page"]}

    chain = data["chain"].pk
    assert chain_ids("") == {chain}
    assert chain_ids("q=militants") == {chain}
    assert chain_ids("q=weather") == set()
    assert chain_ids("outlet=rt") == {chain}
    assert chain_ids("kind=partial") == set()
    assert chain_ids("date_from=2015-10-06") == {chain}
    assert chain_ids("date_from=2015-10-07") == set()


def test_a_stale_link_and_chain_say_so_point_to_their_successors_and_take_no_decision(reviewer_client, data):
    from django.utils import timezone

    from provenance.review.models import Chain

    link, chain = data["second"], data["chain"]
    successor = Link.objects.exclude(pk=link.pk).filter(target=link.target).first()
    Link.objects.filter(pk=link.pk).update(status="confirmed", stale=True)
    Chain.objects.filter(pk=chain.pk).update(status="confirmed", stale=True, decided_at=timezone.now())
    body = reviewer_client.get(reverse("link_detail", args=[link.pk])).content.decode()
    assert "Detection no longer finds this link" in body
    assert 'name="verdict"' not in body[body.index(f'id="link-{link.pk}-decision"'):]
    if successor is not None:
        assert f"link #{successor.pk}" in body
    body = reviewer_client.get(reverse("chain_detail", args=[chain.pk])).content.decode()
    assert "Detection no longer finds this chain" in body
    assert "Confirm chain" not in body
    assert "stale" in reviewer_client.get(reverse("dashboard")).content.decode()


def test_an_articles_web_address_is_a_link_only_when_it_is_http(analyst_client, data):
    article = data["gr_article"]
    Article.objects.filter(pk=article.pk).update(url="https://www.globalresearch.ca/3000-terrorists/5480000")
    body = analyst_client.get(reverse("article_detail", args=[article.pk])).content.decode()
    assert '<a class="break" href="https://www.globalresearch.ca/3000-terrorists/5480000" rel="noopener noreferrer nofollow"' in body
    assert "https://web.archive.org/web/*/https%3A%2F%2Fwww.globalresearch.ca" in body
    Article.objects.filter(pk=article.pk).update(url="javascript:alert(1)")
    body = analyst_client.get(reverse("article_detail", args=[article.pk])).content.decode()
    assert 'href="javascript:' not in body and "javascript:alert(1)" in body


def test_a_conflicting_decision_gives_the_typed_note_back(reviewer_client, data):
    link = data["second"]
    reviewer_client.post(reverse("link_decide", args=[link.pk]), {"verdict": "confirmed", "version": 1})
    response = reviewer_client.post(reverse("link_decide", args=[link.pk]),
                                    {"verdict": "rejected", "version": 1, "note": "Both copy RIA"}, headers=hx())
    assert response.status_code == 409 and 'value="Both copy RIA"' in response.content.decode()


def test_an_outlet_page_lists_the_chains_it_is_on(analyst_client, data):
    chain = data["chain"]
    for slug in ("ria-novosti", "rt", "global-research"):  # credited, in the middle, at the end
        body = analyst_client.get(reverse("outlet_detail", args=[slug])).content.decode()
        assert "Chains it is on" in body and chain.get_absolute_url() in body
