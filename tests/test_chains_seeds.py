"""The five sample files, ingested through the real pipeline, give exactly the four expected chains."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from provenance.corpus.models import Article, Credit
from provenance.corpus.outlets import outlet_directory_changed
from provenance.corpus.services import outlets_load_defaults
from provenance.detect.evaluation import score_chains
from provenance.review.exporters import export_data
from provenance.review.models import Chain, Link

SEEDS = Path(__file__).resolve().parent.parent / "samples" / "seeds"
TRUTH = json.loads((SEEDS / "truth.json").read_text("utf-8"))


@pytest.fixture
def seeds(db, tmp_path, settings, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    outlets_load_defaults()
    outlet_directory_changed()
    files = sorted(str(p) for p in SEEDS.glob("*.txt"))
    # Ingestion queues detection once its transaction commits: run those callbacks as a commit would.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("ingest", *files, manifest=str(SEEDS / "manifest.csv"), wait=True, stdout=io.StringIO())
    assert Article.objects.count() == 5


def test_it_finds_exactly_the_four_seed_chains(seeds):
    data = export_data()
    scores = score_chains(TRUTH, data["articles"], data["chains"])
    assert scores.missed == [] and scores.spurious == []
    assert sorted(scores.found) == sorted(TRUTH["chains"])
    assert Chain.objects.count() == 4


def test_it_draws_no_chain_and_no_text_link_for_the_unrelated_or_retold_stories(seeds):
    unrelated = Article.objects.get(path="003_a3f8a9ac8286ba8d.txt")
    assert not Link.objects.filter(target=unrelated).exists()
    assert not Chain.objects.filter(nodes__article=unrelated).exists()
    # Sputnik and Global Research tell one story in different words: no text link between them.
    assert not Link.objects.filter(source_article__isnull=False).exists()


def test_it_stores_the_seed_credits_with_their_roles(seeds):
    for expected in TRUTH["articles"]:
        article = Article.objects.get(path=expected["path"])
        found = {}
        for credit in Credit.objects.filter(article=article).exclude(role=Credit.Role.MENTION).select_related("outlet"):
            found.setdefault(credit.outlet.name, set()).add(credit.get_role_display().lower())
        wanted = {name: {role} for name, role in expected["credits"].items()}
        assert found == wanted, expected["path"]
        for credit in Credit.objects.filter(article=article):
            assert article.text[credit.start : credit.end] == credit.name


def test_it_explains_the_global_research_chain(seeds):
    chain = Chain.objects.get(final_article__path="001_2ace830f55ffebb3.txt")
    links = list(chain.links.order_by("chain_links__position"))
    assert [str(link.source_outlet) for link in links] == ["RIA Novosti", "RT"]
    assert any("credits RT as original source" in reason for reason in links[1].reasons)
    assert any("RT's text, republished here, credits RIA Novosti" in reason for reason in links[0].reasons)
