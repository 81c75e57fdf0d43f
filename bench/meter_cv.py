"""How much of the METER score comes from tuning the thresholds on METER: 2-fold cross-validation.

The classification thresholds (provenance.detect.links.Thresholds) were chosen on METER showbiz. This
script splits the METER stories (the folders of the truth paths) into two folds by a hash of their
name, picks thresholds on one fold by grid search (3-way macro-F1), scores the other fold with them,
and swaps. It works on the engine's pair reading (direction and features from compare()) of every
truth pair, without candidate search or sibling suppression, so its figures approximate the full
pipeline's; the in-sample figure of the same approximation is printed for comparison.

    uv run python manage.py evaluate --manifest M --truth T --keep /tmp/meter-db
    DATABASE_URL=sqlite:////tmp/meter-db/evaluation.sqlite3 uv run python bench/meter_cv.py --truth T
"""

import argparse
import itertools
import os
import sys
import zlib
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provenance.settings")

GRID = {
    "partial_words": [0.30, 0.34, 0.38, 0.42, 0.46],
    "republication_words": [0.55, 0.60, 0.65, 0.70],
    "republication_shared": [0.2, 0.3, 0.4],
    "partial_shared": [0.04, 0.08, 0.12],
    "min_tile_words": [7, 9, 12],
    # Paraphrase: sentence-level near matches (rapidfuzz token-set ratio >= sentence_ratio).
    "paraphrase_words": [0.4, 0.5, 0.6],
    "paraphrase_sentences": [0.4, 0.5, 0.6],
    "sentence_ratio": [55.0, 60.0],
    "republication_sentences": [0.8, 0.9, 1.01],
}
CLASSES = ("republication", "partial", "none")


def macro_f1(pairs):
    f1s = []
    for cls in CLASSES:
        tp = sum(1 for t, p in pairs if t == cls and p == cls)
        fp = sum(1 for t, p in pairs if t != cls and p == cls)
        fn = sum(1 for t, p in pairs if t == cls and p != cls)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(f1s) / 3


def derived_f1(pairs):
    tp = sum(1 for t, p in pairs if t != "none" and p != "none")
    fp = sum(1 for t, p in pairs if t == "none" and p != "none")
    fn = sum(1 for t, p in pairs if t != "none" and p == "none")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def predict(items, thresholds):
    from provenance.detect.links import classify

    out = []
    for truth_class, _story, pairs in items:
        best, best_score = "none", -1.0
        for pair in pairs:
            if pair.target.id != pair.target_id_expected:
                continue  # read the other way round: no link into the target
            kind, score = classify(pair, thresholds)
            if kind and score > best_score:
                best, best_score = kind, score
        out.append((truth_class, best))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--truth", required=True)
    args = parser.parse_args()
    import django

    django.setup()
    from meter_truth import article_reader, truth_targets

    from provenance.detect.align import align
    from provenance.detect.links import DEFAULT_THRESHOLDS, compare

    article = article_reader()
    items = []
    for entry, truth_class, sources, story in truth_targets(args.truth):
        target = article(entry["target"])
        if target is None:
            continue
        pairs = []
        for path in sources:
            source = article(path)
            if source is None:
                continue
            pair = compare(source, target, align(source.tokens, target.tokens))
            pair.target_id_expected = target.id
            pairs.append(pair)
        items.append((truth_class, story, pairs))

    folds = [[i for i in items if zlib.crc32(i[1].encode()) % 2 == k] for k in (0, 1)]
    keys = list(GRID)
    candidates = [replace(DEFAULT_THRESHOLDS, **dict(zip(keys, values))) for values in itertools.product(*GRID.values())]
    in_sample = predict(items, DEFAULT_THRESHOLDS)
    print(f"targets: {len(items)} (folds of {len(folds[0])} and {len(folds[1])}), grid of {len(candidates)}")
    print(f"default thresholds, in sample: macro-F1 {macro_f1(in_sample):.3f}, derived F1 {derived_f1(in_sample):.3f}")
    tested = []
    for train, test in ((folds[0], folds[1]), (folds[1], folds[0])):
        best = max(candidates, key=lambda th: macro_f1(predict(train, th)))
        result = predict(test, best)
        tested.extend(result)
        chosen = {k: getattr(best, k) for k in keys}
        print(f"  trained on {len(train)}: {chosen} -> held-out macro-F1 {macro_f1(result):.3f}, "
              f"derived F1 {derived_f1(result):.3f}")
    print(f"2-fold cross-validated: macro-F1 {macro_f1(tested):.3f}, derived F1 {derived_f1(tested):.3f}")


if __name__ == "__main__":
    main()
