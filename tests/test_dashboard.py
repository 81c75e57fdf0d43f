"""The dashboard: uploads in progress (polling that stops), proposals waiting, decisions, confirmed chains."""

import pytest
from django.urls import reverse
from django.utils import timezone

from provenance.corpus.models import Upload
from provenance.review.services import chain_decide, link_decide
from tests.factories import UploadFactory
from tests.review_fixtures import build_chain

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The queue counters are cached; every test starts without them."""
    from django.core.cache import cache

    cache.clear()
UPLOADS = {"HX-Request": "true", "HX-Target": "dashboard-uploads"}


def test_it_shows_waiting_proposals_recent_decisions_and_confirmed_chains(reviewer_client, reviewer):
    data = build_chain()
    link_decide(link=data["first"], reviewer=reviewer, verdict="confirmed", expected_version=1)
    chain_decide(chain=data["chain"], reviewer=reviewer, verdict="confirmed", expected_version=1)
    response = reviewer_client.get(reverse("dashboard"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-counter="links">1<' in body
    assert "RIA Novosti → RT" in body  # the recent decision
    assert "Chains confirmed this week" in body and "RIA Novosti → RT → Global Research" in body
    assert 'class="chart-svg"' in body and "RT → Global Research" in body


def test_it_polls_uploads_in_progress_and_stops_when_they_finish(reviewer_client, reviewer):
    upload = UploadFactory(uploader=reviewer, status=Upload.Status.PROCESSING, files_total=5, files_done=2)
    page = reviewer_client.get(reverse("dashboard")).content.decode()
    assert 'hx-trigger="every 2s"' in page and "2 of 5 documents" in page
    response = reviewer_client.get(reverse("dashboard"), headers=UPLOADS)
    assert response.status_code == 200
    assert b"<html" not in response.content and b'hx-trigger="every 2s"' in response.content
    Upload.objects.filter(pk=upload.pk).update(status=Upload.Status.DONE, files_done=5, articles_created=5, finished_at=timezone.now()
    )
    response = reviewer_client.get(reverse("dashboard"), headers=UPLOADS)
    assert response.status_code == 286
    body = response.content.decode()
    assert "every 2s" not in body and "No upload in progress" in body and "5 new" in body


def test_it_keeps_hidden_uploads_from_non_moderators(reviewer_client, client, moderator):
    UploadFactory(status=Upload.Status.PROCESSING, hidden=True, files_total=3)
    response = reviewer_client.get(reverse("dashboard"), headers=UPLOADS)
    assert response.status_code == 286
    client.force_login(moderator)
    assert client.get(reverse("dashboard"), headers=UPLOADS).status_code == 200


def test_it_is_forbidden_to_outsiders_and_anonymous_users_go_to_login(client, outsider):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(outsider)
    assert client.get(reverse("dashboard")).status_code == 403


def test_it_counts_new_proposals_at_once_and_decisions_immediately(reviewer_client, reviewer):
    from tests.factories import LinkFactory

    first = LinkFactory()
    counters = {"HX-Request": "true", "HX-Target": "queue-counters"}
    assert 'data-counter="links">1<' in reviewer_client.get(reverse("queue"), headers=counters).content.decode()
    LinkFactory()
    assert 'data-counter="links">2<' in reviewer_client.get(reverse("queue"), headers=counters).content.decode()
    link_decide(link=first, reviewer=reviewer, verdict="rejected", expected_version=1)
    assert 'data-counter="links">1<' in reviewer_client.get(reverse("queue"), headers=counters).content.decode()
