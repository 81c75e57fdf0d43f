"""Bad input found by a probe: each gets a clear reason, never a 500, a traceback or an upload stuck
"processing", and nothing is lost or half-written (the other files of the upload still import)."""

import gzip
import io
import json
import os
import threading
import zlib
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from provenance.corpus import services
from provenance.corpus.models import Article, Upload, UploadFile, UploadItem
from provenance.corpus.services import (
    UploadError,
    outlets_load_defaults,
    upload_create,
    upload_process,
)
from provenance.extract import ExtractError, read_file
from provenance.extract.dates import find_dates
from provenance.extract.html import page_date
from provenance.extract.manifest import manifest_key, read_manifest
from provenance.extract.metadata import parse_given_date
from provenance.extract.types import Limits
from provenance.extract.warc import warc_records
from provenance.extract.wire import parse_wire
from tests.ingest_files import html_page, warc_bytes, zip_bytes
from tests.ingest_helpers import SEEDS, ingest_bytes, outcomes

OUT_OF_RANGE = ["9999-12-31 23:59 -12:00", "0001-01-01 00:00 +14:00", "9999-12-31T23:59:59-12:00"]
SPUTNIK, FARS = "000_b37fa7fdce6cb95f.txt", "002_5e28026613171c33.txt"
GOOD1, GOOD2 = (SEEDS / SPUTNIK).read_bytes(), (SEEDS / FARS).read_bytes()
NO_TARGET_URI = b"WARC/1.0\r\nWARC-Type: response\r\n\r\nhello"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _pages(count: int) -> list[tuple[str, bytes]]:
    return [
        (f"https://exampledaily.net/2019/03/0{i}/story-{i}", html_page(f"Harbour story number {i} of the week", f"Story {i} differs."))
        for i in range(1, count + 1)
    ]


def _clean(reason: str) -> bool:
    """A reason a person can read: printable, no traceback, no exception repr."""
    return reason.isprintable() and "Traceback" not in reason and "Error(" not in reason


def _post(client, files, **fields):
    return client.post(reverse("upload_new"), {"files": files, **fields})


# --- 1. Dates outside 1900..2100 in UTC --------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("value", OUT_OF_RANGE[:2])
def test_it_refuses_an_out_of_range_published_date_in_the_form(analyst_client, value):
    response = _post(analyst_client, [SimpleUploadedFile("a.txt", GOOD1)], published_at=value)
    assert response.status_code == 422
    assert "outside the years 1900–2100" in response.content.decode()
    assert Upload.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_an_out_of_range_date_given_to_the_service_instead_of_overflowing():
    for value in [*OUT_OF_RANGE, datetime(9999, 12, 31, 23, 59, tzinfo=UTC)]:
        with pytest.raises(UploadError, match="outside the years"):
            upload_create(uploader=None, files=[SimpleUploadedFile("a.txt", GOOD1)], published_at=value)
    assert Upload.objects.count() == 0


def test_every_date_reader_drops_a_date_outside_the_range():
    assert parse_given_date(OUT_OF_RANGE[0]) == (None, None)
    assert parse_given_date("2015-10-06 13:20 +03:00")[0] is not None
    assert page_date("9999-12-31T23:59:59-12:00") == (None, None)
    assert [d.value.year for d in find_dates("Posted 2100-12-31T23:30:00-12:00 and 2015-10-15")] == [2015]
    story = "-" * 40 + "\n   23:59 31/12/9999: Page 1 (HHH) SHOWBIZ Edmonds\n" + "-" * 40 + "\n\x19Body text here.<\n"
    assert parse_wire(story).published_at is None
    warc = warc_bytes(_pages(1)).replace(b"WARC-Date: ", b"WARC-Date: 9999-12-31T23:59:59-12:00\r\nX-Old-Date: ", 1)
    [record] = list(warc_records(warc, Limits()))
    assert record.captured_at is None and record.payload


@pytest.mark.django_db
def test_it_refuses_a_manifest_with_an_out_of_range_date(analyst_client):
    manifest = b"path,published_at\na.txt,9999-12-31 23:59 -12:00\n"
    response = _post(analyst_client, [SimpleUploadedFile("a.txt", GOOD1), SimpleUploadedFile("manifest.csv", manifest)])
    assert response.status_code == 422
    assert "manifest.csv row 2: published_at &#x27;9999-12-31 23:59 -12:00&#x27; is outside the years" in response.content.decode()
    assert Upload.objects.count() == 0


