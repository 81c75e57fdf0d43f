"""Cached evidence and queue rows: a change shows at once, and a page's queries do not grow with its rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from provenance.corpus.models import Article, Outlet
from provenance.review.detection import detect_articles
from provenance.review.models import Link
from provenance.review.services import article_correct
from provenance.review.templatetags import evidence as ev
from tests.detect_helpers import add_article, load_outlets
from tests.factories import ArticleFactory, LinkFactory, OutletFactory, make_chain
from tests.review_fixtures import GR_TEXT, build_chain
from tests.test_review_correction import STORY

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return build_chain()


@pytest.fixture
def evidence_builds(monkeypatch):
    """How many times a link's evidence was computed (not served from the cache)."""
    calls = []
    real = ev.link_evidence

    def counting(link):
        calls.append(link.pk)
        return real(link)

    monkeypatch.setattr(ev, "link_evidence", counting)
    return calls


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- Evidence ---------------------------------------------------------------------------------------


def test_it_renders_a_links_evidence_once_for_chain_and_link_pages(analyst_client, data, evidence_builds):
    link, chain = data["second"], data["chain"]
    first = _page(analyst_client, reverse("chain_detail", args=[chain.pk]))
    assert sorted(evidence_builds) == sorted([data["first"].pk, link.pk])
    again = _page(analyst_client, reverse("chain_detail", args=[chain.pk]))
    link_page = _page(analyst_client, reverse("link_detail", args=[link.pk]))
    assert len(evidence_builds) == 2
    marked = '<ins class="diff diff-changed" title="Changed from the source">170</ins>'
    assert marked in first and marked in again and marked in link_page


def test_it_shows_evidence_redetected_at_once(analyst_client, data):
    link, chain = data["second"], data["chain"]
    assert "A number changed" in _page(analyst_client, reverse("chain_detail", args=[chain.pk]))
    # Detection rewrites evidence with a bulk update that leaves updated_at and version alone.
    evidence = dict(link.evidence, passages=[], containment={"target_in_source": 0.42})
    Link.objects.filter(pk=link.pk).update(evidence=evidence, reasons=["Re-detected today"])
    for url in (reverse("chain_detail", args=[chain.pk]), reverse("link_detail", args=[link.pk])):
        body = _page(analyst_client, url)
        assert "A number changed" not in body and "No shared passages were stored" in body, url
        assert "42% of the copy's text is in the source" in body and "Re-detected today" in body, url


def test_it_shows_a_corrected_title_in_the_evidence_at_once(analyst_client, reviewer):
    load_outlets()
    source = add_article(STORY, outlet="RT", published="2015-10-05T09:00:00", title="3,000 militants flee Syria")
    detect_articles([source.pk])
    copy = add_article("By RT\n\n" + STORY + "\n\nOriginally published by RT.", outlet="Global Research",
                       title="Terrorists leave Syria", published="2015-10-06T12:00:00")
    detect_articles([copy.pk])
    link = Link.objects.get(source_article=source, target=copy)
    url = reverse("link_detail", args=[link.pk])
    assert "New headline" in _page(analyst_client, url)
    # The reviewer's correction re-runs detection, which keeps the link (bulk update, same version).
    article_correct(article=copy, by=reviewer, outlet_name="Global Research", published_at=None,
                    title="3,000 militants flee Syria")
    assert Link.objects.filter(pk=link.pk).exists()
    assert "New headline" not in _page(analyst_client, url)


def test_it_shows_a_renamed_outlet_and_a_retitled_copy_in_the_evidence_at_once(analyst_client, data):
    url = reverse("link_detail", args=[data["second"].pk])
    source = data["rt_article"].get_absolute_url()
    body = _page(analyst_client, url)
    assert f'Source · <a href="{source}">RT</a>' in body and "New headline" in body
    Outlet.objects.filter(pk=data["rt"].pk).update(name="Russia Today International")
    assert f'Source · <a href="{source}">Russia Today International</a>' in _page(analyst_client, url)
    Article.objects.filter(pk=data["gr_article"].pk).update(title=data["rt_article"].title)
    assert "New headline" not in _page(analyst_client, url)


