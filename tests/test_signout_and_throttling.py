"""Signing out by GET, login throttling per username and address, and the audit log's values and filters."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from provenance.review.audit import audit_record
from provenance.review.services import link_decide
from tests.factories import PASSWORD, LinkFactory, OutletFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Failed logins are counted in the cache: every test starts without them."""
    cache.clear()


def _fail(client, username="ana", address="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": "wrong-password"}, REMOTE_ADDR=address)


def _login(client, username="ana", address="10.0.0.1", **extra):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD, **extra}, REMOTE_ADDR=address)


# --- Signing out ---------------------------------------------------------------------------------


def test_it_shows_a_sign_out_page_on_get(analyst_client):
    response = analyst_client.get(reverse("logout"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<form method="post" action="{reverse("logout")}"' in body
    assert "csrfmiddlewaretoken" in body and ">Sign out</button>" in body
    assert response.wsgi_request.user.is_authenticated  # a GET signs nobody out


def test_it_signs_out_on_post_only_with_a_csrf_token(client, analyst):
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.force_login(analyst)
    assert csrf_client.post(reverse("logout")).status_code == 403
    page = csrf_client.get(reverse("logout"))
    token = page.context["csrf_token"]
    response = csrf_client.post(reverse("logout"), {"csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert not response.wsgi_request.user.is_authenticated
    assert csrf_client.get(reverse("dashboard")).status_code == 302


def test_it_sends_an_anonymous_get_on_logout_to_the_login_page(client):
    response = client.get(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")


def test_it_never_signs_in_to_the_logout_url(client, analyst):
    """/login/?next=/logout/ (the old redirect of an anonymous /logout/) lands on the dashboard."""
    page = client.get(reverse("login") + "?next=" + reverse("logout"))
    assert 'name="next" value=""' in page.content.decode()
    response = _login(client, next=reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert client.get(response["Location"]).status_code == 200
    # Already signed in: the login page with that `next` goes to the dashboard too.
    again = client.get(reverse("login") + "?next=" + reverse("logout"))
    assert again.status_code == 302 and again["Location"] == reverse("dashboard")


def test_it_still_follows_an_ordinary_next(client, analyst):
    response = _login(client, next=reverse("queue") + "?kind=partial")
    assert response["Location"] == reverse("queue") + "?kind=partial"


# --- Login throttling ----------------------------------------------------------------------------


def test_it_does_not_lock_a_user_out_for_someone_elses_failures(client, analyst, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT + 2):
        _fail(client, username="nobody")
    response = _login(client)
    assert response.status_code == 302 and response.wsgi_request.user.is_authenticated


def test_it_locks_a_username_out_from_an_address_with_a_clear_message(client, analyst, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert _fail(client).status_code == 200
    response = _login(client)
    assert response.status_code == 429
    assert "Too many failed attempts for this username. Try again in 15 minutes." in response.content.decode()
    assert _login(client, address="10.0.0.2").status_code == 302  # the same user elsewhere is fine


def test_it_resets_the_count_after_a_successful_login(client, analyst, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        _fail(client)
    assert _login(client).status_code == 302
    client.logout()
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        _fail(client)
    assert _login(client).status_code == 302  # without the reset this would be the 8th failure: locked


def test_it_locks_an_address_out_that_sprays_many_usernames(client, analyst, settings):
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 50
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1):
        _fail(client, username=f"guess{n}")
    assert _login(client).status_code == 302  # 49 failures: still allowed
    client.logout()
    _fail(client, username="guess-last")
    response = _login(client)
    assert response.status_code == 429
    assert "Too many failed attempts from your network address" in response.content.decode()
    assert response["Retry-After"] == str(settings.LOGIN_LOCKOUT_SECONDS)
    assert _login(client, address="10.0.0.9").status_code == 302


# --- Audit log -----------------------------------------------------------------------------------


def test_it_leaves_empty_values_out_of_the_audit_log(moderator_client, reviewer):
    link = LinkFactory()
    link_decide(link=link, reviewer=reviewer, verdict="confirmed", expected_version=1)  # no reason code
    html = moderator_client.get(reverse("audit_log")).content.decode().split('id="audit-results"')[1]
    assert "link.confirmed" in html
    assert '<span class="muted">status</span> <code class="json">confirmed</code>' in html
    assert '<span class="muted">reason_code</span> <code class="json"></code>' not in html
    assert "reason_code" not in html


def test_it_offers_only_object_types_that_have_audit_events(moderator_client, moderator):
    audit_record(actor=moderator, action="outlet.merge", obj=OutletFactory(name="Sputnik"), reason="duplicate")
    audit_record(actor=moderator, action="link.lock", obj=LinkFactory(), reason="settled")
    form = moderator_client.get(reverse("audit_log")).context["form"]
    values = [value for value, _ in form.fields["object_type"].choices]
    assert values == ["", "review.link", "corpus.outlet"]
    for internal in ("review.chainnode", "auth.permission", "corpus.articlefingerprint"):
        assert internal not in values
    # Filtering by an offered type still works.
    response = moderator_client.get(reverse("audit_log") + "?object_type=corpus.outlet",
                                    headers={"HX-Request": "true"})
    assert response.context["page"].paginator.count == 1


def test_it_locks_a_username_out_that_is_guessed_from_many_addresses(client, analyst, settings):
    settings.LOGIN_USERNAME_FAILURE_LIMIT = 6
    for n in range(6):
        _fail(client, username=analyst.username, address=f"10.0.1.{n}")
    response = _login(client, username=analyst.username, address="10.0.2.1")
    assert response.status_code == 429
    assert "Too many failed attempts for this username" in response.content.decode()
