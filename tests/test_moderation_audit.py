"""The audit log page: moderators filter who did what to which object, when."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from provenance.review.audit import audit_record
from provenance.review.models import AuditEvent
from tests.factories import LinkFactory, OutletFactory

pytestmark = pytest.mark.django_db


def _rows(response) -> int:
    return response.content.decode().count("<tr>") - 1  # minus the header row


@pytest.fixture
def events(moderator, reviewer):
    outlet = OutletFactory(name="Sputnik")
    link = LinkFactory()
    audit_record(actor=moderator, action="outlet.merge", obj=outlet, reason="duplicate")
    audit_record(actor=reviewer, action="link.confirmed", obj=link, after={"status": "confirmed"})
    audit_record(actor=reviewer, action="link.rejected", obj=link, after={"status": "rejected"})
    old = audit_record(actor=moderator, action="chain.lock", obj=link, reason="old")
    # Append-only rows cannot be saved again: move the date with an UPDATE, as a past event would be.
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    return {"outlet": outlet, "link": link}


def test_it_lists_every_event_newest_first(moderator_client, events):
    response = moderator_client.get(reverse("audit_log"))
    assert response.status_code == 200
    html = response.content.decode().split('id="audit-results"')[1]
    assert "4 events" in html
    assert html.index("link.rejected") < html.index("outlet.merge") < html.index("chain.lock")


def test_it_filters_by_user(moderator_client, events):
    response = moderator_client.get(reverse("audit_log"), {"user": "rev"})
    assert "2 events" in response.content.decode()
    assert "outlet.merge" not in response.content.decode().split('id="audit-results"')[1]


def test_it_filters_by_object_type_and_id(moderator_client, events):
    link = events["link"]
    response = moderator_client.get(reverse("audit_log"), {"object_type": "review.link", "object_id": str(link.pk)})
    assert "3 events" in response.content.decode()
    response = moderator_client.get(reverse("audit_log"), {"object_type": "corpus.outlet"})
    assert "1 event" in response.content.decode()


def test_it_filters_by_exact_action_or_prefix(moderator_client, events):
    assert "1 event" in moderator_client.get(reverse("audit_log"), {"action": "link.confirmed"}).content.decode()
    assert "2 events" in moderator_client.get(reverse("audit_log"), {"action": "link."}).content.decode()
    assert "0 events" in moderator_client.get(reverse("audit_log"), {"action": "link"}).content.decode()


def test_it_filters_by_date_range(moderator_client, events):
    today = timezone.now().date()
    response = moderator_client.get(reverse("audit_log"), {"date_from": str(today - timedelta(days=1))})
    assert "3 events" in response.content.decode()
    response = moderator_client.get(reverse("audit_log"), {"date_to": str(today - timedelta(days=5))})
    assert "1 event" in response.content.decode() and "chain.lock" in response.content.decode()


def test_it_explains_a_bad_date_range(moderator_client, events):
    today = timezone.now().date()
    response = moderator_client.get(reverse("audit_log"), {"date_from": str(today), "date_to": str(today - timedelta(days=3))})
    assert response.status_code == 200
    assert "The start date is after the end date." in response.content.decode()
    response = moderator_client.get(reverse("audit_log"), {"date_from": "not-a-date", "object_type": "nope.nope"})
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()


def test_it_paginates_and_keeps_the_filters(moderator_client, moderator):
    outlet = OutletFactory()
    for n in range(120):
        audit_record(actor=moderator, action="outlet.change", obj=outlet, after={"n": n})
    response = moderator_client.get(reverse("audit_log"), {"action": "outlet.change"})
    html = response.content.decode()
    assert _rows(response) == 50
    assert "Page 1 of 3" in html
    assert "action=outlet.change&amp;page=2" in html
    response = moderator_client.get(reverse("audit_log"), {"action": "outlet.change", "page": 3})
    assert _rows(response) == 20


def test_it_answers_htmx_with_the_results_only(moderator_client, events):
    response = moderator_client.get(reverse("audit_log"), {"action": "link."}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="audit-results"')
    assert "<html" not in html and "2 events" in html
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_it_shows_each_objects_history_in_the_admin(moderator_client, events):
    link = events["link"]
    html = moderator_client.get(reverse("admin:review_link_change", args=[link.pk])).content.decode()
    assert "link.confirmed" in html and "link.rejected" in html and "chain.lock" in html


def test_the_disputes_page_says_when_two_reviewer_mode_is_off(moderator_client, settings):
    from django.urls import reverse

    settings.TWO_REVIEWER_MODE = False
    assert "Two-reviewer mode is off" in moderator_client.get(reverse("moderation_queue")).content.decode()
    settings.TWO_REVIEWER_MODE = True
    assert "Two-reviewer mode is off" not in moderator_client.get(reverse("moderation_queue")).content.decode()
