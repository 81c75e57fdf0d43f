"""Could a learned classifier over richer text features beat the engine's thresholds on METER?

For every METER truth target and each of its truth sources (the PA copy), this computes 26 lexical
features of the pair — the engine's own (content-word containment, share of the target in shared
passages, longest passage, near-matching sentences at rapidfuzz ratios 50/60/70/80), word n-gram
containment for n = 1..5, capitalised-word overlap, lengths, IDF-weighted containment, the share of
the target's rare words (in at most 5 articles) found in the source, TF-IDF sentence cosine shares,
numbers in common — keeps the best value over the target's sources, adds features over the union
of all its sources (the wire's successive versions of the story: content words, word bigrams and
trigrams, trigrams outside quotations, the share of the target inside quotation marks), and scores logistic regression,
random forests and gradient boosting by cross-validation with the folds grouped by story (a story's
articles never sit on both sides). It answers "is the 3-way target out of reach of surface features
on this data", not "which model to ship": nothing here is used by the engine.

    uv run python manage.py evaluate --manifest M --truth T --keep /tmp/meter-db
    DATABASE_URL=sqlite:////tmp/meter-db/evaluation.sqlite3 \\
        uv run --with scikit-learn python bench/meter_features.py --truth T

scikit-learn is not a dependency of the app; `uv run --with` brings it for this script only.
"""

import argparse
import math
import os
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provenance.settings")

WORD = re.compile(r"\w+")
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")
QUOTED = re.compile(r'"[^"\n]*"|“[^”\n]*”')
CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")
NUMBER = re.compile(r"\d+")
CLASSES = ["republication", "partial", "none"]


class Corpus:
    """Document frequencies of content words over every article of the evaluation database."""

    def __init__(self, texts, stopwords):
        self.stopwords = stopwords
        self.df = Counter()
        for text in texts:
            self.df.update(set(self.content_words(text)))
        self.size = len(texts)

    def content_words(self, text):
        return [w for w in WORD.findall(text.casefold()) if w not in self.stopwords]

    def idf(self, word):
        return math.log((self.size + 1) / (self.df.get(word, 0) + 1)) + 1

    def sentence_vectors(self, text):
        out = []
        for sentence in SENTENCE_BREAK.split(text):
            counts = Counter(self.content_words(sentence))
            if sum(counts.values()) < 4:
                continue
            vector = {w: n * self.idf(w) for w, n in counts.items()}
            norm = math.sqrt(sum(x * x for x in vector.values()))
            out.append({w: x / norm for w, x in vector.items()})
        return out


def cosine(a, b):
    return sum(x * b.get(w, 0.0) for w, x in a.items())


def ngrams(words, n):
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def ngram_containment(target, source, n):
    grams, other = ngrams(target, n), ngrams(source, n)
    return len(grams & other) / len(grams) if grams else 0.0


def union_features(sources, target, corpus):
    """Features of the target against all its sources at once: a newspaper story may draw on several
    versions of the wire copy, and quoted speech may be shared by stories that did not copy each other."""
    words, bigrams, trigrams = set(), set(), set()
    for source in sources:
        words |= set(corpus.content_words(source.text))
        source_words = [w.casefold() for w in WORD.findall(source.text)]
        bigrams |= ngrams(source_words, 2)
        trigrams |= ngrams(source_words, 3)
    target_words = [w.casefold() for w in WORD.findall(target.text)]
    unquoted = [w.casefold() for w in WORD.findall(QUOTED.sub(" ", target.text))]

    def share(grams, pool):
        return len(grams & pool) / len(grams) if grams else 0.0

    return {
        "union_words": share(set(corpus.content_words(target.text)), words),
        "union_bigrams": share(ngrams(target_words, 2), bigrams),
        "union_trigrams": share(ngrams(target_words, 3), trigrams),
        "union_trigrams_unquoted": share(ngrams(unquoted, 3), trigrams),
        "quoted_share": 1 - len(unquoted) / max(1, len(target_words)),
    }


