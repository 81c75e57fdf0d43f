"""The admin: moderators only, every model registered, actions that ask for a reason and write audit events."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import User
from django.urls import reverse

from provenance.corpus.models import (
    Article,
    ArticleFingerprint,
    Outlet,
    Upload,
    UploadFile,
    UploadItem,
)
from provenance.review.audit import audit_history, audit_record
from provenance.review.models import AuditEvent, Chain, Decision, Link, Verdict
from tests.factories import (
    ArticleFactory,
    LinkFactory,
    OutletFactory,
    UploadFactory,
    UserFactory,
    make_chain,
)

pytestmark = pytest.mark.django_db


def _changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _action(client, model, action, objects, **data):
    payload = {"action": action, ACTION_CHECKBOX_NAME: [str(o.pk) for o in objects], **data}
    return client.post(_changelist(model), payload)


def test_it_registers_every_model_of_the_app():
    registered = set(admin.site._registry)
    ours = [m for m in apps.get_models() if m._meta.app_label in {"corpus", "review"}]
    missing = [m.__name__ for m in ours if m not in registered]
    assert not missing, f"not in the admin: {missing}"
    assert User in registered


def test_it_opens_the_admin_to_moderators_only(client, analyst, reviewer, moderator, outsider):
    response = client.get("/admin/", follow=True)  # anonymous: to the app's (throttled) login page
    assert response.redirect_chain[-1][0] == f"{reverse('login')}?next=%2Fadmin%2F"
    assert response.status_code == 200
    for user in (outsider, analyst, reviewer):
        client.force_login(user)
        assert client.get("/admin/").status_code == 403, user
        assert client.get(_changelist(Link)).status_code == 403, user
    client.force_login(moderator)
    assert client.get("/admin/").status_code == 200


def test_it_refuses_staff_status_without_the_moderator_role(client):
    staff = UserFactory(username="staffer", role="reviewer")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get("/admin/").status_code == 403


def test_it_renders_every_changelist_and_change_page_for_a_moderator(moderator_client, moderator):
    link = LinkFactory()
    chain = make_chain(link)
    Decision.objects.create(link=link, reviewer=moderator, verdict="confirmed", note="ok")
    ArticleFingerprint.objects.create(article=link.target, band=0, value=42)
    upload = UploadFactory()
    UploadItem.objects.create(upload=upload, outcome="refused", reason="empty file")
    audit_record(actor=moderator, action="outlet.create", obj=link.target.outlet)
    for model in admin.site._registry:
        response = moderator_client.get(_changelist(model))
        assert response.status_code == 200, model
        obj = model._default_manager.first()
        if obj is not None:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
            assert moderator_client.get(url).status_code == 200, model
    assert chain.pk


def test_it_keeps_the_audit_log_read_only_even_for_superusers(client, moderator):
    boss = User.objects.create_superuser("boss", "boss@example.org", "a-very-long-password-1")
    event = audit_record(actor=moderator, action="chain.lock", obj=OutletFactory(), reason="why")
    for user in (moderator, boss):
        client.force_login(user)
        assert client.get(reverse("admin:review_auditevent_add")).status_code == 403
        assert client.get(reverse("admin:review_auditevent_delete", args=[event.pk])).status_code == 403
        response = client.post(reverse("admin:review_auditevent_change", args=[event.pk]), {"reason": "edited"})
        assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).reason == "why"


def test_it_does_not_run_an_action_without_a_reason(moderator_client):
    article = ArticleFactory()
    response = _action(moderator_client, Article, "hide_articles", [article])
    assert response.status_code == 200
    assert "Reason" in response.content.decode()  # the intermediate form
    response = _action(moderator_client, Article, "hide_articles", [article], apply="yes", reason="   ")
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Article.objects.get(pk=article.pk).hidden
    assert not AuditEvent.objects.exists()


def test_it_hides_and_unhides_articles_from_the_admin(moderator_client, moderator):
    articles = [ArticleFactory(), ArticleFactory()]
    response = _action(moderator_client, Article, "hide_articles", articles, apply="yes", reason="Test pages")
    assert response.status_code == 302
    assert Article.objects.filter(hidden=True).count() == 2
    assert AuditEvent.objects.filter(action="article.hide", actor=moderator, reason="Test pages").count() == 2
    _action(moderator_client, Article, "unhide_articles", articles[:1], apply="yes", reason="Real one")
    assert Article.objects.filter(hidden=True).count() == 1


def test_it_hides_an_upload_from_the_admin(moderator_client):
    upload = UploadFactory()
    ArticleFactory(upload=upload)
    _action(moderator_client, Upload, "hide_uploads", [upload], apply="yes", reason="Junk batch")
    assert Upload.objects.get(pk=upload.pk).hidden
    assert Article.objects.get(upload=upload).hidden
    assert AuditEvent.objects.filter(action="upload.hide").count() == 1


def test_it_merges_outlets_from_the_admin(moderator_client):
    keep = OutletFactory(name="Sputnik")
    dup = OutletFactory(name="Sputnik News")
    article = ArticleFactory(outlet=dup)
    response = _action(moderator_client, Outlet, "merge_outlets", [keep, dup])
    assert "The outlet that stays" in response.content.decode()
    response = _action(moderator_client, Outlet, "merge_outlets", [keep, dup], apply="yes", keep=str(keep.pk),
                       reason="Same outlet")
    assert response.status_code == 302
    assert list(Outlet.objects.all()) == [keep]
    assert Article.objects.get(pk=article.pk).outlet == keep
    assert "Sputnik News" in Outlet.objects.get(pk=keep.pk).aliases
    assert AuditEvent.objects.get(action="outlet.merge").reason == "Same outlet"


def test_it_refuses_to_merge_a_single_outlet(moderator_client):
    outlet = OutletFactory()
    response = _action(moderator_client, Outlet, "merge_outlets", [outlet], apply="yes", keep=str(outlet.pk),
                       reason="x")
    assert "at least two outlets" in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_it_bulk_confirms_and_overturns_links_from_the_admin(moderator_client, moderator):
    links = [LinkFactory(), LinkFactory()]
    _action(moderator_client, Link, "bulk_confirm", links, apply="yes", reason="Checked the wire")
    assert set(Link.objects.values_list("status", flat=True)) == {"confirmed"}
    response = _action(moderator_client, Link, "overturn", links[:1], apply="yes", reason="Common source")
    assert response.status_code == 200  # the verdict is missing: the form again
    assert Link.objects.get(pk=links[0].pk).status == "confirmed"
    _action(moderator_client, Link, "overturn", links[:1], apply="yes", verdict="rejected", reason="Common source")
    assert Link.objects.get(pk=links[0].pk).status == "rejected"
    assert AuditEvent.objects.filter(action="link.bulk_confirm").count() == 2
    assert AuditEvent.objects.get(action="link.overturn").reason == "Common source"


def test_it_locks_and_reopens_chains_from_the_admin(moderator_client):
    chain = make_chain(LinkFactory())
    _action(moderator_client, Chain, "lock_chains", [chain], apply="yes", reason="Legal hold")
    assert Chain.objects.get(pk=chain.pk).locked
    _action(moderator_client, Chain, "reopen_chains", [chain], apply="yes", reason="Released")
    assert not Chain.objects.get(pk=chain.pk).locked
    assert [e.action for e in audit_history(chain)] == ["chain.reopen", "chain.lock"]


def test_it_overturns_a_chain_from_the_admin(moderator_client):
    chain = make_chain(LinkFactory(), status="confirmed")
    _action(moderator_client, Chain, "overturn", [chain], apply="yes", verdict="rejected", reason="Siblings")
    assert Chain.objects.get(pk=chain.pk).status == Verdict.REJECTED


def test_it_deactivates_users_from_the_admin(moderator_client, reviewer):
    _action(moderator_client, User, "deactivate_users", [reviewer], apply="yes", reason="Left the team")
    assert not User.objects.get(pk=reviewer.pk).is_active
    assert AuditEvent.objects.get(action="user.deactivate").reason == "Left the team"


def test_it_does_not_let_a_moderator_grant_superuser_or_take_over_accounts(moderator_client, moderator, reviewer):
    url = reverse("admin:auth_user_change", args=[reviewer.pk])
    form = moderator_client.get(url).content.decode()
    assert 'name="is_superuser"' not in form and 'name="is_staff"' not in form
    moderator_client.post(url, {"username": reviewer.username, "email": "x@example.org", "is_superuser": "on",
                                "is_staff": "on", "groups": []})
    reviewer.refresh_from_db()
    assert not reviewer.is_superuser and not reviewer.is_staff
    assert moderator_client.get(reverse("admin:auth_user_password_change", args=[reviewer.pk])).status_code == 403
    boss = User.objects.create_superuser("boss", "boss@example.org", "a-very-long-password-1")
    response = moderator_client.post(reverse("admin:auth_user_change", args=[boss.pk]),
                                     {"username": "boss", "email": "mine@example.org"})
    assert response.status_code == 403
    assert User.objects.get(pk=boss.pk).email == "boss@example.org"


def test_it_records_admin_edits_and_role_changes_in_the_audit_log(moderator_client, moderator, reviewer):
    outlet = OutletFactory(name="Fars", country="")
    url = reverse("admin:corpus_outlet_change", args=[outlet.pk])
    response = moderator_client.post(url, {"name": "Fars News Agency", "slug": outlet.slug, "kind": "state_media",
                                           "country": "Iran", "aliases": '["Fars"]', "domains": "[]", "notes": "",
                                           "flags": "[]"})
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="outlet.change")
    assert event.before["name"] == "Fars" and event.after["name"] == "Fars News Agency"
    assert event.actor == moderator
    # The change page shows the object's history.
    page = moderator_client.get(url).content.decode()
    assert "outlet.change" in page and "Fars News Agency" in page

    from django.contrib.auth.models import Group

    url = reverse("admin:auth_user_change", args=[reviewer.pk])
    moderator_client.post(url, {"username": reviewer.username, "email": reviewer.email,
                                "groups": [str(Group.objects.get(name="analyst").pk)]})
    event = AuditEvent.objects.get(action="user.groups")
    assert event.before == {"groups": ["reviewer"]} and event.after == {"groups": ["analyst"]}


def test_it_writes_an_audit_event_when_the_admin_deletes(moderator_client):
    item_upload = UploadFactory()
    upload_file = UploadFile.objects.create(upload=item_upload, original_name="a.txt", file="uploads/x.txt")
    outlet = OutletFactory(name="Deleted Outlet")
    response = moderator_client.post(reverse("admin:corpus_outlet_delete", args=[outlet.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Outlet.objects.filter(pk=outlet.pk).exists()
    event = AuditEvent.objects.get(action="outlet.delete")
    assert event.before["repr"] == "Deleted Outlet"
    assert upload_file.pk


def test_it_reruns_parsing_and_detection_from_the_admin(moderator_client):
    from pathlib import Path

    upload = UploadFactory()
    raw = Path("samples/seeds/000_b37fa7fdce6cb95f.txt").read_text(encoding="utf-8")
    article = ArticleFactory(upload=upload, raw_text=raw, text="old parser output", title="old")
    response = _action(moderator_client, Upload, "reparse_uploads", [upload], apply="yes", reason="Parser fixed")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title != "old" and article.text != "old parser output"
    assert AuditEvent.objects.get(action="article.reparse").reason == "Parser fixed"
    _action(moderator_client, Article, "redetect_articles", [article], apply="yes", reason="New thresholds")
    assert AuditEvent.objects.get(action="article.redetect").reason == "New thresholds"
    assert Article.objects.get(pk=article.pk).detected_at is not None


def test_it_refuses_to_delete_what_reviewers_worked_on(moderator_client, reviewer):
    from provenance.review.services import link_decide

    link = LinkFactory()
    link_decide(link=link, reviewer=reviewer, verdict="confirmed", expected_version=link.version)
    outlet = link.target.outlet
    for url in (reverse("admin:review_link_delete", args=[link.pk]),
                reverse("admin:corpus_article_delete", args=[link.target.pk]),
                reverse("admin:corpus_outlet_delete", args=[outlet.pk])):
        response = moderator_client.post(url, {"post": "yes"})
        assert response.status_code == 200, url
        assert "<title>Cannot delete" in response.content.decode(), url
    assert Link.objects.filter(pk=link.pk).exists()
    assert Outlet.objects.filter(pk=outlet.pk).exists()
    assert not AuditEvent.objects.filter(action__endswith=".delete").exists()
    # An outlet with articles: the page says what to do instead.
    page = moderator_client.get(reverse("admin:corpus_outlet_delete", args=[outlet.pk])).content.decode()
    assert "merge it into another outlet instead" in page
