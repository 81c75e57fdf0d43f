"""Pages a user meets when something is off: error pages, refusals, empty lists; and the queue's paging."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import path, reverse
from django.views.defaults import server_error

from provenance.urls import urlpatterns as site_urlpatterns
from tests.factories import LinkFactory
from tests.review_fixtures import build_chain

pytestmark = pytest.mark.django_db


def _server_fault(request):
    raise RuntimeError("a bug")


def _refusal_without_full_stop(request):
    raise PermissionDenied("Only moderators may do this")


# ROOT_URLCONF for the tests below: the site's URLs plus two views that fail.
urlpatterns = [
    path("test-only/fault/", _server_fault),
    path("test-only/refusal/", _refusal_without_full_stop),
    *site_urlpatterns,
]


@pytest.fixture
def production(settings):
    """DEBUG off, as in production: Django renders 404.html and 500.html instead of its debug pages."""
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__


# --- 404 and 500 ------------------------------------------------------------------------------------


def test_it_shows_the_site_s_own_404_page_with_a_way_back(production, reviewer_client):
    response = reviewer_client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in body and "/no-such-page/" in body
    assert f'href="{reverse("dashboard")}"' in body and f'href="{reverse("queue")}"' in body
    assert 'class="main-nav"' in body  # the site's layout, not Django's bare "Not Found"


def test_it_shows_the_404_page_to_signed_out_visitors_with_a_sign_in_link(production, client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and f'href="{reverse("login")}"' in body


def test_it_shows_the_site_s_own_500_page_when_a_view_fails(production, reviewer_client):
    reviewer_client.raise_request_exception = False
    response = reviewer_client.get("/test-only/fault/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in body and "a bug" not in body
    assert "css/app.css" in body
    assert f'href="{reverse("dashboard")}"' in body and f'href="{reverse("queue")}"' in body


def test_it_renders_the_500_page_without_the_database_or_a_signed_in_user(django_assert_num_queries):
    request = RequestFactory().get("/")  # no session, no user: as bare as a request can be
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


# --- 403 ------------------------------------------------------------------------------------------


def test_it_ends_the_refusal_with_one_full_stop(reviewer_client):
    response = reviewer_client.get(reverse("audit_log"))
    body = response.content.decode()
    assert response.status_code == 403
    assert "This page is for moderators." in body and "moderators.." not in body


def test_it_adds_the_full_stop_a_refusal_lacks(production, reviewer_client):
    response = reviewer_client.get("/test-only/refusal/")
    assert response.status_code == 403
    assert "Only moderators may do this." in response.content.decode()


# --- The queue: empty states and paging --------------------------------------------------------------


def test_it_says_nothing_is_waiting_only_for_the_default_view(reviewer_client):
    body = reviewer_client.get(reverse("queue")).content.decode()
    assert "Nothing waiting for review." in body and "match these filters" not in body


@pytest.mark.parametrize("query", ["status=confirmed", "status=", "kind=partial", "q=zeppelin", "upload=7"])
def test_it_says_the_filters_matched_nothing_when_filters_are_set(reviewer_client, query):
    body = reviewer_client.get(reverse("queue") + "?" + query).content.decode()
    assert "No links match these filters." in body and "Nothing waiting" not in body


def test_it_words_the_empty_chain_list_by_its_filters_too(reviewer_client):
    body = reviewer_client.get(reverse("queue") + "?show=chains").content.decode()
    assert "No chains waiting for review." in body
    body = reviewer_client.get(reverse("queue") + "?show=chains&status=confirmed").content.decode()
    assert "No chains match these filters." in body


def test_it_scrolls_to_the_top_of_the_list_when_htmx_swaps_in_another_page(reviewer_client):
    LinkFactory.create_batch(26)  # two pages of 25
    page = reviewer_client.get(reverse("queue")).content.decode()
    assert 'hx-swap="outerHTML show:#queue-results:top"' in page and 'href="?page=2"' in page
    fragment = reviewer_client.get(reverse("queue") + "?page=2", headers={"HX-Request": "true", "HX-Target": "queue-results"})
    body = fragment.content.decode()
    assert "<html" not in body and 'id="queue-results"' in body
    assert 'hx-swap="outerHTML show:#queue-results:top"' in body and 'rel="prev"' in body


# --- Evidence ------------------------------------------------------------------------------------


def test_it_offers_the_whole_of_a_long_passage_and_shows_short_ones_whole(reviewer_client):
    data = build_chain()
    short = reviewer_client.get(data["second"].get_absolute_url()).content.decode()
    assert 'class="passage-text"' in short and "passage-more" not in short
    link = data["second"]
    long_text = " ".join(["The militants crossed the border at dawn, officials said."] * 40)
    link.evidence = {**link.evidence, "passages": [{"source_text": long_text, "target_text": long_text}]}
    link.save(update_fields=["evidence"])
    body = reviewer_client.get(link.get_absolute_url()).content.decode()
    assert '<details class="passage-more">' in body and "Show the whole passage" in body
