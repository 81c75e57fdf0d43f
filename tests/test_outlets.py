"""The outlet registry: the default list, and imports of CSV (sites_of_concern.csv) and JSON lists."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from provenance.corpus.models import Outlet
from provenance.corpus.outlets import outlet_directory
from provenance.corpus.services import DEFAULT_OUTLETS, outlets_import_file, outlets_load_defaults

SITES_OF_CONCERN = Path("/work/shared/data/sites_of_concern.csv")
SEED_TRUTH = Path(__file__).resolve().parent.parent / "samples" / "seeds" / "truth.json"


@pytest.mark.django_db
def test_it_loads_the_default_outlets_once_however_often_it_runs():
    first = outlets_load_defaults()
    count = Outlet.objects.count()
    again = outlets_load_defaults()
    assert first.created == count >= 30
    assert again.created == 0 and again.updated == 0 and Outlet.objects.count() == count


@pytest.mark.django_db
def test_it_knows_the_outlets_of_the_samples_by_every_alias_the_truth_accepts():
    outlets_load_defaults()
    directory = outlet_directory()
    truth = json.loads(SEED_TRUTH.read_text())
    for name, aliases in truth["outlets"].items():
        for alias in aliases:
            outlet_id = directory.resolve(alias) or directory.resolve_domain(alias)
            assert outlet_id is not None, alias
            assert directory.get(outlet_id).name == name, alias
    ria = Outlet.objects.get(name="RIA Novosti")
    assert ria.parent.name == "Rossiya Segodnya" and Outlet.objects.get(name="Sputnik").parent == ria.parent
    assert directory.get(directory.resolve_domain("https://www.globalresearch.ca/x")).name == "Global Research"
    assert Outlet.objects.get(name="Russian Defence Ministry").kind == "government"


def test_the_default_list_has_no_alias_that_is_an_ordinary_word():
    data = json.loads(DEFAULT_OUTLETS.read_text())
    ordinary = {"rossiya", "sun", "star", "mirror", "mail", "express", "times", "telegraph", "guardian", "independent", "news", "today"}
    for outlet in data["outlets"]:
        for alias in outlet["aliases"]:
            assert alias.lower() not in ordinary, (outlet["name"], alias)
    names = {o["name"] for o in data["outlets"]}
    meter = {"Press Association", "The Sun", "Daily Star", "Daily Mirror", "Daily Mail", "Daily Express", "The Times",
             "The Daily Telegraph", "The Guardian", "The Independent"}
    assert meter <= names


@pytest.mark.django_db
def test_it_imports_a_csv_list_grouping_rows_per_domain_and_recording_the_sources(tmp_path):
    outlets_load_defaults()
    path = tmp_path / "sites.csv"
    path.write_text(
        "Threat Actor,Domain,Name,Source\n"
        ",https://ria.ru,,EuVsDisinfo\n"
        ",https://ria.ru,,Wikidata All News\n"
        ",https://lt.sputniknews.ru,,EuVsDisinfo\n"
        ",https://fake-news.example,Fake News Daily,Pink Slime\n"
        ",http://another.example/path,,Intel/Suspected\n"
        ",https://t.me,,EuVsDisinfo\n"
        ",not a domain,,X\n"
    )
    summary = outlets_import_file(path=path)
    assert summary.created == 2 and summary.updated == 2 and len(summary.skipped) == 2
    ria = Outlet.objects.get(name="RIA Novosti")
    assert ria.flags == ["EuVsDisinfo", "Wikidata All News"]
    sputnik = Outlet.objects.get(name="Sputnik")
    assert "lt.sputniknews.ru" in sputnik.domains and sputnik.flags == ["EuVsDisinfo"]
    fake = Outlet.objects.get(name="Fake News Daily")
    assert fake.domains == ["fake-news.example"] and fake.flags == ["Pink Slime"]
    assert Outlet.objects.get(name="another.example").domains == ["another.example"]
    assert outlet_directory().resolve_domain("https://fake-news.example/a") == fake.pk
    again = outlets_import_file(path=path)
    assert again.created == 0 and again.updated == 0


@pytest.mark.django_db
def test_the_command_imports_json_and_csv_and_prints_a_summary(tmp_path):
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({"outlets": [{"name": "Example Daily", "kind": "newspaper", "domains": ["exampledaily.net"], "aliases": ["ED"]}]}))
    out = io.StringIO()
    call_command("import_outlets", str(path), stdout=out)
    assert "1 created, 0 updated, 0 unchanged" in out.getvalue()
    call_command("import_outlets", str(path), stdout=out)
    assert "0 created, 0 updated, 1 unchanged" in out.getvalue()
    assert Outlet.objects.get(name="Example Daily").kind == "newspaper"
    bad = tmp_path / "bad.csv"
    bad.write_text("Name,Source\nx,y\n")
    with pytest.raises(CommandError, match="Domain column"):
        call_command("import_outlets", str(bad), stdout=out)


@pytest.mark.django_db
@pytest.mark.skipif(not SITES_OF_CONCERN.exists(), reason="/work/shared/data/sites_of_concern.csv is not on this machine")
def test_it_imports_the_real_sites_of_concern_list_idempotently():
    outlets_load_defaults()
    first = outlets_import_file(path=SITES_OF_CONCERN)
    count = Outlet.objects.count()
    assert first.created > 6000
    second = outlets_import_file(path=SITES_OF_CONCERN)
    assert second.created == 0 and second.updated == 0 and Outlet.objects.count() == count
    assert "EuVsDisinfo" in Outlet.objects.get(name="RT").flags
