"""Correcting an article's metadata: recorded as the reviewer's, audited, and detection re-runs."""

import pytest
from django.urls import reverse

from provenance.corpus.models import Article
from provenance.review.detection import detect_articles
from provenance.review.models import AuditEvent, Link
from provenance.review.services import article_correct
from tests.detect_helpers import add_article, load_outlets

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The queue counters are cached; every test starts without them."""
    from django.core.cache import cache

    cache.clear()

STORY = (
    "An estimated 3,000 Islamic State fighters as well as militants from other extremist groups have fled "
    "Syria for Jordan fearing a renewed offensive by the Syrian army in addition to Russian airstrikes, a "
    "military official has told RIA Novosti. At least 3,000 militants from Islamic State, al-Nusra and Jaish "
    "al-Yarmouk have fled to Jordan. They are afraid of the Syrian army having stepped up activities on all "
    "fronts and of Russian airstrikes, the source said. The official added that on Sunday the Syrian army had "
    "carried out a number of attacks on Islamic State and al-Nusra fighters on the outskirts of Damascus as "
    "well as in the provinces of Deir ez-Zor and Homs. In Deir ez-Zor, 160 militants were killed in an army "
    "assault that aimed at driving extremists away from several settlements. In the province of Homs, the "
    "army destroyed two convoys near the city of Palmyra and 17 terrorists were reported killed in an "
    "artillery barrage."
)


@pytest.fixture
def pair():
    load_outlets()
    source = add_article(STORY, outlet="RT", published="2015-10-05T09:00:00", title="3,000 militants flee Syria")
    detect_articles([source.pk])  # as ingestion does for every new article
    copy = add_article("By RT\n\n" + STORY + "\n\nOriginally published by RT.", title="Wrong title")
    return source, copy


def test_it_records_the_reviewer_as_the_source_and_reruns_detection(reviewer, pair):
    source, copy = pair
    assert not Link.objects.filter(target=copy).exists()
    result = article_correct(article=copy, by=reviewer, outlet_name="Global Research",
                             published_at=None, title="3,000 Terrorists Leave Syria")
    copy.refresh_from_db()
    assert copy.title == "3,000 Terrorists Leave Syria" and copy.outlet.name == "Global Research"
    assert copy.field_sources["title"]["source"] == "reviewer"
    assert copy.field_sources["outlet"]["by"] == reviewer.username
    event = AuditEvent.objects.get(action="article.correct", object_id=str(copy.pk))
    assert event.before["title"] == "Wrong title" and event.after["outlet"] == "Global Research"
    assert set(result.fields) == {"title", "outlet"}
    # Detection ran for the corrected article: the link from the RT article into it now exists.
    created = {link.pk for link in result.links_created}
    assert created and Link.objects.filter(pk__in=created, target=copy, source_article=source).exists()
    assert result.detection_changed


def test_it_shows_what_changed_on_the_page(reviewer_client, pair):
    _source, copy = pair
    response = reviewer_client.post(
        reverse("article_correct", args=[copy.pk]),
        {"outlet_name": "Global Research", "published_at": "2015-10-06 12:00", "title": "Corrected title"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "Corrected." in body and "<del>Wrong title</del>" in body and "<ins>Corrected title</ins>" in body
    assert "Detection re-ran" in body and "New link" in body
    assert Article.objects.get(pk=copy.pk).published_at.hour == 12


def test_it_changes_nothing_when_the_values_are_the_same(reviewer_client, pair):
    source, _copy = pair
    response = reviewer_client.post(
        reverse("article_correct", args=[source.pk]),
        {"outlet_name": "RT", "published_at": "2015-10-05 09:00", "title": source.title},
    )
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="article.correct").exists()


def test_a_day_typed_alone_means_the_whole_day(reviewer_client, pair):
    _source, copy = pair
    reviewer_client.post(reverse("article_correct", args=[copy.pk]),
                         {"outlet_name": "Global Research", "published_at": "2015-10-06", "title": "Corrected"})
    copy.refresh_from_db()
    assert copy.published_at.hour == 12 and copy.date_uncertainty_hours == 12
    page = reviewer_client.get(copy.get_absolute_url()).content.decode()
    assert "6 Oct 2015" in page and "6 Oct 2015 12:00" not in page
    # The form offers the day as it is known, and sending it back unchanged changes nothing.
    assert 'value="2015-10-06"' in page
    reviewer_client.post(reverse("article_correct", args=[copy.pk]),
                         {"outlet_name": "Global Research", "published_at": "2015-10-06", "title": "Corrected"})
    assert AuditEvent.objects.filter(action="article.correct", object_id=str(copy.pk)).count() == 1


def test_sending_the_values_back_unchanged_marks_the_metadata_as_checked(reviewer_client, reviewer, pair):
    source, _copy = pair
    Article.objects.filter(pk=source.pk).update(needs_review=True)
    page = reviewer_client.get(source.get_absolute_url()).content.decode()
    assert "metadata needs review" in page
    response = reviewer_client.post(
        reverse("article_correct", args=[source.pk]),
        {"outlet_name": "RT", "published_at": "2015-10-05 09:00", "title": source.title},
        headers={"HX-Request": "true"},
    )
    assert "Metadata marked as checked" in response.content.decode()
    source.refresh_from_db()
    assert not source.needs_review
    assert source.field_sources["outlet"]["source"] == "reviewer"
    assert source.field_sources["published_at"]["by"] == reviewer.username
    event = AuditEvent.objects.get(action="article.correct", object_id=str(source.pk))
    assert event.before == {"needs_review": True} and event.after == {"needs_review": False}
    assert "metadata needs review" not in reviewer_client.get(source.get_absolute_url()).content.decode()


def test_a_correction_that_leaves_a_field_empty_still_needs_review(reviewer, pair):
    _source, copy = pair
    article_correct(article=copy, by=reviewer, outlet_name="Global Research", published_at=None, title="Corrected")
    copy.refresh_from_db()
    assert copy.needs_review
