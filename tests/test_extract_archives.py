"""Archives, web archives, JSON lines and HTML through the plain engine; every hostile case refused."""

import json
import zipfile

import pytest

from provenance.extract import Document, ExtractError, Limits, read_file, resolve_metadata
from tests.ingest_files import (
    HOSTILE_LIMITS,
    hostile_corpus,
    html_page,
    pathological_html,
    warc_bytes,
    zip_bytes,
)

LIMITS = Limits(
    max_file_bytes=HOSTILE_LIMITS["UPLOAD_MAX_FILE_BYTES"],
    archive_max_total_bytes=HOSTILE_LIMITS["ARCHIVE_MAX_TOTAL_BYTES"],
    archive_max_members=HOSTILE_LIMITS["ARCHIVE_MAX_MEMBERS"],
    archive_max_ratio=HOSTILE_LIMITS["ARCHIVE_MAX_RATIO"],
)
ARTICLE = (
    "Harbour Strike Ends After Three Weeks\n\nDock workers at the country's largest port returned to work on "
    "Saturday after unions and employers agreed a new pay deal, ending a three-week strike.\n\n"
    "The strike had delayed hundreds of container ships and cost exporters millions, the chamber said.\n"
)


@pytest.mark.parametrize("name", list(hostile_corpus()))
def test_it_refuses_each_hostile_file_with_one_clear_reason(name):
    data, words = hostile_corpus()[name]
    results = list(read_file(data, name, limits=LIMITS))
    assert len(results) == 1
    assert isinstance(results[0], ExtractError)
    assert words in results[0].reason
    assert "Traceback" not in results[0].reason


def test_it_reads_a_zip_with_its_manifest_applied_to_the_members():
    manifest = b"path,url,outlet,published_at,title\nstory/a.txt,https://exampledaily.net/a,Example Daily,2019-03-02,Given title\n"
    archive = zip_bytes({"story/a.txt": ARTICLE.encode(), "story/b.html": html_page(), "manifest.csv": manifest, "__MACOSX/._a.txt": b"x"})
    results = list(read_file(archive, "batch.zip", limits=LIMITS))
    assert [r.member_path for r in results] == ["story/a.txt", "story/b.html"]
    first = resolve_metadata(results[0])
    assert first.title == "Given title" and first.outlet_name == "Example Daily"
    assert first.fields["title"].source == "manifest" and first.published_at.date().isoformat() == "2019-03-02"
    second = resolve_metadata(results[1])
    assert second.source_format == "html" and second.title == "Harbour strike ends after three weeks"


def test_it_refuses_bad_members_but_keeps_the_good_ones():
    archive = zip_bytes({"good.txt": ARTICLE.encode(), "../evil.txt": b"no", "inner.zip": zip_bytes({"x.txt": b"y"})})
    results = list(read_file(archive, "mixed.zip", limits=LIMITS))
    assert [type(r).__name__ for r in results] == ["Document", "ExtractError", "ExtractError"]


def test_it_refuses_a_member_compressed_with_a_method_it_cannot_read_and_keeps_the_others():
    # Method 97 (WavPack) in both headers of one member: zipfile cannot decompress it.
    archive = bytearray(zip_bytes({"odd.txt": ARTICLE.encode(), "good.txt": ARTICLE.encode() + b" More."},
                                  compression=zipfile.ZIP_STORED))
    local, central = archive.index(b"PK\x03\x04"), archive.index(b"PK\x01\x02")
    archive[local + 8 : local + 10] = (97).to_bytes(2, "little")
    archive[central + 10 : central + 12] = (97).to_bytes(2, "little")
    odd, good = list(read_file(bytes(archive), "methods.zip", limits=LIMITS))
    assert isinstance(odd, ExtractError) and "odd.txt" in odd.reason
    assert "unsupported compression" in odd.reason
    assert isinstance(good, Document)


