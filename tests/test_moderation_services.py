"""Moderation services: each action does what it says, writes its audit event, and refuses without a reason."""

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client

from provenance.accounts.services import user_deactivate, user_reactivate
from provenance.corpus import moderation as corpus_moderation
from provenance.corpus.models import Article, Credit, Outlet, Upload
from provenance.corpus.outlets import outlet_directory
from provenance.review import moderation
from provenance.review.audit import audit_history
from provenance.review.models import AuditEvent, Chain, ChainNode, Decision, Link, Verdict
from provenance.review.moderation import ModerationError
from provenance.review.services import DecisionConflict, link_decide
from tests.factories import (
    ArticleFactory,
    CreditFactory,
    LinkFactory,
    OutletFactory,
    UploadFactory,
    UserFactory,
    make_chain,
)

pytestmark = pytest.mark.django_db


def _event(obj, action):
    events = list(audit_history(obj).filter(action=action))
    assert len(events) == 1, f"expected one {action} event, found {len(events)}"
    return events[0]


# --- Outlet merge --------------------------------------------------------------------------------


def test_it_merges_a_duplicate_outlet_into_the_kept_one(moderator):
    keep = OutletFactory(name="RIA Novosti", aliases=["RIA"], domains=["ria.ru"])
    merge = OutletFactory(name="Ria Novosti Agency", aliases=["RIA news agency"], domains=["ria.com"],
                          notes="Duplicate made by import")
    child = OutletFactory(name="Sputnik", parent=merge)
    article = ArticleFactory(outlet=merge)
    credit = CreditFactory(outlet=merge, article=ArticleFactory(outlet=child))
    upload = UploadFactory(given_outlet=merge)
    link = LinkFactory(source_article=None, source_outlet=merge, target=article, kind="attribution")

    moderation_result = corpus_moderation.outlet_merge(keep=keep, merge=merge, by=moderator, reason="Same agency")

    assert not Outlet.objects.filter(pk=merge.pk).exists()
    keep.refresh_from_db()
    assert moderation_result == keep
    assert keep.aliases == ["RIA", "Ria Novosti Agency", "RIA news agency"]
    assert keep.domains == ["ria.ru", "ria.com"]
    assert "Duplicate made by import" in keep.notes
    article.refresh_from_db(), credit.refresh_from_db(), upload.refresh_from_db(), link.refresh_from_db()
    child.refresh_from_db()
    assert article.outlet == keep and credit.outlet == keep and upload.given_outlet == keep
    assert link.source_outlet == keep
    assert child.parent == keep
    event = _event(keep, "outlet.merge")
    assert event.actor == moderator and event.reason == "Same agency"
    assert event.before["merge"]["name"] == "Ria Novosti Agency"
    assert event.after["moved"]["articles"] == [article.pk]
    assert event.after["links_moved"] == [link.pk]


def test_it_lets_the_outlet_directory_resolve_the_merged_name(moderator, django_capture_on_commit_callbacks):
    keep = OutletFactory(name="RT", aliases=["Russia Today"])
    merge = OutletFactory(name="RT News", domains=["rt.com"])
    assert outlet_directory().resolve("RT News") == merge.pk
    with django_capture_on_commit_callbacks(execute=True):
        corpus_moderation.outlet_merge(keep=keep, merge=merge, by=moderator, reason="Duplicate")
    assert outlet_directory().resolve("RT News") == keep.pk
    assert outlet_directory().resolve_domain("https://www.rt.com/news/1") == keep.pk


