"""Stored XSS: payloads in every user-supplied field never come out unescaped, on any page, partial or admin page."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import UserFactory
from tests.walk import all_routes, build_world

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
HTMX = "' hx-get=\"/evil\" hx-on:click=\"alert(1)"
JS_URL = "javascript:alert(1)"
PAYLOAD = f"{SCRIPT}{IMG}{HTMX}"
# Escaped, these read as text; unescaped, each is markup or an attribute.
RAW = [SCRIPT, IMG, HTMX, "<img src=x", 'hx-get="/evil"', 'hx-on:click="alert', "<script>alert"]
DANGEROUS_URL = re.compile(r"""(href|src|action|formaction|hx-get|hx-post|hx-delete|hx-put|hx-patch)\s*=\s*["']?\s*javascript:""",
                           re.IGNORECASE)
ROOT = Path(__file__).resolve().parent.parent


def assert_clean(html: str, where: str) -> None:
    for raw in RAW:
        assert raw not in html, f"{where}: unescaped payload {raw!r} near …{html[max(0, html.find(raw) - 120):html.find(raw) + 60]}…"
    match = DANGEROUS_URL.search(html)
    assert not match, f"{where}: javascript: URL in {html[max(0, match.start() - 80):match.end() + 40]}"
    # Inside a hx-vals/hx-headers JSON attribute a payload must not close the attribute either.
    for attr in re.findall(r"hx-(?:vals|headers)\s*=\s*'([^']*)'", html):
        assert "alert(1)" not in attr or "&quot;" in attr or "\\u0022" in attr, f"{where}: hx-vals {attr}"


@pytest.fixture
def users(db):
    return {
        "analyst": UserFactory(username="ana", role="analyst"),
        "reviewer": UserFactory(username=f"rev{IMG}", role="reviewer"),
        "moderator": UserFactory(username="mod", role="moderator"),
    }


@pytest.fixture
def world(users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world(
        moderator=users["moderator"], reviewer=users["reviewer"], analyst=users["analyst"],
        text={
            "outlet_name": f"Outlet {PAYLOAD}", "outlet_alias": PAYLOAD, "outlet_notes": PAYLOAD,
            "title": f"Title {PAYLOAD}", "body": f"Body {PAYLOAD} says RIA.", "byline": f"By {PAYLOAD}",
            "url": JS_URL, "raw": f"<html><body onload=alert(1)>{PAYLOAD}</body></html>",
            "file_name": f"{PAYLOAD}.txt", "upload_note": PAYLOAD, "annotation": f"Note {PAYLOAD}",
            "quote": PAYLOAD, "decision_note": f"Decision {PAYLOAD}", "reason": PAYLOAD,
        },
    )
    # Strings detection derives from the texts: credit names, sentences and reasons shown as evidence.
    link = world["link"]
    link.reasons = [f"credits {PAYLOAD}"]
    link.evidence = {
        "credits": [{"name": PAYLOAD, "sentence": f"Sentence {PAYLOAD}", "cue": PAYLOAD, "side": "target",
                     "role": "source", "start": 0, "end": 5}],
        "passages": [{"source_start": 0, "source_end": 20, "target_start": 0, "target_end": 20,
                      "source_text": PAYLOAD, "target_text": PAYLOAD}],
    }
    link.save()
    world["outlet"].domains = [JS_URL]
    world["outlet"].save()
    upload = world["upload"]
    upload.error = PAYLOAD
    upload.given_url = JS_URL
    upload.save()
    return world


def _hx_targets() -> list[str]:
    targets = set()
    for path in (ROOT / "templates").rglob("*.html"):
        targets.update(re.findall(r'hx-target="#([\w-]+)"', path.read_text(encoding="utf-8")))
    return sorted(targets)


@pytest.mark.parametrize("role", ["analyst", "moderator"])
def test_it_escapes_payloads_on_every_page_and_partial(role, client, users, world):
    client.force_login(users[role])
    routes, unfilled = all_routes(world)
    assert not unfilled, unfilled
    targets = _hx_targets()
    checked = escaped_seen = 0
    for route in routes:
        if route.url.startswith("/admin/") and role != "moderator":
            continue
        variants = [{}, {"HX-Request": "true"}]
        if not route.url.startswith("/admin/"):
            variants += [{"HX-Request": "true", "HX-Target": target} for target in targets]
        for headers in variants:
            response = client.get(route.url, headers=headers)
            assert response.status_code != 500, route.url
            if response.streaming or "html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode()
            assert_clean(html, f"{route.url} {headers}")
            checked += 1
            escaped_seen += "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert checked > 50
    # The payloads really reached the pages (escaped), so their absence above means something.
    assert escaped_seen > 20, escaped_seen


def test_it_escapes_payloads_in_the_admin_search_and_filters(client, users, world):
    client.force_login(users["moderator"])
    for url in ("/admin/corpus/article/?q=" + "%3Cscript%3Ealert(1)%3C/script%3E",
                "/admin/review/auditevent/?action=" + "%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
                reverse("audit_log") + "?action=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&user=%3Cscript%3Ealert(1)%3C/script%3E"):
        response = client.get(url)
        assert response.status_code in (200, 302), url
        assert_clean(response.content.decode(), url)


def test_it_escapes_payloads_in_the_admin_action_form(client, users, world):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    client.force_login(users["moderator"])
    response = client.post("/admin/corpus/outlet/", {"action": "merge_outlets",
                                                     ACTION_CHECKBOX_NAME: [str(world["outlet"].pk)]})
    assert response.status_code == 200
    assert_clean(response.content.decode(), "merge form")


def test_it_escapes_payloads_sent_through_the_forms(client, users, world):
    """The same payloads typed into the app's own forms: notes, decisions, uploads."""
    client.force_login(users["reviewer"])
    target = world["target"]
    response = client.post(reverse("annotation_create"), {"body": PAYLOAD, "article": target.pk},
                           headers={"HX-Request": "true"})
    assert response.status_code in (200, 422)
    assert_clean(response.content.decode(), "annotation partial")
    link = world["outlet_link"]
    for headers in ({}, {"HX-Request": "true"}):
        link.refresh_from_db()
        response = client.post(reverse("link_decide", args=[link.pk]),
                               {"verdict": "confirmed", "reason_code": "", "note": PAYLOAD, "version": link.version},
                               headers=headers, follow=not headers)
        assert response.status_code in (200, 409)
        assert_clean(response.content.decode(), f"decision {headers}")
    response = client.post(reverse("upload_new"), {
        "files": [SimpleUploadedFile(f"{PAYLOAD}.txt", f"A story. {PAYLOAD}".encode(), content_type="text/html")],
        "outlet": PAYLOAD, "url": JS_URL, "published_at": "", "note": PAYLOAD,
    }, follow=True)
    assert response.status_code in (200, 422)
    assert_clean(response.content.decode(), "upload result")
    for url in (reverse("upload_list"), reverse("dashboard"), reverse("link_detail", args=[link.pk])):
        assert_clean(client.get(url).content.decode(), url)
