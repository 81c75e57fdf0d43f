from django.urls import reverse


def test_it_answers_ok_without_login_once_the_database_answers(db, client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]


def test_it_refuses_other_methods(db, client):
    assert client.post(reverse("healthz")).status_code == 405


def test_it_answers_over_plain_http_when_https_is_enforced(db, client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("login")).status_code == 301