def test_it_merges_colliding_links_keeping_every_decision(moderator, reviewer, second_reviewer):
    keep, merge = OutletFactory(name="TASS"), OutletFactory(name="TASS agency")
    target = ArticleFactory()
    kept_link = LinkFactory(source_article=None, source_outlet=keep, target=target, kind="attribution", score=0.4)
    merged_link = LinkFactory(source_article=None, source_outlet=merge, target=target, kind="attribution",
                              score=0.7)
    link_decide(link=merged_link, reviewer=reviewer, verdict="confirmed", note="credit is clear",
                expected_version=merged_link.version)
    chain = make_chain(merged_link)

    corpus_moderation.outlet_merge(keep=keep, merge=merge, by=moderator, reason="Same agency")

    links = list(Link.objects.filter(target=target))
    assert len(links) == 1
    survivor = links[0]
    # The decided row survives; the undecided duplicate folded into it.
    assert survivor.pk == merged_link.pk
    assert survivor.source_outlet == keep
    assert survivor.status == Verdict.CONFIRMED
    assert survivor.decisions.get().note == "credit is clear"
    assert list(chain.links.all()) == [survivor]
    chain.refresh_from_db()
    assert chain.key == f"o{keep.pk}>a{target.pk}"
    assert ChainNode.objects.get(chain=chain, position=0).outlet == keep
    event = _event(keep, "outlet.merge")
    assert event.after["links_merged"][0]["removed_link"] == kept_link.pk


def test_it_marks_merged_links_with_conflicting_decisions_disputed(moderator, reviewer, second_reviewer):
    keep, merge = OutletFactory(name="IRNA"), OutletFactory(name="IRNA English")
    target = ArticleFactory()
    a = LinkFactory(source_article=None, source_outlet=keep, target=target, kind="attribution")
    b = LinkFactory(source_article=None, source_outlet=merge, target=target, kind="attribution")
    link_decide(link=a, reviewer=reviewer, verdict="confirmed", expected_version=a.version)
    link_decide(link=b, reviewer=second_reviewer, verdict="rejected", expected_version=b.version)

    corpus_moderation.outlet_merge(keep=keep, merge=merge, by=moderator, reason="Duplicate")

    survivor = Link.objects.get(target=target)
    assert survivor.pk == a.pk
    assert survivor.status == Verdict.DISPUTED
    assert sorted(survivor.decisions.values_list("verdict", flat=True)) == ["confirmed", "rejected"]


def test_it_merges_chains_that_become_the_same_path(moderator, reviewer):
    keep, merge = OutletFactory(name="Press TV"), OutletFactory(name="PressTV")
    target = ArticleFactory()
    a = LinkFactory(source_article=None, source_outlet=keep, target=target, kind="attribution")
    chain_keep = make_chain(a)
    # A second chain over the duplicate outlet, decided by a reviewer.
    b = LinkFactory(source_article=None, source_outlet=merge, target=target, kind="attribution")
    chain_merge = make_chain(b, status="confirmed")
    Decision.objects.create(chain=chain_merge, reviewer=reviewer, verdict="confirmed")

    corpus_moderation.outlet_merge(keep=keep, merge=merge, by=moderator, reason="Duplicate")

    assert list(Chain.objects.values_list("pk", flat=True)) == [chain_keep.pk]
    chain_keep.refresh_from_db()
    assert chain_keep.status == "confirmed"
    assert chain_keep.decisions.count() == 1


def test_it_refuses_to_merge_an_outlet_with_itself_or_without_reason(moderator):
    outlet = OutletFactory()
    other = OutletFactory()
    with pytest.raises(ModerationError):
        corpus_moderation.outlet_merge(keep=outlet, merge=outlet, by=moderator, reason="x")
    with pytest.raises(ModerationError, match="reason"):
        corpus_moderation.outlet_merge(keep=outlet, merge=other, by=moderator, reason="  ")
    assert Outlet.objects.count() == 2
    assert not AuditEvent.objects.exists()


def test_it_refuses_moderation_to_a_reviewer(reviewer):
    keep, merge = OutletFactory(), OutletFactory()
    with pytest.raises(ModerationError, match="moderators"):
        corpus_moderation.outlet_merge(keep=keep, merge=merge, by=reviewer, reason="because")
    assert Outlet.objects.count() == 2


# --- Hiding --------------------------------------------------------------------------------------


