"""`manage.py evaluate`: a fresh database of its own, the real ingest pipeline, and the scores."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from provenance.corpus.models import Article
from provenance.detect.evaluation import score_links

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "samples" / "seeds"
METER = Path("/work/shared/eval/meter-showbiz")


def evaluate(tmp_path, manifest: Path, truth: Path, *extra) -> dict:
    out = tmp_path / "scores.json"
    call_command("evaluate", "--manifest", str(manifest), "--truth", str(truth), "--json", str(out), *extra,
                 stdout=io.StringIO())
    return json.loads(out.read_text("utf-8"))


@pytest.mark.slow
@pytest.mark.django_db
def test_it_scores_the_seed_chains_in_a_separate_database(tmp_path):
    result = evaluate(tmp_path, SEEDS / "manifest.csv", SEEDS / "truth.json")
    assert result["articles"] == 5
    assert result["chains_missed"] == [] and result["chains_spurious"] == []
    assert len(result["chains_found"]) == 4
    assert Article.objects.count() == 0  # the working database is untouched


@pytest.mark.django_db
def test_it_refuses_a_truth_file_it_cannot_read(tmp_path):
    bad = tmp_path / "truth.json"
    bad.write_text("{not json", "utf-8")
    with pytest.raises(CommandError, match="not a JSON truth file"):
        call_command("evaluate", "--manifest", str(SEEDS / "manifest.csv"), "--truth", str(bad))
    bad.write_text('{"something": []}', "utf-8")
    with pytest.raises(CommandError, match="expected"):
        call_command("evaluate", "--manifest", str(SEEDS / "manifest.csv"), "--truth", str(bad))
    with pytest.raises(CommandError, match="no such file"):
        call_command("evaluate", "--manifest", str(tmp_path / "missing.csv"), "--truth", str(SEEDS / "truth.json"))


def test_it_scores_meter_style_truth():
    truth = {
        "links": [
            {"target": "t1", "source_any_of": ["s1", "s1b"], "kind": "republication"},
            {"target": "t2", "source_any_of": ["s1"], "kind": "partial"},
            {"target": "t3", "source_any_of": ["s1"], "kind": "partial"},
        ],
        "unlinked": [{"target": "t4", "not_from": ["s1"]}],
    }
    articles = [{"id": i, "path": p} for i, p in enumerate(["s1", "s1b", "t1", "t2", "t3", "t4"], start=1)]

    def link(source, target, kind, score=0.9):
        return {"source": {"article": source}, "target": {"article": target}, "kind": kind, "score": score, "status": "proposed"}

    links = [
        link(2, 3, "republication"),  # t1 from s1b: right
        link(1, 4, "republication"),  # t2 should be partial
        link(5, 1, "partial"),  # t3 → s1: wrong direction, so t3 is predicted none
        link(1, 6, "partial"),  # t4 must not come from s1
        link(3, 4, "partial"),  # t1 → t2: siblings of s1
    ]
    scores = score_links(truth, articles, links)
    assert (scores.precision, scores.recall) == (2 / 3, 2 / 3)
    assert scores.direction_pairs == 3 and scores.direction_correct == 2
    assert scores.sibling_links == 1 and scores.false_sources == 1
    assert scores.per_class_f1["republication"] == 0.6667


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.skipif(not METER.is_dir(), reason="the METER showbiz set is not at /work/shared/eval/meter-showbiz")
def test_it_evaluates_meter_with_dates(tmp_path):
    result = evaluate(tmp_path, METER / "manifest.csv", METER / "truth.json")
    # Floors just under the figures measured (docs/benchmarks.md: F1 0.813, macro-F1 0.640); the
    # issue's targets (F1 0.90, macro-F1 0.75) are not reached yet.
    assert result["f1"] >= 0.80
    assert result["macro_f1"] >= 0.62
    assert result["direction_accuracy"] >= 0.99
    assert result["sibling_links"] == 0


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.skipif(not METER.is_dir(), reason="the METER showbiz set is not at /work/shared/eval/meter-showbiz")
def test_it_evaluates_meter_without_dates(tmp_path):
    result = evaluate(tmp_path, METER / "manifest.csv", METER / "truth.json", "--no-dates")
    assert result["direction_accuracy"] >= 0.90
    assert result["f1"] >= 0.72  # measured 0.741
    assert result["macro_f1"] >= 0.58  # measured 0.604
