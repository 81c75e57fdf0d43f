import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import IntegrityError

from provenance.review.audit import audit_record
from provenance.review.models import AuditEvent, Link
from tests.factories import ArticleFactory, LinkFactory, OutletFactory


def test_it_has_no_missing_migrations(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_it_creates_the_three_role_groups(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {"analyst", "reviewer", "moderator"}
    reviewer = Group.objects.get(name="reviewer")
    assert reviewer.permissions.filter(codename="decide_link").exists()
    assert not Group.objects.get(name="analyst").permissions.filter(codename="decide_link").exists()


def test_it_refuses_a_link_without_source(db):
    with pytest.raises(IntegrityError):
        Link.objects.create(target=ArticleFactory(), kind=Link.Kind.ATTRIBUTION, score=0.5)


def test_it_keeps_one_link_per_article_pair(db):
    link = LinkFactory()
    with pytest.raises(IntegrityError):
        Link.objects.create(source_article=link.source_article, target=link.target, kind="partial", score=0.3)


def test_it_keeps_audit_events_append_only(db):
    outlet = OutletFactory()
    event = audit_record(actor=None, action="outlet.create", obj=outlet, after={"name": outlet.name})
    event.reason = "tampered"
    with pytest.raises(Exception):
        event.save()
    with pytest.raises(Exception):
        event.delete()
    assert AuditEvent.objects.get().reason == ""
