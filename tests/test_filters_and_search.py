"""Who sees which upload on the dashboard, the queue's outlet filter and invalid filters, outlet and article
search."""

import pytest
from django.urls import reverse
from django.utils import timezone

from provenance.corpus.models import Upload
from provenance.review.forms import outlets_in_queue
from tests.factories import ArticleFactory, LinkFactory, OutletFactory, UploadFactory, UserFactory
from tests.review_fixtures import build_chain

pytestmark = pytest.mark.django_db

UPLOADS = {"HX-Request": "true", "HX-Target": "dashboard-uploads"}
RESULTS = {"HX-Request": "true", "HX-Target": "queue-results"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The queue counters are cached; every test starts without them."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def data(db):
    return build_chain()


def _ids(response) -> set[int]:
    return {row.pk for row in response.context["page"]}


# --- 1. Dashboard uploads --------------------------------------------------------------------------


def test_it_shows_an_analyst_only_the_finished_uploads_they_may_open(analyst_client, analyst, reviewer):
    other = UploadFactory(uploader=UserFactory(username="ana2", role="analyst"), finished_at=timezone.now())
    own = UploadFactory(uploader=analyst, finished_at=timezone.now())
    for headers in ({}, UPLOADS):
        body = analyst_client.get(reverse("dashboard"), headers=headers).content.decode()
        assert f"Upload #{own.pk}<" in body
        assert f"Upload #{other.pk}<" not in body
    assert analyst_client.get(reverse("upload_detail", args=[own.pk])).status_code == 200
    assert analyst_client.get(reverse("upload_detail", args=[other.pk])).status_code == 404
    # Reviewers see and open every upload.
    analyst_client.force_login(reviewer)
    body = analyst_client.get(reverse("dashboard")).content.decode()
    assert f"Upload #{own.pk}<" in body and f"Upload #{other.pk}<" in body


def test_it_shows_an_analyst_only_their_own_uploads_in_progress(analyst_client, analyst):
    UploadFactory(status=Upload.Status.PROCESSING, files_total=4, files_done=1)
    response = analyst_client.get(reverse("dashboard"), headers=UPLOADS)
    assert response.status_code == 286  # nothing of theirs to watch
    assert "No upload in progress" in response.content.decode()


def test_it_keeps_one_rule_for_which_uploads_a_user_sees(analyst, reviewer, moderator):
    from provenance.review.selectors import uploads_for

    own = UploadFactory(uploader=analyst)
    other = UploadFactory()
    hidden = UploadFactory(uploader=analyst, hidden=True)
    assert set(uploads_for(analyst)) == set(Upload.objects.visible_to(analyst)) == {own}
    assert set(uploads_for(reviewer)) == {own, other}
    assert set(uploads_for(moderator)) == {own, other, hidden}


# --- 4. The queue's outlet filter ------------------------------------------------------------------


def test_it_offers_outlets_credited_as_link_sources(reviewer_client, data):
    OutletFactory(name="Imported Only", slug="imported-only")  # no article, no link: left out
    response = reviewer_client.get(reverse("queue"))
    outlets = dict(response.context["form"].fields["outlet"].choices)
    assert outlets == {"": "Any outlet", "global-research": "Global Research", "ria-novosti": "RIA Novosti",
                       "rt": "RT"}
    assert '<option value="ria-novosti">RIA Novosti</option>' in response.content.decode()


def test_it_filters_the_queue_by_an_outlet_that_is_only_credited(reviewer_client, data):
    for headers in ({}, RESULTS):
        response = reviewer_client.get(reverse("queue") + "?outlet=ria-novosti", headers=headers)
        assert not response.context["form"].errors
        assert _ids(response) == {data["first"].pk}
    chains = reviewer_client.get(reverse("queue") + "?outlet=ria-novosti&show=chains")
    assert _ids(chains) == {data["chain"].pk}
    # An outlet that is both a source and a target matches links on either side.
    assert _ids(reviewer_client.get(reverse("queue") + "?outlet=rt")) == {data["first"].pk, data["second"].pk}


def test_it_reads_the_outlet_choices_in_one_query(data, django_assert_num_queries):
    with django_assert_num_queries(1):
        choices = outlets_in_queue()
    assert [slug for slug, _ in choices] == ["global-research", "ria-novosti", "rt"]


# --- 5. Invalid queue filters ----------------------------------------------------------------------


@pytest.mark.parametrize("query, message", [
    ("?date_from=2016-01-01&date_to=2015-01-01", "The start date is after the end date."),
    ("?kind=zzz", "Select a valid choice."),
    ("?upload=abc", "Enter a whole number."),
    ("?outlet=no-such-outlet&show=chains", "Select a valid choice."),
])
def test_it_shows_the_errors_and_no_results_for_invalid_filters(reviewer_client, data, query, message):
    for headers in ({}, RESULTS):
        response = reviewer_client.get(reverse("queue") + query, headers=headers)
        assert response.status_code == 200
        body = response.content.decode()
        assert message in body and 'role="alert"' in body
        assert response.context["page"].paginator.count == 0
        assert 'class="link-row"' not in body and 'class="chain-row"' not in body
        if headers:
            assert "<html" not in body and 'id="queue-results"' in body
    assert _ids(reviewer_client.get(reverse("queue"))) == {data["first"].pk, data["second"].pk}


# --- 6. Outlet search ------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["Russia Today", "russia today", "rt.com", "RT News", "Russia"])
def test_it_finds_outlets_by_alias_or_domain(analyst_client, query):
    rt = OutletFactory(name="RT", slug="rt", aliases=["Russia Today", "RT News"], domains=["rt.com", "de.rt.com"])
    OutletFactory(name="Reuters", slug="reuters", aliases=["Thomson Reuters"], domains=["reuters.com"])
    for headers in ({}, {"HX-Request": "true", "HX-Target": "outlet-results"}):
        response = analyst_client.get(reverse("outlet_list"), {"q": query}, headers=headers)
        assert _ids(response) == {rt.pk}
        assert "No outlets." not in response.content.decode()


def test_it_finds_outlets_by_a_non_ascii_alias(analyst_client):
    gazeta = OutletFactory(name="Rossiyskaya Gazeta", slug="rg", aliases=["Российская газета"], domains=["rg.ru"])
    OutletFactory(name="Other", slug="other")
    assert _ids(analyst_client.get(reverse("outlet_list"), {"q": "газета"})) == {gazeta.pk}
    assert _ids(analyst_client.get(reverse("outlet_list"), {"q": "Gazeta"})) == {gazeta.pk}
    assert _ids(analyst_client.get(reverse("outlet_list"), {"q": "nothing-like-it"})) == set()


# --- 7. Article search matches whole words ---------------------------------------------------------


def test_it_searches_articles_for_whole_words(analyst_client):
    ria = ArticleFactory(title="Militants leave", text="A military official told RIA Novosti on Sunday.")
    ArticleFactory(title="Fighters flee Syria", text="Thousands have fled Syria for Jordan, officials said.")
    for query in ("RIA", "ria", "RIA Novosti"):
        for headers in ({}, {"HX-Request": "true", "HX-Target": "article-results"}):
            response = analyst_client.get(reverse("article_list"), {"q": query}, headers=headers)
            assert _ids(response) == {ria.pk}, query


def test_it_searches_the_queue_for_whole_words(reviewer_client, data):
    syria = LinkFactory(
        source_article=ArticleFactory(title="Syria today", text="Fighting goes on in Syria."),
        target=ArticleFactory(title="Syria report", text="More about Syria and Syrians."),
    )
    everything = {data["first"].pk, data["second"].pk, syria.pk}
    assert _ids(reviewer_client.get(reverse("queue"))) == everything
    # Both chain articles name RIA as a word; "Syria" alone is no match.
    assert _ids(reviewer_client.get(reverse("queue"), {"q": "RIA"})) == {data["first"].pk, data["second"].pk}
    assert _ids(reviewer_client.get(reverse("queue"), {"q": "Syria"})) == everything
