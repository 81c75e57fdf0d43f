"""Object-level permissions: an id in a URL never reaches what the role may not see or change.

One user per role plus an outsider (signed in, no group) and an anonymous visitor.
"""

import pytest
from django.urls import reverse

from provenance.corpus.moderation import article_hide, upload_hide
from provenance.review.models import Annotation, AuditEvent, Chain, Link, Verdict
from provenance.review.moderation import chain_lock
from tests.factories import AnnotationFactory, UserFactory

ROLES = ["anonymous", "outsider", "analyst", "reviewer", "moderator"]


def _as(client, users, role):
    client.logout()
    if role != "anonymous":
        client.force_login(users[role])
    return client


def _decide(client, link, verdict="confirmed"):
    return client.post(reverse("link_decide", args=[link.pk]),
                       {"verdict": verdict, "reason_code": "credit_clear", "note": "", "version": link.version})


@pytest.mark.parametrize("role, allowed", [("anonymous", False), ("outsider", False), ("analyst", False),
                                           ("reviewer", True), ("moderator", True)])
def test_it_lets_only_reviewers_decide_links(client, users, world, role, allowed):
    link = Link.objects.get(pk=world["outlet_link"].pk)
    response = _decide(_as(client, users, role), link)
    link.refresh_from_db()
    if allowed:
        assert response.status_code in (200, 302)
        assert link.status == Verdict.CONFIRMED
    else:
        assert response.status_code == (302 if role == "anonymous" else 403)
        assert link.status == Verdict.PROPOSED
        assert not AuditEvent.objects.filter(action="link.confirmed").exists()


@pytest.mark.parametrize("role, allowed", [("anonymous", False), ("outsider", False), ("analyst", False),
                                           ("reviewer", True), ("moderator", True)])
def test_it_lets_only_reviewers_decide_chains(client, users, world, role, allowed):
    chain = world["chain"]
    response = _as(client, users, role).post(reverse("chain_decide", args=[chain.pk]),
                                             {"verdict": "rejected", "version": chain.version})
    chain.refresh_from_db()
    assert (chain.status == Verdict.REJECTED) is allowed
    if not allowed:
        assert response.status_code == (302 if role == "anonymous" else 403)


@pytest.mark.parametrize("role", ["analyst", "reviewer"])
def test_it_hides_hidden_articles_from_everyone_but_moderators(client, users, world, role):
    source = world["source"]
    article_hide(article=source, by=users["moderator"], reason="junk")
    client = _as(client, users, role)
    for url in (reverse("article_detail", args=[source.pk]), reverse("article_raw", args=[source.pk]),
                reverse("link_detail", args=[world["link"].pk]), reverse("chain_detail", args=[world["chain"].pk])):
        assert client.get(url).status_code == 404, url
    assert f'href="/articles/{source.pk}/"' not in client.get(reverse("article_list")).content.decode()
    assert f'href="/links/{world["link"].pk}/"' not in client.get(reverse("queue") + "?status=").content.decode()
    client = _as(client, users, "moderator")
    assert client.get(reverse("article_detail", args=[source.pk])).status_code == 200
    assert client.get(reverse("chain_detail", args=[world["chain"].pk])).status_code == 200


def test_it_refuses_decisions_on_hidden_links(client, users, world):
    link = world["link"]
    article_hide(article=world["target"], by=users["moderator"], reason="junk")
    response = _decide(_as(client, users, "reviewer"), link)
    assert response.status_code == 404
    assert Link.objects.get(pk=link.pk).status == link.status


@pytest.mark.parametrize("role", ["analyst", "reviewer"])
def test_it_hides_hidden_uploads_and_their_files(client, users, world, role):
    upload_hide(upload=world["upload"], by=users["moderator"], reason="junk")
    client = _as(client, users, role)
    assert client.get(reverse("upload_detail", args=[world["upload"].pk])).status_code == 404
    assert client.get(reverse("upload_file_download", args=[world["upload_file"].pk])).status_code == 404
    assert client.get(reverse("article_detail", args=[world["source"].pk])).status_code == 404


def test_it_refuses_notes_on_hidden_articles(client, users, world):
    source = world["source"]
    article_hide(article=source, by=users["moderator"], reason="junk")
    client = _as(client, users, "analyst")
    count = Annotation.objects.count()
    response = client.post(reverse("annotation_create"), {"body": "sneaky", "article": source.pk})
    assert response.status_code == 404
    assert Annotation.objects.count() == count
    # The analyst's own earlier note on it cannot be reached either.
    response = client.post(reverse("annotation_delete", args=[world["annotation"].pk]))
    assert response.status_code == 404
    assert Annotation.objects.filter(pk=world["annotation"].pk).exists()


@pytest.mark.parametrize("role, allowed", [("outsider", False), ("reviewer", False), ("analyst", True),
                                           ("moderator", True)])