@pytest.mark.django_db
def test_it_keeps_a_jsonl_article_without_its_out_of_range_date_and_says_why():
    line = {"text": GOOD1.decode(), "title": "Dated far away", "published_at": OUT_OF_RANGE[2]}
    upload = ingest_bytes({"feed.jsonl": json.dumps(line).encode() + b"\n"})
    assert upload.status == Upload.Status.DONE, upload.error
    article = Article.objects.get()
    assert article.published_at is None or 1900 <= article.published_at.year <= 2100
    item = UploadItem.objects.get(outcome=UploadItem.Outcome.CREATED)
    assert "published_at not used" in item.reason and "outside the years 1900–2100" in item.reason


@pytest.mark.django_db
def test_an_upload_that_fails_before_reading_any_file_is_marked_failed_not_left_processing(monkeypatch):
    upload = upload_create(uploader=None, files=[SimpleUploadedFile("a.txt", GOOD1)], source="cli")
    Upload.objects.filter(pk=upload.pk).update(status=Upload.Status.QUEUED)

    def broken():
        raise RuntimeError("the outlet registry cannot be read")

    monkeypatch.setattr(services, "outlet_directory", broken)
    with pytest.raises(RuntimeError):
        upload_process(upload_id=upload.pk)
    upload.refresh_from_db()
    assert upload.status == Upload.Status.FAILED and "RuntimeError" in upload.error


# --- 2. A WARC record warcio cannot parse; a reader that fails unexpectedly --------------------


def _cut_in_third_header() -> bytes:
    whole = warc_bytes(_pages(3))
    third = whole.index(b"WARC/1.0", whole.index(b"WARC/1.0", 1) + 1)
    return whole[: third + 40]


@pytest.mark.parametrize("data", [
    NO_TARGET_URI,
    b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999999999\r\n\r\nhello",
    _cut_in_third_header(),
])
def test_the_warc_reader_reports_a_record_it_cannot_parse(data):
    results = list(read_file(data, "bad.warc"))
    assert isinstance(results[-1], ExtractError) and "WARC record #" in results[-1].reason
    assert _clean(results[-1].reason)


@pytest.mark.django_db
def test_a_bad_warc_does_not_stop_the_files_after_it():
    upload = ingest_bytes({"good1.txt": GOOD1, "bad.warc": NO_TARGET_URI, "good2.txt": GOOD2})
    assert upload.status == Upload.Status.DONE, upload.error
    found = outcomes(upload)
    assert found["good1.txt"].outcome == found["good2.txt"].outcome == UploadItem.Outcome.CREATED
    assert found["bad.warc"].outcome == UploadItem.Outcome.REFUSED and "WARC-Target-URI" in found["bad.warc"].reason


@pytest.mark.django_db
def test_a_reader_failing_unexpectedly_refuses_that_file_and_goes_on(monkeypatch, caplog):
    real = services.read_file

    def flaky(data, name, **kwargs):  # a generator, as read_file is: it fails while being read
        if name == "bad.txt":
            raise KeyError("surprise")
        yield from real(data, name, **kwargs)

    monkeypatch.setattr(services, "read_file", flaky)
    upload = ingest_bytes({"good1.txt": GOOD1, "bad.txt": b"Some text.", "good2.txt": GOOD2})
    assert upload.status == Upload.Status.DONE, upload.error
    found = outcomes(upload)
    assert found["good2.txt"].outcome == UploadItem.Outcome.CREATED
    assert found["bad.txt"].outcome == UploadItem.Outcome.REFUSED
    assert "could not be read" in found["bad.txt"].reason and "KeyError" in found["bad.txt"].reason
    assert upload.files_done == upload.files_total == 3
    assert "reading bad.txt failed" in caplog.text and "Traceback" in caplog.text


# --- 3. Manifests: one reader, the same refusals everywhere ------------------------------------

EXTRA_FIELD = b"path,outlet\na.txt,RT,extra\n"


def test_the_manifest_reader_names_the_row_with_more_fields_than_the_header():
    with pytest.raises(ExtractError, match=r"manifest.csv row 2 has more fields \(3\) than the header \(2\)"):
        read_manifest(EXTRA_FIELD)


def test_the_manifest_reader_says_a_field_is_too_long_not_that_the_file_is_not_utf8():
    with pytest.raises(ExtractError, match="longer than 131,072 characters"):
        read_manifest(b'path,title\na.txt,"' + b"x" * 200_000 + b'"\n')


def test_the_manifest_reader_strips_nul_and_keeps_dot_files():
    rows = read_manifest(b"path,title\n./.hidden.txt,A\x00title\n")
    assert rows == {".hidden.txt": {"path": "./.hidden.txt", "title": "Atitle"}}
    assert manifest_key("./a//b.txt") == "a/b.txt" and manifest_key(".x") == ".x"


