"""Detection stored in the database: links, chains, incremental updates and reviewers' decisions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from provenance.corpus.models import ArticleFingerprint, Credit
from provenance.review.detection import detect_articles
from provenance.review.models import Chain, Link, Verdict
from tests.detect_helpers import add_article, load_outlets

WIRE = (
    "Television presenter Noel Edmonds said today he was quitting the BBC because he found the programmes "
    "too boring. Edmonds, once one of the BBC's highest paid presenters, was sad to be throwing in the towel "
    "after 30 years but did not rule out a television comeback if the right offer came along. Paul Pascoe, a "
    "spokesman for Edmonds, said he is only 50 and has a lot of life in him yet. The departure comes less "
    "than a week after the defection of sports presenter Des Lynam to ITV, which surprised many viewers. "
    "Noel's House Party was axed in March after ratings plummeted from 15 million to 8 million viewers."
)
COPY = (
    "NOEL EDMONDS is quitting the corporation. Edmonds, once one of the BBC's highest paid presenters, was sad "
    "to be throwing in the towel after 30 years but did not rule out a television comeback if the right offer "
    "came along. Noel's House Party was axed in March after ratings plummeted from 15 million to 8 million "
    "viewers. Fans will miss him."
)
OTHER_WIRE = (
    "Pop group Oasis announced tonight that guitarist Paul Arthurs had left the band after eight years, "
    "saying he wanted to spend more time with his family. The Manchester group said the split was amicable "
    "and that recording of their fourth album would continue at a studio in France as planned next month. "
    "A spokesman said the remaining members wished him every success in whatever he decided to do next."
)
OTHER_COPY = (
    "OASIS guitarist Bonehead has quit. The Manchester group said the split was amicable and that recording "
    "of their fourth album would continue at a studio in France as planned next month. Fans were stunned."
)


@pytest.fixture
def outlets(db):
    load_outlets()


@pytest.fixture
def wire_and_copy(outlets):
    wire = add_article(WIRE, outlet="Press Association", published="1999-08-08T12:00", path="pa/edmonds1.txt")
    copy = add_article(COPY, outlet="The Sun", published="1999-08-09T12:00", path="sun/edmonds2.txt")
    report = detect_articles([wire.id, copy.id])
    return wire, copy, report


def test_it_links_a_copy_to_its_source_with_evidence(wire_and_copy):
    wire, copy, report = wire_and_copy
    link = Link.objects.get()
    assert (link.source_article_id, link.target_id) == (wire.id, copy.id)
    assert link.kind == Link.Kind.REPUBLICATION and 0 < link.score <= 1
    assert report.links_created == [link.id]
    assert "published 1 day after" in link.reasons
    assert any(reason.endswith("of its text appears in the source") for reason in link.reasons)
    for passage in link.evidence["passages"]:
        assert WIRE[passage["source_start"] : passage["source_end"]] == COPY[passage["target_start"] : passage["target_end"]]
    assert link.evidence["containment"]["target_in_source"] > 0.6
    assert ArticleFingerprint.objects.filter(article=copy).count() > 32
    chain = Chain.objects.get()
    assert chain.key == f"a{wire.id}>a{copy.id}"
    assert [n.article_id for n in chain.ordered_nodes()] == [wire.id, copy.id]


def test_it_stores_credits_and_an_attribution_chain(outlets):
    article = add_article(
        "Scores of militants fled to Jordan, Russia's news agency Ria Novosti quoted a military source as saying.",
        outlet="Sputnik",
    )
    detect_articles([article.id])
    credit = Credit.objects.get()
    assert (credit.outlet.name, credit.role, credit.cue) == ("RIA Novosti", Credit.Role.SOURCE, "quoted")
    link = Link.objects.get()
    assert (link.source_outlet.name, link.kind) == ("RIA Novosti", Link.Kind.ATTRIBUTION)
    assert str(Chain.objects.get()) .startswith("RIA Novosti → Sputnik")


def test_it_keeps_a_confirmed_link_and_marks_it_stale_when_no_longer_found(wire_and_copy):
    wire, copy, _ = wire_and_copy
    Link.objects.update(status=Verdict.CONFIRMED)
    Chain.objects.update(status=Verdict.CONFIRMED)
    copy.text = OTHER_COPY
    copy.save()
    report = detect_articles([copy.id])
    link = Link.objects.get()
    assert link.status == Verdict.CONFIRMED and link.stale
    assert report.links_stale == [link.id] and report.links_removed == []
    chain = Chain.objects.get()
    assert chain.status == Verdict.CONFIRMED and chain.stale


def test_it_never_proposes_a_rejected_link_again(wire_and_copy):
    wire, copy, _ = wire_and_copy
    link = Link.objects.get()
    Link.objects.update(status=Verdict.REJECTED)
    report = detect_articles([wire.id, copy.id])
    assert list(Link.objects.values_list("id", "status")) == [(link.id, Verdict.REJECTED)]
    assert report.links_created == []


def test_it_removes_a_proposed_link_that_is_no_longer_found(wire_and_copy):
    wire, copy, _ = wire_and_copy
    link = Link.objects.get()
    copy.text = OTHER_COPY
    copy.save()
    report = detect_articles([copy.id])
    assert not Link.objects.exists() and report.links_removed == [link.id]
    assert not Chain.objects.exists() and len(report.chains_removed) == 1


def test_it_updates_only_what_a_new_article_touches(wire_and_copy):
    wire, copy, _ = wire_and_copy
    before = {link.id: link.updated_at for link in Link.objects.all()}
    other = add_article(OTHER_WIRE, outlet="Press Association", published="1999-08-08T13:00", path="pa/oasis1.txt")
    report = detect_articles([other.id])
    assert report.links_created == [] and report.chains_created == []
    other_copy = add_article(OTHER_COPY, outlet="Daily Star", published="1999-08-09T12:00", path="star/oasis2.txt")
    report = detect_articles([other_copy.id])
    [new_link] = Link.objects.filter(target=other_copy)
    assert report.links_created == [new_link.id] and new_link.source_article_id == other.id
    assert {link.id: link.updated_at for link in Link.objects.exclude(id=new_link.id)} == before
    assert Chain.objects.count() == 2


def test_it_reports_what_changed_after_a_date_correction(wire_and_copy):
    wire, copy, _ = wire_and_copy
    old = Link.objects.get()
    # The copy was in fact published first (and is the fuller text now): the direction flips.
    copy.published_at = wire.published_at.replace(year=1998)
    copy.save()
    wire.text = COPY + " Edmonds did not comment."
    wire.content_hash = "x" * 64
    wire.save()
    copy.text = WIRE
    copy.save()
    report = detect_articles([wire.id, copy.id])
    new = Link.objects.get()
    assert (new.source_article_id, new.target_id) == (copy.id, wire.id)
    assert report.links_removed == [old.id] and report.links_created == [new.id]
    assert report.changed


def test_it_leaves_hidden_articles_out(outlets):
    wire = add_article(WIRE, outlet="Press Association", published="1999-08-08T12:00")
    wire.hidden = True
    wire.save()
    copy = add_article(COPY, outlet="The Sun", published="1999-08-09T12:00")
    detect_articles([wire.id, copy.id])
    assert not Link.objects.exists()


def test_it_does_not_query_per_link_or_credit(outlets):
    ids = []
    for n in range(6):
        ids.append(add_article(WIRE + f" Update {n}.", outlet="Press Association", published="1999-08-08T12:00").id)
        ids.append(add_article(COPY + f" Edition {n}.", outlet="The Sun", published="1999-08-09T12:00").id)
    with CaptureQueriesContext(connection) as small:
        detect_articles(ids[:2])
    Link.objects.all().delete()
    Chain.objects.all().delete()
    with CaptureQueriesContext(connection) as large:
        detect_articles(ids)
    # One candidate lookup and one boilerplate lookup per article; everything else is in bulk.
    assert len(large) <= len(small) + 3 * (len(ids) - 2) + 10
    assert Link.objects.count() >= 6


def test_it_runs_from_the_detect_command_and_the_task(outlets):
    import io

    from django.core.management import CommandError, call_command

    from provenance.review.tasks import detect_articles_task

    wire = add_article(WIRE, outlet="Press Association", published="1999-08-08T12:00")
    copy = add_article(COPY, outlet="The Sun", published="1999-08-09T12:00")
    out = io.StringIO()
    call_command("detect", "--all", stdout=out)
    assert "2 article(s)" in out.getvalue() and "links 1 created" in out.getvalue()
    result = detect_articles_task.delay([copy.id]).get()
    assert result["articles"] == [copy.id] and result["links_created"] == []
    assert Link.objects.get().target_id == copy.id
    with pytest.raises(CommandError, match="no article with id 999"):
        call_command("detect", "999")
    with pytest.raises(CommandError, match="either --all"):
        call_command("detect")
    assert wire.id != copy.id


def test_it_does_not_count_an_outlets_boilerplate_as_shared_text(outlets):
    import random

    rng = random.Random(3)
    words = ["harbour", "council", "tender", "village", "orchard", "bridge", "festival", "library", "ferry",
             "market", "school", "museum", "stadium", "river", "garden", "station", "factory", "theatre"]
    disclaimer = (
        "Disclaimer: The contents of this article are of sole responsibility of the author. The Centre will not "
        "be responsible for any inaccurate or incorrect statement in this article, and grants permission to "
        "cross-post articles on community internet sites as long as the source and copyright are acknowledged."
    )
    ids = []
    for n in range(17):
        body = " ".join(rng.choice(words) for _ in range(25)) + f" story {n}."
        ids.append(add_article(f"{body}\n\n{disclaimer}", outlet="Global Research", published="2015-10-06T12:00").id)
    detect_articles(ids)
    assert not Link.objects.filter(source_article__isnull=False).exists()


BRIEF_WIRE = (
    "Pop star Kylie Minogue has cancelled her Glasgow concert after falling ill with flu, promoters announced "
    "on Tuesday. Fans holding tickets for the Hydro show will receive full refunds from the box office. The "
    "singer is expected to resume her European tour in Manchester next week. Her spokesman said doctors had "
    "ordered complete rest for several days. The Australian performer thanked Scottish fans for their patience."
)
# A news brief rewriting the wire copy: no run of five words in common, a few topic word pairs.
BRIEF = (
    "Kylie Minogue axed her Glasgow gig on Tuesday because flu struck the pop star. Promoters confirmed "
    "ticket holders get refunds for the Hydro show at the box office."
)


def test_it_finds_the_wire_source_of_a_rewritten_news_brief(outlets):
    wire = add_article(BRIEF_WIRE, outlet="Press Association", published="1999-08-10T09:00:00")
    brief = add_article(BRIEF, outlet="The Sun", published="1999-08-11T06:00:00")
    detect_articles([wire.id, brief.id])
    link = Link.objects.get(target=brief)
    assert (link.source_article_id, link.kind) == (wire.id, "partial")
    # A rewrite two weeks later is no rewrite of that wire copy (it copies the brief word for word).
    later = add_article(BRIEF + " A new date has not been set.", outlet="The Sun", published="1999-08-24T06:00:00")
    detect_articles([later.id])
    assert list(Link.objects.filter(target=later).values_list("source_article_id", flat=True)) == [brief.id]


def test_a_confirmation_given_to_a_credit_carries_over_when_the_credited_article_arrives(outlets):
    from provenance.review.models import AuditEvent

    copy = add_article(COPY + "\n\nSource: Press Association", outlet="The Sun", published="1999-08-09T12:00")
    detect_articles([copy.id])
    credited = Link.objects.get()
    assert credited.source_outlet.name == "Press Association" and credited.source_article is None
    Link.objects.update(status=Verdict.CONFIRMED)
    Chain.objects.update(status=Verdict.CONFIRMED)
    old_chain = Chain.objects.get()
    # The credited outlet's own article comes in: detection now links the article itself.
    wire = add_article(WIRE, outlet="Press Association", published="1999-08-08T12:00")
    detect_articles([wire.id])
    credited.refresh_from_db()
    assert credited.stale and credited.status == Verdict.CONFIRMED
    link = Link.objects.get(source_article=wire, target=copy)
    assert link.status == Verdict.CONFIRMED and f"link #{credited.pk}" in link.decision_note
    event = AuditEvent.objects.get(action="link.carry_over")
    assert event.actor is None and event.after["from_link"] == credited.pk
    old_chain.refresh_from_db()
    assert old_chain.stale
    chain = Chain.objects.get(stale=False)
    assert [n.article_id for n in chain.ordered_nodes()] == [wire.id, copy.id]
    assert chain.status == Verdict.CONFIRMED and f"chain #{old_chain.pk}" in chain.decision_note


def test_a_rejected_credit_does_not_carry_over(outlets):
    copy = add_article(COPY + "\n\nSource: Press Association", outlet="The Sun", published="1999-08-09T12:00")
    detect_articles([copy.id])
    Link.objects.update(status=Verdict.REJECTED)
    wire = add_article(WIRE, outlet="Press Association", published="1999-08-08T12:00")
    detect_articles([wire.id])
    assert Link.objects.get(source_article=wire, target=copy).status == Verdict.PROPOSED


def test_a_credited_copy_is_the_source_not_a_sibling_of_the_original(outlets):
    """TASS → Daily Mail (word for word) → BBC, which credits the Daily Mail: all three texts are alike,
    and the credit decides that the BBC took it from the Daily Mail, not from TASS."""
    tass = add_article(WIRE, outlet="TASS", published="1999-08-07T12:00")
    mail = add_article("Edmonds walks out.\n\n" + WIRE, outlet="Daily Mail", published="1999-08-08T12:00")
    bbc = add_article("Edmonds walks out.\n\n" + WIRE + "\n\nSource: Daily Mail", outlet="BBC",
                      published="1999-08-09T12:00")
    detect_articles([tass.id, mail.id, bbc.id])
    pairs = set(Link.objects.filter(source_article__isnull=False).values_list("source_article_id", "target_id"))
    assert pairs == {(tass.id, mail.id), (mail.id, bbc.id)}
    assert not Link.objects.filter(target=bbc, source_article__isnull=True).exists()
    assert [[n.article_id for n in c.ordered_nodes()] for c in Chain.objects.all()] == [[tass.id, mail.id, bbc.id]]


def test_chains_follow_their_links_decisions(outlets, reviewer):
    from provenance.review.services import link_decide

    wire = add_article(WIRE, outlet="Press Association", published="1999-08-08T12:00")
    copy = add_article(COPY, outlet="The Sun", published="1999-08-09T12:00")
    credited = add_article(
        "Scores of militants fled to Jordan, Russia's news agency Ria Novosti quoted a military source as saying.",
        outlet="Sputnik",
    )
    detect_articles([wire.id, copy.id, credited.id])
    text_link, credit_link = Link.objects.get(target=copy), Link.objects.get(target=credited)
    assert Chain.objects.get(links=text_link).links.count() == 1
    # Confirming a link confirms the proposed chain made of that link alone.
    link_decide(link=text_link, reviewer=reviewer, verdict="confirmed", expected_version=text_link.version)
    chain = Chain.objects.get(links=text_link)
    assert chain.status == Verdict.CONFIRMED and f"link #{text_link.pk}" in chain.decision_note
    # Rejecting a link takes away the proposed chains that leaned on it.
    assert Chain.objects.filter(links=credit_link).exists()
    link_decide(link=credit_link, reviewer=reviewer, verdict="rejected", expected_version=credit_link.version)
    assert not Chain.objects.filter(links=credit_link).exists()
    assert Chain.objects.filter(links=text_link, status=Verdict.CONFIRMED, stale=False).exists()