def test_it_hides_and_unhides_an_article(moderator):
    link = LinkFactory()
    chain = make_chain(link)
    article = link.target

    corpus_moderation.article_hide(article=article, by=moderator, reason="Junk page")

    article.refresh_from_db()
    assert article.hidden and article.hidden_reason == "Junk page"
    assert article not in Article.objects.visible()
    assert link not in Link.objects.visible()
    assert chain not in Chain.objects.visible()
    assert Article.objects.filter(pk=article.pk).exists()  # kept
    event = _event(article, "article.hide")
    assert event.before == {"hidden": False, "hidden_reason": ""}
    assert event.after["chains_hidden"] == [chain.pk]

    corpus_moderation.article_unhide(article=article, by=moderator, reason="It was real")
    article.refresh_from_db()
    assert not article.hidden
    assert link in Link.objects.visible() and chain in Chain.objects.visible()
    assert _event(article, "article.unhide").reason == "It was real"


def test_it_hides_a_whole_upload_and_restores_only_what_it_hid(moderator):
    upload = UploadFactory()
    a, b, c = (ArticleFactory(upload=upload) for _ in range(3))
    corpus_moderation.article_hide(article=c, by=moderator, reason="Hidden on its own")

    corpus_moderation.upload_hide(upload=upload, by=moderator, reason="Spam batch")
    upload.refresh_from_db()
    assert upload.hidden and upload.hidden_reason == "Spam batch"
    assert set(Article.objects.filter(upload=upload, hidden=True)) == {a, b, c}
    assert sorted(_event(upload, "upload.hide").after["articles_hidden"]) == sorted([a.pk, b.pk])

    corpus_moderation.upload_unhide(upload=upload, by=moderator, reason="Cleared")
    assert set(Article.objects.filter(upload=upload, hidden=False)) == {a, b}
    assert Article.objects.get(pk=c.pk).hidden
    assert not Upload.objects.get(pk=upload.pk).hidden
    assert sorted(_event(upload, "upload.unhide").after["articles_unhidden"]) == sorted([a.pk, b.pk])


def test_it_refuses_to_hide_twice(moderator):
    article = ArticleFactory()
    corpus_moderation.article_hide(article=article, by=moderator, reason="Junk")
    with pytest.raises(ModerationError, match="already hidden"):
        corpus_moderation.article_hide(article=article, by=moderator, reason="Junk")
    assert audit_history(article).count() == 1


# --- Chains --------------------------------------------------------------------------------------


def test_it_locks_a_chain_against_decisions_and_reopens_it(moderator, reviewer):
    link = LinkFactory()
    chain = make_chain(link)

    moderation.chain_lock(chain=chain, by=moderator, reason="Under investigation")
    chain.refresh_from_db()
    assert chain.locked and chain.locked_by == moderator and chain.locked_reason == "Under investigation"
    with pytest.raises(DecisionConflict, match="locked"):
        link_decide(link=link, reviewer=reviewer, verdict="confirmed", expected_version=link.version)
    assert Link.objects.get(pk=link.pk).status == Verdict.PROPOSED
    assert _event(chain, "chain.lock").after["locked"] is True

    moderation.chain_reopen(chain=chain, by=moderator, reason="Done")
    chain.refresh_from_db()
    assert not chain.locked
    link_decide(link=link, reviewer=reviewer, verdict="confirmed", expected_version=link.version)
    assert Link.objects.get(pk=link.pk).status == Verdict.CONFIRMED
    event = _event(chain, "chain.reopen")
    assert event.before["locked"] is True and event.after["locked"] is False


# --- Overturn and bulk decisions -----------------------------------------------------------------


def test_it_overturns_a_decision_keeping_the_old_one_as_superseded(moderator, reviewer):
    link = LinkFactory()
    link = link_decide(link=link, reviewer=reviewer, verdict="confirmed", expected_version=link.version)
    version = link.version

    link = moderation.link_overturn(link=link, by=moderator, verdict="rejected", reason="Both copy TASS")

    assert link.status == Verdict.REJECTED
    assert link.decided_by == moderator and link.decision_note == "Both copy TASS"
    assert link.version == version + 1
    old = Decision.objects.get(link=link)
    assert old.superseded and old.reviewer == reviewer
    event = _event(link, "link.overturn")
    assert event.before["status"] == "confirmed" and event.after["status"] == "rejected"
    assert event.after["superseded_decisions"] == [old.pk]
    assert event.reason == "Both copy TASS"