@pytest.mark.django_db
def test_the_form_refuses_a_manifest_with_more_fields_than_the_header(analyst_client):
    response = _post(analyst_client, [SimpleUploadedFile("a.txt", GOOD1), SimpleUploadedFile("manifest.csv", EXTRA_FIELD)])
    assert response.status_code == 422
    assert "manifest.csv row 2 has more fields (3) than the header (2)" in response.content.decode()
    assert Upload.objects.count() == 0


@pytest.mark.django_db
def test_a_zip_with_a_broken_manifest_is_refused_with_the_reason_and_the_next_file_still_imports():
    archive = zip_bytes({"a.txt": GOOD1, "manifest.csv": b"path,outlet\na.txt,RT,extra\n"})
    upload = ingest_bytes({"set.zip": archive, "good2.txt": GOOD2})
    assert upload.status == Upload.Status.DONE, upload.error
    found = outcomes(upload)
    assert found["set.zip"].outcome == UploadItem.Outcome.REFUSED
    assert "row 2 has more fields" in found["set.zip"].reason and "not read until its manifest is fixed" in found["set.zip"].reason
    assert found["good2.txt"].outcome == UploadItem.Outcome.CREATED


@pytest.mark.django_db
def test_the_command_refuses_a_manifest_with_more_fields_than_the_header(tmp_path):
    (tmp_path / "a.txt").write_bytes(GOOD1)
    (tmp_path / "manifest.csv").write_bytes(EXTRA_FIELD)
    with pytest.raises(CommandError, match="row 2 has more fields"):
        call_command("ingest", str(tmp_path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="row 2 has more fields"):
        call_command("ingest", str(tmp_path / "a.txt"), "--manifest", str(tmp_path / "manifest.csv"), stdout=io.StringIO())
    assert Upload.objects.count() == 0


@pytest.mark.django_db
def test_a_nul_in_a_manifest_cell_is_stored_without_it(analyst_client, django_capture_on_commit_callbacks):
    outlets_load_defaults()
    manifest = SimpleUploadedFile("manifest.csv", b"path,outlet,title\n.hidden.txt,RT,Nul\x00title\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(analyst_client, [SimpleUploadedFile(".hidden.txt", GOOD1), manifest])
    assert response.status_code == 303
    assert UploadFile.objects.get().manifest["title"] == "Nultitle"
    article = Article.objects.get()
    assert article.title == "Nultitle" and article.outlet.name == "RT"


@pytest.mark.django_db
def test_a_lone_manifest_is_refused_not_stored_as_an_article(analyst_client):
    response = _post(analyst_client, [SimpleUploadedFile("manifest.csv", b"path,outlet\na.txt,RT\n")])
    assert response.status_code == 422
    assert "Choose at least one file besides manifest.csv" in response.content.decode()
    assert Upload.objects.count() == Article.objects.count() == 0


# --- 4. More files than Django accepts in one request ------------------------------------------


@pytest.mark.django_db
def test_too_many_files_for_django_show_a_form_error_not_a_500(analyst_client):
    files = [SimpleUploadedFile(f"f{i}.txt", GOOD1) for i in range(3)]
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FILES=2):
        response = _post(analyst_client, files)
    assert response.status_code == 422
    assert "Too many files in one upload (the limit is 2)" in response.content.decode()
    assert Upload.objects.count() == 0


# --- 5. A .warc.gz cut short or damaged midway ---------------------------------------------------


def _members(data: bytes) -> list[int]:
    """Where each gzip member (one record each) starts."""
    starts, position = [], 0
    while position < len(data):
        starts.append(position)
        inflater = zlib.decompressobj(wbits=31)
        inflater.decompress(data[position:])
        position = len(data) - len(inflater.unused_data)
    return starts


def test_a_truncated_warc_gz_keeps_the_records_before_the_cut_and_says_so():
    whole = warc_bytes(_pages(4), gzip=True)
    starts = _members(whole)
    for cut in (starts[2] + 5, starts[2] + 300, (starts[2] + starts[3]) // 2):
        results = list(read_file(whole[:cut], "cut.warc.gz"))
        assert [type(r).__name__ for r in results] == ["Document", "Document", "ExtractError"], cut
        assert "cut short" in results[-1].reason and _clean(results[-1].reason)


def test_a_damaged_gzip_member_midway_is_reported_without_its_garbage():
    whole = bytearray(warc_bytes(_pages(4), gzip=True))
    start = _members(bytes(whole))[2]
    for i in range(start + 20, start + 80):
        whole[i] ^= 0x55
    results = list(read_file(bytes(whole), "damaged.warc.gz"))
    assert [type(r).__name__ for r in results[:2]] == ["Document", "Document"]
    assert isinstance(results[-1], ExtractError) and "damaged" in results[-1].reason and _clean(results[-1].reason)
    assert gzip.decompress(warc_bytes(_pages(1), gzip=True)).startswith(b"WARC/")  # the builder does gzip


# --- 6. ingest --wait on an upload that fails -----------------------------------------------------


@pytest.mark.django_db
def test_ingest_wait_reports_a_failed_upload_and_its_unread_files_and_fails(tmp_path, monkeypatch):
    for name, data in (("a.txt", GOOD1), ("b.txt", GOOD2)):
        (tmp_path / name).write_bytes(data)

    def broken(context, upload_file):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "_process_file", broken)
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 upload\\(s\\) failed"):
        call_command("ingest", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--wait", stdout=out)
    text = out.getvalue()
    assert "failed: Processing stopped: RuntimeError" in text
    assert "unread     a.txt" in text and "unread     b.txt" in text


# --- 7. Archives with nothing to read say why ---------------------------------------------------


@pytest.mark.django_db
def test_an_empty_zip_says_it_holds_no_files():
    upload = ingest_bytes({"empty.zip": zip_bytes({}), "only-manifest.zip": zip_bytes({"manifest.csv": b"path\n"})})
    assert upload.status == Upload.Status.DONE
    found = outcomes(upload)
    assert found["empty.zip"].reason == "the ZIP archive holds no files"
    assert found["only-manifest.zip"].reason == "the ZIP archive holds no files besides its manifest"


def _warc_without_pages() -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    for url, kind, payload in [("https://x.net/a.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(50)),
                               ("https://x.net/b.pdf", "application/pdf", b"%PDF-1.4\n")]:
        headers = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=headers))
    writer.write_record(writer.create_revisit_record("https://x.net/c", digest="sha1:AAAA", refers_to_uri="https://x.net/c", refers_to_date="2019-03-02T00:00:00Z"))
    return buffer.getvalue()


@pytest.mark.django_db
def test_a_warc_without_pages_says_what_it_skipped():
    upload = ingest_bytes({"images.warc": _warc_without_pages()})
    assert upload.status == Upload.Status.DONE
    [item] = UploadItem.objects.filter(upload=upload)
    assert item.outcome == UploadItem.Outcome.REFUSED
    assert item.reason == (
        "the WARC holds no HTML or text responses (3 record(s) skipped: 1 image/png, 1 application/pdf, 1 revisit record)"
    )


# --- 8. Control characters in JSON lines ----------------------------------------------------------


@pytest.mark.django_db
def test_nul_and_control_characters_are_stripped_before_storing():
    outlets_load_defaults()
    line = {"text": GOOD1.decode(), "title": "A\x00 title\x07", "outlet": "R\x00T", "url": "https://rt.com/a\x00b"}
    upload = ingest_bytes({"feed.jsonl": json.dumps(line).encode() + b"\n"})
    assert upload.articles_created == 1, outcomes(upload)
    article = Article.objects.get()
    assert (article.title, article.outlet.name, article.url) == ("A title", "RT", "https://rt.com/ab")
    assert "\x00" not in article.raw_text


# --- 9. The command skips FIFOs and symbolic links ---------------------------------------------


@pytest.mark.django_db
def test_ingest_skips_fifos_and_symlinks_and_says_so(tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "a.txt").write_bytes(GOOD1)
    secret = tmp_path / "secret.txt"
    secret.write_bytes(GOOD2)
    (folder / "link.txt").symlink_to(secret)
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    # Without the fix the command blocks opening the FIFO: a writer unblocks it so the test fails, not hangs.
    unblock = threading.Timer(10, lambda: open(fifo, "wb").close())
    unblock.start()
    try:
        out = io.StringIO()
        call_command("ingest", str(folder), str(fifo), "--wait", stdout=out)
    finally:
        unblock.cancel()
    text = out.getvalue()
    assert f"skipped {folder / 'link.txt'}: a symbolic link" in text
    assert f"skipped {fifo}: not a regular file" in text
    assert list(Article.objects.values_list("path", flat=True)) == ["a.txt"]
    call_command("ingest", str(folder), "--follow-symlinks", "--wait", stdout=io.StringIO())
    assert Article.objects.filter(path="link.txt").exists()