def test_it_never_trusts_the_sizes_an_archive_claims():
    # Headers claiming 100 bytes for a member that inflates to 4 MB: the real bytes decide.
    archive = bytearray(zip_bytes({"zeros.txt": bytes(4 * 1024 * 1024)}))
    local, central = archive.index(b"PK\x03\x04"), archive.index(b"PK\x01\x02")
    archive[local + 22 : local + 26] = (100).to_bytes(4, "little")
    archive[central + 24 : central + 28] = (100).to_bytes(4, "little")
    [error] = list(read_file(bytes(archive), "liar.zip", limits=LIMITS))
    assert isinstance(error, ExtractError)
    assert "zeros.txt" in error.reason and ("damaged" in error.reason or "zip bomb" in error.reason)
    # And an honest bomb is caught while streaming, before the limit is reached in memory.
    [bomb] = list(read_file(zip_bytes({"zeros.txt": bytes(4 * 1024 * 1024)}), "bomb.zip", limits=LIMITS))
    assert "zip bomb" in bomb.reason


def test_it_reads_each_html_response_of_a_warc_with_its_uri_and_capture_date():
    archive = warc_bytes(
        [("https://exampledaily.net/2019/03/02/strike", html_page()), ("https://other.example/b", html_page("Second port story", "Another body."))],
        gzip=True,
    )
    results = list(read_file(archive, "crawl.warc.gz", limits=LIMITS))
    assert [r.url for r in results] == ["https://exampledaily.net/2019/03/02/strike", "https://other.example/b"]
    assert all(isinstance(r, Document) and r.source_format == "warc" for r in results)
    assert results[0].member_path == "https://exampledaily.net/2019/03/02/strike"
    assert "Dock workers returned to work" in results[0].text and "Other story" not in results[0].text


def test_it_reads_json_lines_with_their_metadata_and_reports_bad_lines():
    lines = [
        json.dumps({"text": ARTICLE, "url": "https://exampledaily.net/a", "outlet": "Example Daily", "published_at": "2019-03-02", "title": "T1"}),
        "{not json",
        json.dumps({"html": html_page().decode(), "url": "https://exampledaily.net/b"}),
        json.dumps({"title": "no body"}),
    ]
    results = list(read_file("\n".join(lines).encode(), "feed.jsonl", limits=LIMITS))
    assert [type(r).__name__ for r in results] == ["Document", "ExtractError", "Document", "ExtractError"]
    first = resolve_metadata(results[0])
    assert first.title == "T1" and first.outlet_name == "Example Daily" and first.url == "https://exampledaily.net/a"
    assert results[1].member_path == "line 2" and "not valid JSON" in results[1].reason


def test_it_refuses_deeply_nested_html_quickly_but_reads_normal_nesting():
    [error] = list(read_file(pathological_html(), "deep.html", limits=LIMITS))
    assert "levels deep" in error.reason
    [document] = list(read_file(html_page(), "page.html", limits=LIMITS))
    assert document.title == "Harbour strike ends after three weeks"
    assert document.published_at.date().isoformat() == "2019-03-02"
    assert not document.text.startswith("Harbour strike")


def test_it_keeps_both_members_of_a_zip_that_repeats_a_name():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", ARTICLE)
        with pytest.warns(UserWarning):
            archive.writestr("a.txt", ARTICLE.replace("Saturday", "Sunday"))
    results = list(read_file(buffer.getvalue(), "twice.zip", limits=LIMITS))
    assert [r.member_path for r in results] == ["a.txt", "a.txt"]
    assert results[0].text != results[1].text


def test_it_reads_the_outlet_of_an_html_page_from_its_dateline_when_the_page_does_not_say():
    from provenance.detect.outlets import OutletDirectory, OutletEntry
    from provenance.extract import NameFinder

    finder = NameFinder(OutletDirectory([OutletEntry(1, "Sputnik", (), ("sputniknews.com",)), OutletEntry(2, "Reuters")]))
    page = (
        "<html><body><article><h1>Bridge reopens after repairs</h1>"
        "<p>MOSCOW (Sputnik) — The bridge reopened to traffic on Monday after months of repairs, officials said.</p>"
        "<p>Repairs cost about 12 million euros, according to the regional transport office, which said the work "
        "finished ahead of schedule and under budget.</p></article></body></html>"
    ).encode()
    [document] = list(read_file(page, "saved.html", limits=LIMITS, finder=finder))
    document = resolve_metadata(document, finder=finder)
    assert document.outlet_name == "Sputnik" and document.fields["outlet"].source == "text"