def test_it_requires_a_reason_to_overturn(moderator, reviewer):
    link = LinkFactory()
    link_decide(link=link, reviewer=reviewer, verdict="confirmed", expected_version=link.version)
    with pytest.raises(ModerationError, match="reason"):
        moderation.link_overturn(link=link, by=moderator, verdict="rejected", reason="")
    with pytest.raises(ModerationError, match="verdict"):
        moderation.link_overturn(link=link, by=moderator, verdict="disputed", reason="x")
    assert Link.objects.get(pk=link.pk).status == Verdict.CONFIRMED
    assert not Decision.objects.filter(superseded=True).exists()


def test_it_overturns_a_chain_decision(moderator, reviewer):
    chain = make_chain(LinkFactory(), status="confirmed")
    Decision.objects.create(chain=chain, reviewer=reviewer, verdict="confirmed")
    chain = moderation.chain_overturn(chain=chain, by=moderator, verdict="needs_evidence", reason="Dates unclear")
    assert chain.status == Verdict.NEEDS_EVIDENCE
    assert chain.decisions.get().superseded
    assert _event(chain, "chain.overturn").after["status"] == "needs_evidence"


def test_it_bulk_confirms_links_skipping_locked_chains(moderator):
    free = [LinkFactory(), LinkFactory()]
    already = LinkFactory(status="confirmed")
    locked_link = LinkFactory()
    chain = make_chain(locked_link)
    moderation.chain_lock(chain=chain, by=moderator, reason="Hold")

    result = moderation.links_bulk_decide(links=[*free, already, locked_link], by=moderator,
                                          verdict="confirmed", reason="Wire copies, checked")

    assert sorted(result.changed) == sorted(link.pk for link in free)
    assert result.unchanged == [already.pk]
    assert result.skipped_locked == [locked_link.pk]
    assert "skipped because their chain is locked" in result.summary("confirmed")
    for link in free:
        link.refresh_from_db()
        assert link.status == "confirmed" and link.decided_by == moderator
        assert _event(link, "link.bulk_confirm").reason == "Wire copies, checked"
    assert Link.objects.get(pk=locked_link.pk).status == "proposed"
    assert not audit_history(locked_link).filter(action__startswith="link.bulk").exists()


def test_it_bulk_rejects_links_with_a_reason(moderator):
    links = [LinkFactory(), LinkFactory()]
    with pytest.raises(ModerationError):
        moderation.links_bulk_decide(links=links, by=moderator, verdict="rejected", reason="")
    result = moderation.links_bulk_decide(links=links, by=moderator, verdict="rejected", reason="Boilerplate")
    assert len(result.changed) == 2
    assert set(Link.objects.values_list("status", flat=True)) == {"rejected"}
    assert AuditEvent.objects.filter(action="link.bulk_reject").count() == 2


# --- Users ---------------------------------------------------------------------------------------


def test_it_deactivates_a_user_and_signs_them_out(moderator):
    user = UserFactory(username="leaky", role="reviewer")
    client = Client()
    client.force_login(user)
    assert Session.objects.count() == 1

    user_deactivate(user=user, by=moderator, reason="Shared their password")

    user.refresh_from_db()
    assert not user.is_active
    assert Session.objects.count() == 0
    assert client.get("/").status_code == 302  # back to the login page
    event = _event(user, "user.deactivate")
    assert event.before == {"is_active": True}
    assert event.after["is_active"] is False and event.reason == "Shared their password"

    user_reactivate(user=user, by=moderator, reason="New password set")
    assert User.objects.get(pk=user.pk).is_active
    assert _event(user, "user.reactivate").reason == "New password set"


