"""Cohen's kappa between reviewers, checked against values worked out by hand, and two-reviewer mode."""

import pytest
from django.urls import reverse

from provenance.review.agreement import cohen_kappa, reviewer_agreement
from provenance.review.models import Link, Verdict
from provenance.review.services import link_decide
from tests.factories import LinkFactory, UserFactory

C, R, N = "confirmed", "rejected", "needs_evidence"


def test_it_gives_one_for_perfect_agreement():
    result = cohen_kappa([(C, C), (R, R), (N, N), (C, C)])
    assert result.kappa == pytest.approx(1.0)
    assert result.links == 4 and result.agreed == 4


def test_it_gives_zero_when_agreement_is_what_chance_predicts():
    # Each rater says confirmed half the time; they agree on 2 of 4: p_o = 0.5 = p_e.
    result = cohen_kappa([(C, C), (C, R), (R, C), (R, R)])
    assert result.observed == pytest.approx(0.5)
    assert result.expected == pytest.approx(0.5)
    assert result.kappa == pytest.approx(0.0)


def test_it_matches_a_worked_example():
    """50 links. Rater A: 25 confirmed, 25 rejected; rater B: 30 confirmed, 20 rejected.

    Both confirmed 20, both rejected 15, A confirmed/B rejected 5, A rejected/B confirmed 10.
    p_o = 35/50 = 0.70; p_e = 0.5*0.6 + 0.5*0.4 = 0.50; kappa = (0.70 - 0.50) / 0.50 = 0.40.
    """
    pairs = [(C, C)] * 20 + [(R, R)] * 15 + [(C, R)] * 5 + [(R, C)] * 10
    result = cohen_kappa(pairs)
    assert result.observed == pytest.approx(0.70)
    assert result.expected == pytest.approx(0.50)
    assert result.kappa == pytest.approx(0.40)
    assert result.label == "fair"


def test_it_handles_three_categories():
    """p_o = 6/10; A: C5 R3 N2; B: C4 R5 N1; p_e = (20+15+2)/100 = 0.37; kappa = 0.23/0.63 = 0.3651."""
    pairs = [(C, C)] * 3 + [(R, R)] * 2 + [(N, N)] + [(C, R)] * 2 + [(R, C)] + [(N, R)]
    result = cohen_kappa(pairs)
    assert result.observed == pytest.approx(0.6)
    assert result.expected == pytest.approx(0.37)
    assert result.kappa == pytest.approx(0.23 / 0.63)


def test_it_is_negative_for_systematic_disagreement():
    result = cohen_kappa([(C, R), (R, C), (C, R), (R, C)])
    assert result.kappa == pytest.approx(-1.0)
    assert result.label == "poor"


def test_it_reports_no_figure_without_double_reviewed_links():
    result = cohen_kappa([])
    assert result.kappa is None and not result.enough


@pytest.mark.django_db
def test_it_computes_kappa_from_reviewers_decisions(settings, reviewer, second_reviewer):
    settings.TWO_REVIEWER_MODE = True
    third = UserFactory(username="rev3", role="reviewer")
    plan = [(C, C), (C, C), (R, R), (C, R), (R, C), (R, R)]
    for first_verdict, second_verdict in plan:
        link = LinkFactory()
        link = link_decide(link=link, reviewer=reviewer, verdict=first_verdict, expected_version=link.version)
        link_decide(link=link, reviewer=second_reviewer, verdict=second_verdict, expected_version=link.version)
    # A link only one reviewer decided does not count.
    lone = LinkFactory()
    link_decide(link=lone, reviewer=third, verdict=C, expected_version=lone.version)

    result = reviewer_agreement()
    # p_o = 4/6; A: C3 R3, B: C3 R3 -> p_e = 0.5; kappa = (2/3 - 1/2) / (1/2) = 1/3
    assert result.links == 6
    assert result.kappa == pytest.approx(1 / 3)


@pytest.mark.django_db
def test_it_confirms_only_when_two_reviewers_agree(settings, reviewer, second_reviewer):
    settings.TWO_REVIEWER_MODE = True
    link = LinkFactory()
    link = link_decide(link=link, reviewer=reviewer, verdict=C, expected_version=link.version)
    assert link.status == Verdict.PROPOSED
    # The same reviewer again does not make two.
    link = link_decide(link=link, reviewer=reviewer, verdict=C, expected_version=link.version)
    assert link.status == Verdict.PROPOSED
    link = link_decide(link=link, reviewer=second_reviewer, verdict=C, expected_version=link.version)
    assert link.status == Verdict.CONFIRMED