def test_it_lets_only_the_author_or_a_moderator_delete_a_note(client, users, world, role, allowed):
    note = AnnotationFactory(author=users["analyst"], article=world["target"], start=None, end=None, quote="")
    response = _as(client, users, role).post(reverse("annotation_delete", args=[note.pk]))
    assert Annotation.objects.filter(pk=note.pk).exists() is not allowed
    if not allowed:
        assert response.status_code == 403


def test_it_lets_another_analyst_not_delete_someone_elses_note(client, users, world):
    other = UserFactory(username="ana2", role="analyst")
    client.force_login(other)
    response = client.post(reverse("annotation_delete", args=[world["annotation"].pk]))
    assert response.status_code == 403
    assert Annotation.objects.filter(pk=world["annotation"].pk).exists()


@pytest.mark.parametrize("role, allowed", [("outsider", False), ("analyst", False), ("reviewer", True)])
def test_it_lets_only_reviewers_correct_articles(client, users, world, role, allowed):
    target = world["target"]
    response = _as(client, users, role).post(reverse("article_correct", args=[target.pk]),
                                             {"title": "Corrected", "outlet_name": "", "published_at": ""})
    target.refresh_from_db()
    assert (target.title == "Corrected") is allowed
    if not allowed:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ["outsider", "analyst", "reviewer"])
def test_it_keeps_moderation_pages_to_moderators(client, users, world, role):
    client = _as(client, users, role)
    assert client.get(reverse("audit_log")).status_code == 403
    assert client.get(reverse("moderation_queue")).status_code == 403
    response = client.post(reverse("moderation_resolve", args=[world["link"].pk]),
                           {"verdict": "confirmed", "reason": "mine"})
    assert response.status_code == 403
    assert Link.objects.get(pk=world["link"].pk).status == Verdict.DISPUTED
    assert client.get("/admin/").status_code == 403


@pytest.mark.parametrize("role", ["reviewer", "moderator"])
def test_it_refuses_decisions_on_a_locked_chain(client, users, world, role):
    chain = Chain.objects.get(pk=world["chain"].pk)
    chain_lock(chain=chain, by=users["moderator"], reason="hold")
    link = Link.objects.get(pk=world["outlet_link"].pk)
    client = _as(client, users, role)
    response = _decide(client, link)
    assert response.status_code in (409, 302)
    assert Link.objects.get(pk=link.pk).status == Verdict.PROPOSED
    response = client.post(reverse("chain_decide", args=[chain.pk]), {"verdict": "confirmed", "version": chain.version})
    assert response.status_code in (409, 302)
    assert Chain.objects.get(pk=chain.pk).status == Verdict.PROPOSED


def test_it_shows_outsiders_a_no_access_page_everywhere(client, users, world):
    client = _as(client, users, "outsider")
    for url in (reverse("dashboard"), reverse("queue"), reverse("article_list"), reverse("upload_list"),
                reverse("outlet_detail", args=[world["outlet"].slug]), reverse("upload_new")):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "No access" in response.content.decode() or "no role" in response.content.decode().lower()
        assert world["outlet"].name not in response.content.decode()


def test_it_lets_outsiders_upload_nothing(client, users, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from provenance.corpus.models import Upload

    count = Upload.objects.count()
    client = _as(client, users, "outsider")
    response = client.post(reverse("upload_new"), {"files": [SimpleUploadedFile("a.txt", b"Some article text.")],
                                                   "outlet": "", "url": "", "published_at": "", "note": ""})
    assert response.status_code == 403
    assert Upload.objects.count() == count


def test_it_keeps_hidden_article_titles_off_the_upload_page(client, users, world):
    source = world["source"]
    source.title = "Secret hidden headline"
    source.save()
    article_hide(article=source, by=users["moderator"], reason="junk")
    client = _as(client, users, "analyst")  # the analyst who uploaded it
    page = client.get(reverse("upload_detail", args=[world["upload"].pk])).content.decode()
    assert "Secret hidden headline" not in page
    assert f'href="/articles/{source.pk}/"' not in page
    client = _as(client, users, "moderator")
    assert "Secret hidden headline" in client.get(reverse("upload_detail", args=[world["upload"].pk])).content.decode()


def test_it_refuses_chain_decisions_and_notes_on_hidden_chains(client, users, world):
    chain = world["chain"]
    article_hide(article=world["source"], by=users["moderator"], reason="junk")
    client = _as(client, users, "reviewer")
    response = client.post(reverse("chain_decide", args=[chain.pk]), {"verdict": "confirmed", "version": chain.version})
    assert response.status_code == 404
    assert Chain.objects.get(pk=chain.pk).status == Verdict.PROPOSED
    count = Annotation.objects.count()
    assert client.post(reverse("annotation_create"), {"body": "x", "chain": chain.pk}).status_code == 404
    assert client.post(reverse("annotation_create"), {"body": "x", "link": world["link"].pk}).status_code == 404
    assert Annotation.objects.count() == count
    assert f'href="/chains/{chain.pk}/"' not in client.get(reverse("queue") + "?show=chains&status=").content.decode()