@pytest.mark.parametrize("engine", ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"])
def test_a_deactivated_users_sessions_stay_ended_after_reactivation(moderator, settings, engine):
    # With cached sessions (production, with Redis) the cache's copy must go too, or reactivating
    # the account would bring every old session back.
    settings.SESSION_ENGINE = engine
    user = UserFactory(username="stolen", role="reviewer")
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code == 200

    user_deactivate(user=user, by=moderator, reason="Account compromised")
    user_reactivate(user=user, by=moderator, reason="Owner verified")

    assert client.get("/").status_code == 302  # the old session is gone: sign in again
    assert _event(user, "user.deactivate").after["sessions_ended"] == 1


def test_it_refuses_to_deactivate_yourself_or_a_superuser(moderator):
    boss = User.objects.create_superuser("boss", "boss@example.org", "x-very-long-password")
    with pytest.raises(ModerationError):
        user_deactivate(user=moderator, by=moderator, reason="oops")
    with pytest.raises(ModerationError):
        user_deactivate(user=boss, by=moderator, reason="coup")
    assert User.objects.get(pk=boss.pk).is_active and User.objects.get(pk=moderator.pk).is_active


def test_it_counts_credits_once_after_a_merge(moderator):
    keep, merge = OutletFactory(name="Al Mayadeen"), OutletFactory(name="Almayadeen")
    article = ArticleFactory()
    CreditFactory(article=article, outlet=merge, start=0, end=5)
    CreditFactory(article=article, outlet=keep, start=10, end=15)
    corpus_moderation.outlet_merge(keep=keep, merge=merge, by=moderator, reason="Duplicate")
    assert Credit.objects.filter(article=article, outlet=keep).count() == 2


# --- Re-running parsing and detection ------------------------------------------------------------

SAMPLE = "samples/seeds/000_b37fa7fdce6cb95f.txt"


def _sample_article(**kwargs):
    from pathlib import Path

    raw = Path(SAMPLE).read_text(encoding="utf-8")
    return ArticleFactory(raw_text=raw, text="stale text from an old parser", title="old title",
                          path="000_b37fa7fdce6cb95f.txt", **kwargs)


def test_it_reparses_an_article_from_its_raw_text(moderator, django_capture_on_commit_callbacks):
    article = _sample_article()
    with django_capture_on_commit_callbacks(execute=True):
        result = corpus_moderation.articles_reparse(articles=[article], by=moderator, reason="Parser fixed")
    assert result.changed == [article.pk], result.summary()
    article.refresh_from_db()
    assert article.text != "stale text from an old parser" and len(article.text) > 200
    assert article.title != "old title"
    event = _event(article, "article.reparse")
    assert event.before["title"] == "old title" and event.after["title"] == article.title
    assert event.reason == "Parser fixed"
    assert article.detected_at is not None  # detection ran on commit for the changed article


def test_it_keeps_reviewer_corrections_when_reparsing(moderator):
    article = _sample_article()
    article.field_sources = {"title": {"source": "reviewer", "confidence": 1.0}}
    article.save()
    corpus_moderation.articles_reparse(articles=[article], by=moderator, reason="Parser fixed")
    article.refresh_from_db()
    assert article.title == "old title"
    assert article.text != "stale text from an old parser"


def test_it_reports_articles_it_cannot_reparse(moderator):
    article = ArticleFactory(raw_text="%PDF-1.4 binary")
    result = corpus_moderation.articles_reparse(articles=[article], by=moderator, reason="Try again")
    assert result.failed and article.pk in result.failed
    assert "PDF" in result.summary()
    assert not audit_history(article).exists()


def test_it_reruns_detection_for_an_upload(moderator):
    upload = UploadFactory()
    shared = ("The defence ministry said on Sunday that scores of militants had fled the region after a week "
              "of heavy fighting, and that the army had taken control of three villages near the border. ") * 4
    source = ArticleFactory(upload=upload, text=shared + "Original reporting by the agency.")
    copy = ArticleFactory(upload=upload, text="Republished. " + shared, published_at=source.published_at)
    assert not Link.objects.exists()
    report = corpus_moderation.articles_redetect(uploads=[upload], by=moderator, reason="New detector")
    assert sorted(report.articles) == sorted([source.pk, copy.pk])
    assert Link.objects.filter(target__in=[source, copy]).exists()
    event = _event(copy, "article.redetect")
    assert event.reason == "New detector" and event.after["links_created"] >= 1