def test_it_shows_a_passage_from_the_articles_current_text(analyst_client, data):
    link = data["second"]
    url = reverse("link_detail", args=[link.pk])
    _page(analyst_client, url)
    # A re-parse gives the source article a new text (and a new content hash); its passage follows.
    text = data["rt_article"].text.replace("160 militants", "160 fighters")
    Article.objects.filter(pk=data["rt_article"].pk).update(text=text, content_hash="re-parsed")
    assert "fighters" in _page(analyst_client, url)


def test_it_shows_what_a_sibling_copy_shares_and_follows_its_text(analyst_client, data):
    # Another copy of the RT article, on a chain from the same origin (RIA Novosti).
    sibling = ArticleFactory(outlet=OutletFactory(name="Sibling Times", slug="sibling-times"),
                             text=GR_TEXT.replace("By RT", "By wire"), title="Syria exodus")
    make_chain(data["first"], LinkFactory(source_article=data["rt_article"], target=sibling))
    url = reverse("chain_detail", args=[data["chain"].pk])
    body = _page(analyst_client, url)
    assert "Other copies of the same origin" in body and "Sibling Times" in body
    assert "170 militants" in body and "175 militants" not in body
    # A re-parsed text (new content hash) is aligned again.
    Article.objects.filter(pk=sibling.pk).update(text=GR_TEXT.replace("170 militants", "175 militants"),
                                                 content_hash="re-parsed")
    assert '<ins class="diff diff-changed" title="Changed from the source">175</ins>' in _page(analyst_client, url)


# --- Queue rows ---------------------------------------------------------------------------------------


def test_it_renders_a_queue_row_once_and_shows_changes_to_it_at_once(reviewer_client, data, monkeypatch):
    link = data["second"]
    rendered = []
    real = Link.get_absolute_url
    monkeypatch.setattr(Link, "get_absolute_url", lambda self: rendered.append(self.pk) or real(self))
    url = reverse("queue")
    assert "3,000 Terrorists Leave Syria" in _page(reviewer_client, url)
    assert sorted(rendered) == sorted([data["first"].pk, link.pk])
    _page(reviewer_client, url)
    assert len(rendered) == 2
    Article.objects.filter(pk=data["gr_article"].pk).update(title="A corrected headline")
    Outlet.objects.filter(pk=data["gr"].pk).update(name="GR Online")
    Link.objects.filter(pk=link.pk).update(score=0.51, reasons=["Shares a sentence"])
    body = _page(reviewer_client, url)
    assert "A corrected headline" in body and "GR Online" in body
    assert ">0.51<" in body and "Shares a sentence" in body
    assert "3,000 Terrorists Leave Syria" not in body


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_it_reads_a_queue_page_in_the_same_number_of_queries_whatever_its_rows(reviewer_client, reviewer):
    decided = OutletFactory(name="Decided Outlet", slug="decided")
    LinkFactory(target=ArticleFactory(outlet=decided), decided_by=reviewer)
    LinkFactory(source_article=None, source_outlet=decided)
    few = _queries(reviewer_client, reverse("queue"))
    for _ in range(8):
        LinkFactory(target=ArticleFactory(outlet=decided), decided_by=reviewer)
    assert _queries(reviewer_client, reverse("queue")) == few


def test_it_reads_a_chain_page_in_the_same_number_of_queries_whatever_its_links(analyst_client, data):
    chain = data["chain"]
    url = reverse("chain_detail", args=[chain.pk])
    few = _queries(analyst_client, url)
    for _ in range(4):  # other republishers of the chain's last article: their evidence is not cached yet
        LinkFactory(source_article=data["gr_article"])
    assert _queries(analyst_client, url) == few
