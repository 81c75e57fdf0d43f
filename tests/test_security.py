"""Security of the whole app: every URL for every role, security headers, downloads, templates, deploy checks."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from tests.walk import all_routes, build_world, iter_patterns

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = {"login", "healthz"}
MODERATION = {"audit_log", "moderation_queue", "moderation_resolve", "moderation_resolve_chain"}
ROLES = ["anonymous", "outsider", "analyst", "reviewer", "moderator"]


def assert_security_headers(response, url: str) -> None:
    csp = response.get("Content-Security-Policy", "")
    assert csp, f"{url}: no Content-Security-Policy"
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src is not None, f"{url}: CSP without script-src or default-src"
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, f"{url}: {csp}"
    assert "'unsafe-inline'" not in directives.get("style-src", []), f"{url}: {csp}"
    # File downloads carry a stricter policy (default-src 'none'; sandbox); everything else forbids framing.
    if "sandbox" not in directives:
        assert directives.get("frame-ancestors") == ["'none'"], f"{url}: {csp}"
    assert response.get("X-Frame-Options") == "DENY", f"{url}: X-Frame-Options {response.get('X-Frame-Options')}"
    assert response.get("X-Content-Type-Options") == "nosniff", f"{url}: no nosniff"
    assert response.get("Referrer-Policy") == "same-origin", f"{url}: Referrer-Policy {response.get('Referrer-Policy')}"


def _client_for(role, client, users):
    client.logout()
    if role != "anonymous":
        client.force_login(users[role])
    return client


def _get_only_post(response) -> bool:
    """A 405 is right for a POST-only view: it must not allow GET."""
    return response.status_code == 405 and "GET" not in response.get("Allow", "")


def _expected(role: str, route, response, *, htmx: bool) -> str | None:
    """None when the status is right for this role and URL, else what was wrong."""
    name = route.name.split(":")[-1]
    status = response.status_code
    if htmx and name == "upload_detail" and status == 286:  # a finished upload tells htmx to stop polling
        status = 200
    is_admin = route.name.startswith("admin:") or route.url.startswith("/admin/")
    if is_admin and name == "login":  # the admin sends everyone to the app's throttled login
        if role == "anonymous":
            return None if status == 302 and response["Location"].startswith(reverse("login")) else f"{status}"
        if role == "moderator":
            return None if status == 302 else f"admin login for a moderator gave {status}"
        return None if status == 403 else f"admin login for {role} gave {status}"
    if name == "logout":
        if role == "anonymous" and status == 302:
            return None
        if not is_admin and status == 200:  # signed in: a page with the (POST) "Sign out" button
            return None
        return None if _get_only_post(response) or (is_admin and status == 403) else f"logout answered GET with {status}"
    if name in PUBLIC:
        if name == "login" and role != "anonymous":
            return None if status == 302 else f"signed-in login page gave {status}"
        return None if status == 200 else f"public page gave {status}"
    if role == "anonymous":
        if status != 302:
            return f"anonymous got {status}, not a redirect to login"
        location = response["Location"]
        return None if location.startswith((reverse("login"), "/admin/login/")) else f"redirect to {location}"
    if is_admin:
        if role != "moderator":
            return None if status == 403 else f"{role} got {status} in the admin"
        if route.admin_model is not None and route.admin_model.__name__ in {"AuditEvent", "ArticleFingerprint",
                                                                            "UploadItem", "ChainNode", "ChainLink",
                                                                            "Decision", "User", "Group"}:
            if name.endswith(("_add", "_delete")):
                return None if status == 403 else f"read-only admin {name} gave {status}"
        if name.endswith("_add") and route.admin_model is not None:
            return None if status in (200, 403) else f"{name} gave {status}"
        if name in {"autocomplete"}:
            return None if status == 403 else f"autocomplete without parameters gave {status}"
        if name == "view_on_site":
            return None if status == 302 else f"view_on_site gave {status}"
        if name == "password_change" or name.endswith(("_changelist", "_change", "_history", "_delete")):
            if name == "auth_user_password_change":
                return None if status == 403 else f"moderator may set passwords: {status}"
            return None if status == 200 else f"{name} gave {status}"
        if name == "" or route.name.endswith("no-such-page/"):
            return None if status in (302, 404) else f"catch-all gave {status}"
        return None if status in (200, 302, 404) else f"{name} gave {status}"
    if role == "outsider":
        return None if status == 403 or _get_only_post(response) else f"outsider got {status}"
    if name in MODERATION and role != "moderator":
        return None if status == 403 or _get_only_post(response) else f"{role} got {status} on a moderator page"
    return None if status == 200 or _get_only_post(response) else f"{role} got {status}"


@pytest.mark.parametrize("role", ROLES)
def test_it_walks_every_url_with_the_right_status_and_headers(role, client, users, world):
    routes, unfilled = all_routes(world)
    assert not unfilled, f"URL patterns the walk cannot fill: {unfilled}"
    assert len(routes) == len(list(iter_patterns())), "the walk dropped a pattern"
    names = {route.name for route in routes}
    for required in ["dashboard", "queue", "audit_log", "moderation_queue", "login", "admin:index"]:
        assert required in names, f"{required} is not in the URLconf"
    client = _client_for(role, client, users)
    problems = []
    for route in routes:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(route.url, headers=headers)
            assert response.status_code != 500, f"{route.url} crashed for {role}"
            assert_security_headers(response, route.url)
            problem = _expected(role, route, response, htmx=bool(headers))
            if problem:
                problems.append(f"{route.name} {route.url} {'(htmx)' if headers else ''}: {problem}")
    assert not problems, "\n".join(problems)


def test_it_sends_security_headers_on_errors_and_posts_too(client, users, world):
    client.force_login(users["analyst"])
    for response in (client.get("/no-such-page/"), client.post(reverse("login"), {"username": "x"}),
                     client.get(reverse("audit_log"))):
        assert_security_headers(response, response.wsgi_request.path)


def test_it_downloads_uploaded_files_as_attachments(client, users, world):
    client.force_login(users["analyst"])
    for url in (reverse("upload_file_download", args=[world["upload_file"].pk]),
                reverse("article_raw", args=[world["source"].pk]),
                reverse("chain_export", args=[world["chain"].pk, "json"]), reverse("corpus_export", args=["json"])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Disposition"].startswith("attachment"), url
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "html" not in response["Content-Type"], response["Content-Type"]
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"Militants flee" in body


def test_it_names_downloads_safely(client, users, settings, tmp_path):
    """A hostile original file name cannot break out of the Content-Disposition header."""
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world(moderator=users["moderator"], reviewer=users["reviewer"], analyst=users["analyst"],
                        text={"file_name": 'evil"; filename=x.html\r\nX-Injected: 1.txt'})
    client.force_login(users["analyst"])
    response = client.get(reverse("upload_file_download", args=[world["upload_file"].pk]))
    assert response.status_code == 200
    assert "X-Injected" not in response.headers
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment") and "\n" not in disposition and "\r" not in disposition
    assert 'filename=x.html' not in disposition.replace("\\", "")


def test_it_hides_hidden_uploads_files_from_non_moderators(client, users, world):
    from provenance.corpus.moderation import upload_hide

    upload_hide(upload=world["upload"], by=users["moderator"], reason="junk")
    client.force_login(users["analyst"])
    assert client.get(reverse("upload_file_download", args=[world["upload_file"].pk])).status_code == 404
    assert client.get(reverse("article_raw", args=[world["source"].pk])).status_code == 404
    client.force_login(users["moderator"])
    assert client.get(reverse("upload_file_download", args=[world["upload_file"].pk])).status_code == 200


TEMPLATE_DIR = ROOT / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_ATTRIBUTE = re.compile(r"<[^>]+\s(on[a-z]+|hx-on[:\-][^=\s]*)\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


def _templates():
    return sorted(TEMPLATE_DIR.rglob("*.html"))


def test_it_has_no_inline_script_event_handler_or_style_in_templates():
    problems = []
    assert _templates(), "no templates found"
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for pattern, what in ((INLINE_SCRIPT, "inline <script>"), (EVENT_ATTRIBUTE, "event handler attribute"),
                              (STYLE_ATTRIBUTE, "style attribute")):
            for match in pattern.finditer(text):
                # A JSON data block (json_script) is not executed.
                if what == "inline <script>" and 'type="application/json"' in match.group(0):
                    continue
                problems.append(f"{path.relative_to(ROOT)}: {what}: {match.group(0)[:80]}")
    assert not problems, "\n".join(problems)


def test_it_serves_no_inline_script_in_rendered_pages(client, users, world):
    client.force_login(users["moderator"])
    routes, _ = all_routes(world)
    for route in routes:
        if route.url.startswith("/admin/"):
            continue
        response = client.get(route.url)
        if "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        for match in INLINE_SCRIPT.finditer(html):
            assert 'type="application/json"' in match.group(0), f"{route.url}: {match.group(0)}"
        assert not EVENT_ATTRIBUTE.search(html), f"{route.url}: {EVENT_ATTRIBUTE.search(html).group(0)}"


def _production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env.update({
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "provenance.example.org",
        "DJANGO_SETTINGS_MODULE": "provenance.settings",
        "VAR_DIR": str(Path(os.environ.get("TMPDIR", "/tmp")) / "provenance-deploy-check"),
        **extra,
    })
    return env


def test_it_passes_check_deploy_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=_production_env(), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_uses_secure_cookies_and_hsts_in_production():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.X_FRAME_OPTIONS, "
        "s.SECURE_CONTENT_TYPE_NOSNIFF)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_production_env(), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"] * 6 + ["DENY", "True"]


def test_it_refuses_to_start_in_production_without_a_secret_key():
    env = _production_env()
    env.pop("SECRET_KEY")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_it_keeps_the_session_cookie_away_from_scripts():
    assert django_settings.SESSION_COOKIE_HTTPONLY
    assert django_settings.X_FRAME_OPTIONS == "DENY"
    assert "'unsafe-inline'" not in django_settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"]