@pytest.mark.django_db
def test_it_sends_disagreements_to_the_moderators_queue(settings, reviewer, second_reviewer, moderator, client):
    settings.TWO_REVIEWER_MODE = True
    link = LinkFactory()
    link = link_decide(link=link, reviewer=reviewer, verdict=C, note="credit is clear", expected_version=link.version)
    link = link_decide(link=link, reviewer=second_reviewer, verdict=R, note="wrong direction",
                       expected_version=link.version)
    assert link.status == Verdict.DISPUTED

    client.force_login(moderator)
    page = client.get(reverse("moderation_queue")).content.decode()
    assert f"Link #{link.pk}" in page
    assert "credit is clear" in page and "wrong direction" in page
    # One double-reviewed link with a split decision: p_o = 0, p_e = 0, kappa = 0.
    assert "κ = 0.00" in page and "over 1 link decided by two reviewers" in page

    # Resolving needs a reason.
    response = client.post(reverse("moderation_resolve", args=[link.pk]), {"verdict": R, "reason": ""})
    assert response.status_code == 302
    assert Link.objects.get(pk=link.pk).status == Verdict.DISPUTED
    # Through htmx, the dispute comes back in place with its form and the error.
    response = client.post(reverse("moderation_resolve", args=[link.pk]), {"verdict": R, "reason": ""},
                           headers={"HX-Request": "true"})
    assert response.status_code == 422
    fragment = response.content.decode()
    assert "Choose a verdict and give a reason" in fragment
    assert f'<textarea id="reason-{link.pk}" name="reason"' in fragment and 'name="verdict"' in fragment
    response = client.post(reverse("moderation_resolve", args=[link.pk]), {"verdict": R, "reason": "B is right"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "set to rejected" in response.content.decode()
    assert "link-decided" in response["HX-Trigger"]
    link.refresh_from_db()
    assert link.status == Verdict.REJECTED
    assert link.decisions.filter(superseded=True).count() == 2
    assert f"Link #{link.pk}" not in client.get(reverse("moderation_queue")).content.decode()


@pytest.mark.django_db
def test_it_refuses_the_moderators_queue_to_reviewers(reviewer_client):
    assert reviewer_client.get(reverse("moderation_queue")).status_code == 403
    link = LinkFactory(status=Verdict.DISPUTED)
    response = reviewer_client.post(reverse("moderation_resolve", args=[link.pk]), {"verdict": C, "reason": "me"})
    assert response.status_code == 403
    assert Link.objects.get(pk=link.pk).status == Verdict.DISPUTED


@pytest.mark.django_db
def test_it_shows_the_agreement_rate_on_the_dashboard(settings, reviewer, second_reviewer, analyst_client):
    settings.TWO_REVIEWER_MODE = True
    for first_verdict, second_verdict in [(C, C)] * 20 + [(R, R)] * 15 + [(C, R)] * 5 + [(R, C)] * 10:
        link = LinkFactory()
        link = link_decide(link=link, reviewer=reviewer, verdict=first_verdict, expected_version=link.version)
        link_decide(link=link, reviewer=second_reviewer, verdict=second_verdict, expected_version=link.version)
    page = analyst_client.get(reverse("dashboard")).content.decode()
    assert "κ = 0.40" in page and "(fair)" in page and "over 50 links" in page


@pytest.mark.django_db
def test_it_lets_a_moderator_resolve_a_disputed_chain(settings, reviewer, second_reviewer, moderator, client):
    from provenance.review.models import Chain
    from provenance.review.services import chain_decide
    from tests.factories import make_chain

    settings.TWO_REVIEWER_MODE = True
    chain = make_chain(LinkFactory())
    chain = chain_decide(chain=chain, reviewer=reviewer, verdict=C, expected_version=chain.version)
    chain = chain_decide(chain=chain, reviewer=second_reviewer, verdict=R, note="siblings, not a chain",
                         expected_version=chain.version)
    assert chain.status == Verdict.DISPUTED
    client.force_login(moderator)
    page = client.get(reverse("moderation_queue")).content.decode()
    assert f"Chain #{chain.pk}" in page and "siblings, not a chain" in page
    url = reverse("moderation_resolve_chain", args=[chain.pk])
    assert client.post(url, {"verdict": C, "reason": ""}).status_code == 302
    assert Chain.objects.get(pk=chain.pk).status == Verdict.DISPUTED
    response = client.post(url, {"verdict": C, "reason": "One copies the other"}, headers={"HX-Request": "true"})
    assert "set to confirmed" in response.content.decode()
    chain.refresh_from_db()
    assert chain.status == Verdict.CONFIRMED and chain.decisions.filter(superseded=True).count() == 2
    assert f"Chain #{chain.pk}" not in client.get(reverse("moderation_queue")).content.decode()
