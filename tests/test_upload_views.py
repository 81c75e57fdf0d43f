"""Upload pages: the form, the list, live progress (stops with 286), per-file outcomes, downloads, roles."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from provenance.corpus.models import Article, Upload, UploadFile
from provenance.corpus.services import outlets_load_defaults
from tests.factories import UploadFactory, UserFactory
from tests.ingest_helpers import SEEDS, ingest_bytes

SPUTNIK = "000_b37fa7fdce6cb95f.txt"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _seed(name=SPUTNIK) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (SEEDS / name).read_bytes(), content_type="text/plain")


@pytest.mark.django_db
def test_it_shows_the_upload_form_with_a_multi_file_picker(analyst_client):
    response = analyst_client.get(reverse("upload_new"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'type="file"' in page and "multiple" in page and 'enctype="multipart/form-data"' in page
    assert "js/upload.js" in page and "<script>" not in page


@pytest.mark.django_db
def test_it_creates_an_upload_from_the_form_and_processes_it(analyst_client, analyst, django_capture_on_commit_callbacks):
    outlets_load_defaults()
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst_client.post(
            reverse("upload_new"),
            {"files": [_seed(), _seed("004_3055d002b5b09591.txt")], "outlet": "", "url": "", "published_at": "", "note": "two pages"},
        )
    assert response.status_code == 303
    upload = Upload.objects.get(note="two pages")
    assert response["Location"] == reverse("upload_detail", args=[upload.pk])
    upload.refresh_from_db()
    assert upload.uploader == analyst and upload.status == "done" and upload.articles_created == 2
    # Files are stored under names the server made up; the analyst's name is metadata only.
    stored = UploadFile.objects.filter(upload=upload).first()
    assert SPUTNIK not in stored.file.name and stored.original_name in {SPUTNIK, "004_3055d002b5b09591.txt"}


@pytest.mark.django_db
def test_it_applies_what_the_analyst_gave_to_every_file(analyst_client, django_capture_on_commit_callbacks):
    outlets_load_defaults()
    with django_capture_on_commit_callbacks(execute=True):
        analyst_client.post(
            reverse("upload_new"),
            {"files": [_seed("003_a3f8a9ac8286ba8d.txt")], "outlet": "Press TV", "url": "", "published_at": "2018-08-01", "note": "given"},
        )
    article = Article.objects.get(upload__note="given")
    assert article.outlet.name == "Press TV"
    assert article.field_sources["outlet"] == {"source": "analyst", "confidence": 1.0}
    assert article.published_at.date().isoformat() == "2018-08-01"


@pytest.mark.django_db
def test_it_shows_form_errors_instead_of_failing(analyst_client):
    response = analyst_client.post(reverse("upload_new"), {"outlet": "", "published_at": "not a date"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Choose at least one file." in page and "Not a date" in page
    assert Upload.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_more_files_than_the_limit_with_a_reason(analyst_client, settings):
    settings.UPLOAD_MAX_FILES = 2
    files = [SimpleUploadedFile(f"f{i}.txt", b"Some article text that is long enough to read.") for i in range(3)]
    response = analyst_client.post(reverse("upload_new"), {"files": files})
    assert response.status_code == 422
    assert "Too many files: 3 (the limit is 2 per upload)." in response.content.decode()
    assert Upload.objects.count() == 0


@pytest.mark.django_db
def test_it_polls_progress_until_done_then_stops_with_286(analyst_client, analyst):
    upload = UploadFactory(uploader=analyst, status=Upload.Status.PROCESSING, files_total=2, files_done=1)
    url = reverse("upload_detail", args=[upload.pk])
    response = analyst_client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = response.content.decode()
    assert 'hx-trigger="every 1s"' in fragment and f'hx-get="{url}"' in fragment
    assert "<html" not in fragment
    Upload.objects.filter(pk=upload.pk).update(status=Upload.Status.DONE, files_done=2)
    done = analyst_client.get(url, headers={"HX-Request": "true"})
    assert done.status_code == 286
    assert "every 1s" not in done.content.decode()
    assert "HX-Request" in done["Vary"]


@pytest.mark.django_db
def test_it_lists_outcomes_with_links_to_articles_and_duplicates(analyst_client, analyst):
    outlets_load_defaults()
    data = (SEEDS / SPUTNIK).read_bytes()
    first = ingest_bytes({SPUTNIK: data}, uploader=analyst)
    second = ingest_bytes({"copy.txt": data, "bad.txt": b"\x89PNG\r\n\x1a\n" + bytes(40)}, uploader=analyst)
    article = Article.objects.get(upload=first)
    page = analyst_client.get(reverse("upload_detail", args=[second.pk])).content.decode()
    assert reverse("article_detail", args=[article.pk]) in page
    assert "Duplicate" in page and "Same text as" in page
    assert "named like text (.txt) but its bytes are a PNG image" in page
    first_page = analyst_client.get(reverse("upload_detail", args=[first.pk])).content.decode()
    assert reverse("article_detail", args=[article.pk]) in first_page and "Article created" in first_page


@pytest.mark.django_db
def test_it_downloads_the_raw_file_as_an_attachment(analyst_client, analyst):
    upload = ingest_bytes({"page.html": b"<html><body><script>alert(1)</script><p>x</p></body></html>"}, uploader=analyst)
    upload_file = UploadFile.objects.get(upload=upload)
    response = analyst_client.get(reverse("upload_file_download", args=[upload_file.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;") and "page.html" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"<html>")


@pytest.mark.django_db
def test_it_shows_analysts_only_their_own_uploads(client, analyst, reviewer, moderator):
    other = UserFactory(username="other-analyst", role="analyst")
    mine = UploadFactory(uploader=analyst, note="mine")
    theirs = UploadFactory(uploader=other, note="theirs")
    hidden = UploadFactory(uploader=analyst, note="hidden one", hidden=True)
    client.force_login(analyst)
    listing = client.get(reverse("upload_list")).content.decode()
    assert "mine" in listing and "theirs" not in listing and "hidden one" not in listing
    assert client.get(reverse("upload_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("upload_detail", args=[hidden.pk])).status_code == 404
    client.force_login(reviewer)
    listing = client.get(reverse("upload_list")).content.decode()
    assert "mine" in listing and "theirs" in listing and "hidden one" not in listing
    assert client.get(reverse("upload_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("upload_detail", args=[hidden.pk])).status_code == 404
    client.force_login(moderator)
    assert "hidden one" in client.get(reverse("upload_list")).content.decode()
    assert client.get(reverse("upload_detail", args=[hidden.pk])).status_code == 200


@pytest.mark.django_db
def test_it_keeps_outsiders_and_strangers_out(client, outsider, analyst):
    upload = ingest_bytes({"page.txt": (SEEDS / SPUTNIK).read_bytes()}, uploader=analyst)
    upload_file = UploadFile.objects.get(upload=upload)
    urls = [
        reverse("upload_list"), reverse("upload_new"), reverse("upload_detail", args=[upload.pk]),
        reverse("upload_file_download", args=[upload_file.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(outsider)
    for url in urls:
        assert client.get(url).status_code == 403
    other = UserFactory(username="stranger", role="analyst")
    client.force_login(other)
    assert client.get(reverse("upload_file_download", args=[upload_file.pk])).status_code == 404


@pytest.mark.django_db
def test_it_does_not_link_hidden_articles_for_analysts(client, analyst, moderator):
    outlets_load_defaults()
    upload = ingest_bytes({SPUTNIK: (SEEDS / SPUTNIK).read_bytes()}, uploader=analyst)
    article = Article.objects.get(upload=upload)
    Article.objects.filter(pk=article.pk).update(hidden=True, hidden_reason="junk")
    client.force_login(analyst)
    page = client.get(reverse("upload_detail", args=[upload.pk])).content.decode()
    assert "Article hidden by a moderator." in page and reverse("article_detail", args=[article.pk]) not in page
    client.force_login(moderator)
    page = client.get(reverse("upload_detail", args=[upload.pk])).content.decode()
    assert reverse("article_detail", args=[article.pk]) in page


@pytest.mark.django_db
def test_it_applies_a_manifest_sent_with_the_files_instead_of_reading_it_as_an_article(analyst_client, django_capture_on_commit_callbacks):
    outlets_load_defaults()
    manifest = SimpleUploadedFile("manifest.csv", (SEEDS / "manifest.csv").read_bytes(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst_client.post(
            reverse("upload_new"), {"files": [_seed("002_5e28026613171c33.txt"), manifest], "note": "with manifest"}
        )
    assert response.status_code == 303
    upload = Upload.objects.get(note="with manifest")
    assert upload.files_total == 1 and upload.articles_created == 1
    article = Article.objects.get(upload=upload)
    assert article.outlet.name == "Fars News Agency" and article.field_sources["outlet"]["source"] == "manifest"