def pair_features(source, target, corpus):
    from provenance.detect.align import align
    from provenance.detect.links import compare, sentence_match

    pair = compare(source, target, align(source.tokens, target.tokens))
    features = {
        "words": pair.word_containment,
        "shared": pair.alignment.b_in_a,
        "longest": pair.alignment.longest,
        "source_in_target": pair.alignment.a_in_b,
    }
    for ratio in (50, 60, 70, 80):
        features[f"sentences_{ratio}"] = sentence_match(target, source, ratio)
    target_words = [w.casefold() for w in WORD.findall(target.text)]
    source_words = [w.casefold() for w in WORD.findall(source.text)]
    for n in range(1, 6):
        features[f"ngrams_{n}"] = ngram_containment(target_words, source_words, n)
    features["log_length"] = math.log1p(len(target_words))
    features["log_source_length"] = math.log1p(len(source_words))
    capitals = set(CAPITALISED.findall(target.text))
    features["capitalised"] = len(capitals & set(CAPITALISED.findall(source.text))) / max(1, len(capitals))
    content, source_content = corpus.content_words(target.text), set(corpus.content_words(source.text))
    total = sum(corpus.idf(w) for w in content) or 1.0
    features["idf_words"] = sum(corpus.idf(w) for w in content if w in source_content) / total
    rare = {w for w in content if corpus.df[w] <= 5}
    features["rare_words"] = len(rare & source_content) / max(1, len(rare))
    target_vectors, source_vectors = corpus.sentence_vectors(target.text), corpus.sentence_vectors(source.text)
    best = [max((cosine(a, b) for b in source_vectors), default=0.0) for a in target_vectors]
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7):
        features[f"cosine_{threshold}"] = sum(x >= threshold for x in best) / max(1, len(best))
    features["cosine_mean"] = sum(best) / max(1, len(best))
    numbers = set(NUMBER.findall(target.text))
    features["numbers"] = len(numbers & set(NUMBER.findall(source.text))) / len(numbers) if numbers else 0.0
    features["read_the_right_way"] = float(pair.target.id == target.id)
    return features


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--truth", required=True)
    args = parser.parse_args()
    import django

    django.setup()
    import numpy as np
    from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.model_selection import GroupKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from meter_truth import article_reader, truth_targets

    from provenance.corpus.models import Article
    from provenance.detect.links import STOPWORDS

    corpus = Corpus([a.text for a in Article.objects.only("text")], STOPWORDS)
    article = article_reader()
    X, y, groups, names = [], [], [], None
    for entry, truth_class, sources, story in truth_targets(args.truth):
        target = article(entry["target"])
        if target is None:
            continue
        sources = [source for source in map(article, sources) if source]
        if not sources:
            continue
        found = [pair_features(source, target, corpus) for source in sources]
        best = {name: max(f[name] for f in found) for name in found[0]}
        best.update(union_features(sources, target, corpus))
        names = names or list(best)
        X.append([best[name] for name in names])
        y.append(truth_class)
        groups.append(story)
    X, y = np.array(X), np.array(y)
    print(f"{len(y)} targets, {len(set(groups))} stories, {len(names)} features: {', '.join(names)}")
    models = {
        "logistic regression C=1": make_pipeline(
            StandardScaler(), LogisticRegression(C=1.0, max_iter=5000, class_weight="balanced")),
        "logistic regression C=0.1": make_pipeline(
            StandardScaler(), LogisticRegression(C=0.1, max_iter=5000, class_weight="balanced")),
        "random forest": RandomForestClassifier(300, min_samples_leaf=3, class_weight="balanced", random_state=0),
        "gradient boosting": GradientBoostingClassifier(max_depth=2, random_state=0),
    }
    union = [i for i, name in enumerate(names) if name.startswith(("union_", "quoted_"))]
    for name, model in models.items():
        for columns, label in ((slice(None), "all features"), (union, "union features only")):
            for folds in (2, 5, 10):
                guess = cross_val_predict(model, X[:, columns], y, groups=groups, cv=GroupKFold(folds))
                per_class = f1_score(y, guess, average=None, labels=CLASSES)
                print(f"{name:26} {label:19} {folds:2}-fold: macro-F1 {f1_score(y, guess, average='macro'):.3f} "
                      f"derived F1 {f1_score(y != 'none', guess != 'none'):.3f} "
                      f"({' / '.join(f'{v:.2f}' for v in per_class)})")
    for name in names:
        medians = {c: np.median(X[y == c, names.index(name)]) for c in CLASSES}
        print(f"median {name:24} " + "  ".join(f"{c} {v:.3f}" for c, v in medians.items()))

if __name__ == "__main__":
    main()
