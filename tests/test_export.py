"""`manage.py export`: JSON, CSV (one row per link) and W3C PROV-JSON."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from provenance.review.detection import detect_articles
from tests.detect_helpers import add_article, load_outlets
from tests.test_detect_service import COPY, WIRE


@pytest.fixture
def corpus(db):
    load_outlets()
    wire = add_article(WIRE, outlet="Press Association", published="1999-08-08T12:00", path="pa/edmonds1.txt",
                       title="Edmonds quits")
    copy = add_article(COPY, outlet="The Sun", published="1999-08-09T12:00", path="papers.zip/sun/edmonds2.txt")
    credited = add_article("Militants fled, a military official has told RIA news agency.\n\nSource: RT",
                           outlet="The Levant News", path="levant.txt")
    detect_articles([wire.id, copy.id, credited.id])
    return wire, copy, credited


def run_export(*args) -> str:
    out = io.StringIO()
    call_command("export", *args, stdout=out)
    return out.getvalue()


def test_it_exports_articles_links_and_chains_as_json(corpus):
    wire, copy, credited = corpus
    data = json.loads(run_export("--format", "json"))
    assert set(data) == {"articles", "links", "chains"}
    article = next(a for a in data["articles"] if a["id"] == wire.id)
    assert {"id", "path", "url", "outlet", "title", "published_at", "text"} <= set(article)
    assert (article["path"], article["outlet"], article["title"]) == ("pa/edmonds1.txt", "Press Association", "Edmonds quits")
    assert article["published_at"].startswith("1999-08-08T12:00")
    text_link = next(l for l in data["links"] if l["target"]["article"] == copy.id)
    assert text_link["source"] == {"article": wire.id, "outlet": "Press Association"}
    assert text_link["kind"] == "republication" and text_link["status"] == "proposed"
    assert 0 < text_link["score"] <= 1 and text_link["reasons"]
    outlet_link = next(l for l in data["links"] if l["target"]["article"] == credited.id and l["source"]["outlet"] == "RT")
    assert outlet_link["source"]["article"] is None and outlet_link["kind"] == "attribution"
    chains = {tuple((n["article"], n["outlet"]) for n in c["nodes"]) for c in data["chains"]}
    assert ((wire.id, "Press Association"), (copy.id, "The Sun")) in chains
    assert ((None, "RIA Novosti"), (None, "RT"), (credited.id, "The Levant News")) in chains


def test_it_exports_one_csv_row_per_link(corpus):
    rows = list(csv.DictReader(io.StringIO(run_export("--format", "csv"))))
    data = json.loads(run_export("--format", "json"))
    assert len(rows) == len(data["links"]) >= 3
    assert {"id", "source_article", "source_outlet", "target_article", "kind", "score", "status", "reasons"} <= set(rows[0])


def test_it_exports_w3c_prov_json(corpus):
    wire, copy, _ = corpus
    prov = json.loads(run_export("--format", "prov"))
    assert f"article:{wire.id}" in prov["entity"]
    derivations = prov["wasDerivedFrom"].values()
    assert any(d["prov:generatedEntity"] == f"article:{copy.id}" and d["prov:usedEntity"] == f"article:{wire.id}"
               for d in derivations)
    assert any("RT" in a.get("prov:label", "") for a in prov["agent"].values())
    from prov.model import ProvDocument

    assert ProvDocument.deserialize(content=json.dumps(prov), format="json").get_records()


def test_it_writes_to_a_file_and_leaves_hidden_articles_out(corpus, tmp_path):
    wire, copy, _ = corpus
    copy.hidden = True
    copy.save()
    target = tmp_path / "export.json"
    call_command("export", "--format", "json", "--output", str(target), stderr=io.StringIO())
    data = json.loads(target.read_text("utf-8"))
    assert copy.id not in {a["id"] for a in data["articles"]}
    assert all(l["target"]["article"] != copy.id for l in data["links"])
    assert all(all(n["article"] != copy.id for n in c["nodes"]) for c in data["chains"])


def test_it_refuses_an_unknown_format_or_a_missing_folder(corpus, tmp_path):
    with pytest.raises(CommandError):
        call_command("export", "--format", "xml")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("export", "--output", str(tmp_path / "nope" / "x.json"))
    assert list(tmp_path.iterdir()) == []


def test_a_chain_and_the_corpus_download_from_the_browser(analyst_client):
    import json

    from django.urls import reverse

    from tests.review_fixtures import build_chain

    data = build_chain()
    chain = data["chain"]
    response = analyst_client.get(reverse("chain_export", args=[chain.pk, "json"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="provenance-chain-{chain.pk}.json"'
    exported = json.loads(response.content)
    assert [c["id"] for c in exported["chains"]] == [chain.pk]
    assert {link["id"] for link in exported["links"]} == {data["first"].pk, data["second"].pk}
    assert {a["id"] for a in exported["articles"]} == {data["rt_article"].pk, data["gr_article"].pk}
    csv_text = analyst_client.get(reverse("chain_export", args=[chain.pk, "csv"])).content.decode()
    assert csv_text.splitlines()[0].startswith("id,source_article") and len(csv_text.splitlines()) == 3
    prov = analyst_client.get(reverse("corpus_export", args=["prov"]))
    assert prov.status_code == 200 and "prov.json" in prov["Content-Disposition"] and b'"wasDerivedFrom"' in prov.content
    assert analyst_client.get(reverse("corpus_export", args=["xml"])).status_code == 404
    page = analyst_client.get(reverse("chain_detail", args=[chain.pk])).content.decode()
    assert reverse("chain_export", args=[chain.pk, "csv"]) in page


def test_downloads_need_an_account(client):
    from django.urls import reverse

    assert client.get(reverse("corpus_export", args=["json"])).status_code == 302
