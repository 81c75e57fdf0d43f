"""Review services: decisions with optimistic locking, two-reviewer mode, annotations."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from provenance.review.models import AuditEvent, Decision, Link
from provenance.review.services import (
    DecisionConflict,
    annotation_create,
    annotation_delete,
    chain_decide,
    link_decide,
)
from tests.factories import AnnotationFactory, ArticleFactory, LinkFactory, UserFactory, make_chain

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The queue counters are cached; every test starts without them."""
    from django.core.cache import cache

    cache.clear()


def test_it_confirms_a_link_and_records_decision_and_audit(reviewer):
    link = LinkFactory()
    result = link_decide(link=link, reviewer=reviewer, verdict="confirmed", reason_code="text_match",
                         note="Same text", expected_version=1)
    assert result.status == "confirmed"
    assert result.version == 2
    assert result.decided_by == reviewer
    decision = Decision.objects.get(link=link)
    assert (decision.verdict, decision.reason_code, decision.note) == ("confirmed", "text_match", "Same text")
    event = AuditEvent.objects.get(action="link.confirmed", object_id=str(link.pk))
    assert event.actor == reviewer
    assert event.before["status"] == "proposed" and event.after["status"] == "confirmed"


def test_it_refuses_a_decision_on_an_old_version_and_keeps_the_first(reviewer, second_reviewer):
    link = LinkFactory()
    link_decide(link=link, reviewer=reviewer, verdict="confirmed", expected_version=1)
    with pytest.raises(DecisionConflict) as caught:
        link_decide(link=link, reviewer=second_reviewer, verdict="rejected", note="No", expected_version=1)
    assert caught.value.link.status == "confirmed"
    assert caught.value.decision.reviewer == reviewer
    link.refresh_from_db()
    assert link.status == "confirmed" and link.decided_by == reviewer and link.version == 2
    assert Decision.objects.filter(link=link).count() == 1


def test_it_refuses_decisions_on_links_of_a_locked_chain(reviewer):
    link = LinkFactory()
    chain = make_chain(link)
    chain.locked = True
    chain.save()
    with pytest.raises(DecisionConflict):
        link_decide(link=link, reviewer=reviewer, verdict="confirmed", expected_version=1)
    with pytest.raises(DecisionConflict):
        chain_decide(chain=chain, reviewer=reviewer, verdict="confirmed", expected_version=1)
    link.refresh_from_db()
    assert link.status == "proposed"
    assert not Decision.objects.exists()


def test_it_does_not_let_an_analyst_decide(analyst):
    link = LinkFactory()
    with pytest.raises(PermissionDenied):
        link_decide(link=link, reviewer=analyst, verdict="confirmed", expected_version=1)
    assert Link.objects.get(pk=link.pk).status == "proposed"


def test_it_rejects_unknown_verdicts_and_reason_codes(reviewer):
    link = LinkFactory()
    with pytest.raises(ValidationError):
        link_decide(link=link, reviewer=reviewer, verdict="proposed", expected_version=1)
    with pytest.raises(ValidationError):
        link_decide(link=link, reviewer=reviewer, verdict="confirmed", reason_code="because", expected_version=1)
    assert not Decision.objects.exists()


def test_it_needs_two_agreeing_reviewers_in_two_reviewer_mode(settings, reviewer, second_reviewer):
    settings.TWO_REVIEWER_MODE = True
    link = LinkFactory()
    link = link_decide(link=link, reviewer=reviewer, verdict="confirmed", expected_version=1)
    assert link.status == "proposed"
    link = link_decide(link=link, reviewer=reviewer, verdict="confirmed", expected_version=link.version)
    assert link.status == "proposed", "the same reviewer twice is not two reviewers"
    link = link_decide(link=link, reviewer=second_reviewer, verdict="confirmed", expected_version=link.version)
    assert link.status == "confirmed"
    assert Decision.objects.filter(link=link).count() == 3


def test_it_marks_disagreement_as_disputed_in_two_reviewer_mode(settings, reviewer, second_reviewer):
    settings.TWO_REVIEWER_MODE = True
    link = link_decide(link=LinkFactory(), reviewer=reviewer, verdict="confirmed", expected_version=1)
    link = link_decide(link=link, reviewer=second_reviewer, verdict="rejected", expected_version=link.version)
    assert link.status == "disputed"


def test_it_keeps_a_moderators_overturn_as_one_opinion_in_two_reviewer_mode(
    settings, reviewer, second_reviewer, moderator
):
    from provenance.review.moderation import link_overturn

    settings.TWO_REVIEWER_MODE = True
    link = link_decide(link=LinkFactory(), reviewer=reviewer, verdict="confirmed", expected_version=1)
    link = link_decide(link=link, reviewer=second_reviewer, verdict="rejected", expected_version=link.version)
    assert link.status == "disputed"
    link = link_overturn(link=link, by=moderator, verdict="confirmed", reason="The credit line is explicit")
    assert link.status == "confirmed"
    # A later reviewer who agrees leaves it confirmed; one who disagrees reopens the dispute.
    link = link_decide(link=link, reviewer=reviewer, verdict="confirmed", expected_version=link.version)
    assert link.status == "confirmed"
    link = link_decide(link=link, reviewer=second_reviewer, verdict="rejected", expected_version=link.version)
    assert link.status == "disputed"


def test_it_decides_a_chain_and_optionally_its_undecided_links(reviewer, second_reviewer):
    first, second = LinkFactory(), LinkFactory()
    second = link_decide(link=second, reviewer=second_reviewer, verdict="rejected", expected_version=1)
    chain = make_chain(first, second)
    chain = chain_decide(chain=chain, reviewer=reviewer, verdict="confirmed", expected_version=1, apply_to_links=True)
    assert chain.status == "confirmed" and chain.version == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "confirmed"
    assert second.status == "rejected", "a link someone decided keeps its decision"
    assert AuditEvent.objects.filter(action="chain.confirmed", object_id=str(chain.pk)).exists()
    with pytest.raises(DecisionConflict):
        chain_decide(chain=chain, reviewer=second_reviewer, verdict="rejected", expected_version=1)


def test_it_creates_a_span_note_with_the_articles_own_text(analyst):
    article = ArticleFactory(text="Scores of militants fled the region on Sunday.")
    note = annotation_create(author=analyst, body="Which region?", article=article, start=10, end=19,
                             quote="militants")
    assert note.quote == "militants"
    assert AuditEvent.objects.filter(action="annotation.create", object_id=str(note.pk)).exists()


@pytest.mark.parametrize(
    "start,end,quote",
    [(10, 500, ""), (10, None, ""), (0, 6, "something else")],
)
def test_it_refuses_spans_outside_or_not_matching_the_text(analyst, start, end, quote):
    article = ArticleFactory(text="Scores of militants fled the region on Sunday.")
    with pytest.raises(ValidationError):
        annotation_create(author=analyst, body="Note", article=article, start=start, end=end, quote=quote)


def test_it_refuses_an_empty_note(analyst):
    with pytest.raises(ValidationError):
        annotation_create(author=analyst, body="   ", article=ArticleFactory())


def test_it_lets_only_the_author_or_a_moderator_delete_a_note(analyst, reviewer, moderator):
    note = AnnotationFactory(author=analyst)
    with pytest.raises(PermissionDenied):
        annotation_delete(annotation=note, by=reviewer)
    annotation_delete(annotation=note, by=analyst)
    other = AnnotationFactory(author=UserFactory(username="someone", role="analyst"))
    annotation_delete(annotation=other, by=moderator)
    assert AuditEvent.objects.filter(action="annotation.delete").count() == 2
