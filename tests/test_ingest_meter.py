"""The METER showbiz set ingests fully with its manifest: wire headers and markers gone, headline and byline out."""

import csv
import hashlib
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from provenance.corpus.models import Article, Upload, UploadItem
from provenance.corpus.services import outlets_load_defaults

METER = Path("/work/shared/eval/meter-showbiz")
LONDON = ZoneInfo("Europe/London")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (METER / "manifest.csv").exists(), reason=f"the METER showbiz set is not at {METER}"),
]


def _mostly_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) >= 0.8 * len(letters)


@pytest.mark.django_db
def test_it_ingests_the_whole_meter_showbiz_set(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Detection is another area's job and is measured elsewhere; keep this test about ingestion.
    monkeypatch.setattr("provenance.corpus.services._queue_detection", lambda ids: None)
    outlets_load_defaults()
    with (METER / "manifest.csv").open() as handle:
        manifest = {row["path"]: row for row in csv.DictReader(handle)}
    out = io.StringIO()
    call_command("ingest", str(METER), "--wait", stdout=out)

    items = UploadItem.objects.select_related("upload_file")
    assert items.count() == len(manifest) == 287
    assert not items.filter(outcome="refused").exists(), out.getvalue()
    # Every file is accounted for: an article, or a byte-identical copy of another file of the set
    # (METER files some PA stories under two story folders), reported as a duplicate of that article.
    digests = {path: hashlib.sha256((METER / path).read_bytes()).hexdigest() for path in manifest}
    for item in items.filter(outcome="duplicate").select_related("article"):
        original = item.article.path
        assert original != item.upload_file.original_name
        assert digests[original] == digests[item.upload_file.original_name]
    articles = Article.objects.select_related("outlet")
    assert articles.count() + items.filter(outcome="duplicate").count() == 287
    assert set(articles.values_list("path", flat=True)) <= set(manifest)

    for article in articles:
        row = manifest[article.path]
        assert article.outlet.name == row["outlet"]
        # The day of the manifest, in the London time the wire and the papers kept.
        assert article.published_at.astimezone(LONDON).date().isoformat() == row["published_at"]
        assert "<\n" not in article.text and not article.text.rstrip().endswith("<")
        assert "(HHH)" not in article.text and "------" not in article.text and "\x19" not in article.text
        assert "``" not in article.text
        assert not article.text.rstrip().endswith("\nend")

    pa = articles.filter(outlet__name="Press Association")
    edmonds = pa.get(path="docs/PA/rawtexts/showbiz/08.08.99/edmonds/edmonds1.txt")
    assert edmonds.title == "'I'M QUITTING BECAUSE BBC TV IS BORING', SAYS EDMONDS"
    assert edmonds.byline == "Nicky Burridge, PA News"
    assert edmonds.text.startswith("Television presenter Noel Edmonds said today he was quitting the BBC because he found the programmes \"too boring\".")
    # The manifest gives the day; the wire header gives the minute (15:20 London time).
    assert edmonds.published_at.isoformat() == "1999-08-08T14:20:00+00:00"
    assert edmonds.field_sources["published_at"]["source"] == "manifest"
    with_headline = [a for a in pa if a.field_sources["title"]["confidence"] >= 0.7]
    assert len(with_headline) >= 80 and all(_mostly_capitals(a.title) for a in with_headline)
    assert sum(1 for a in pa if a.byline.endswith("PA News") or "PA News" in a.byline) >= 70
    assert Upload.objects.filter(status="done").count() == Upload.objects.count()
