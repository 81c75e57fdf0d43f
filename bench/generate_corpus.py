"""Generate a realistic synthetic news corpus with planted provenance, seeded and of any size.

Each story starts with an origin article from a wire agency or state outlet. Then, at random:
- republications: the whole text, lightly edited (a new headline, a changed number, the credit line
  dropped or added: "Source: X", "The original source of this article is X", "(X) —"),
- partial copies: a few of the origin's sentences inside new material, often with "according to X",
- copies of copies (edits are inherited down the chain),
- independent retellings of the same story in different words (no copying: must not be linked),
- credits to outlets not in the corpus ("X reported").
Outlets are those of provenance/corpus/data/outlets.json, so credits resolve.

    uv run python bench/generate_corpus.py OUT_DIR --articles 1000 [--seed 7]

writes OUT_DIR/*.txt, OUT_DIR/manifest.csv and OUT_DIR/truth.json (METER-like: links/unlinked).
`generate(n, seed)` returns the same articles as plain dicts, for benchmarks that insert directly.
"""

import argparse
import csv
import json
import random
from datetime import datetime, timedelta
from pathlib import Path

WIRES = ["Reuters", "AFP", "AP", "TASS", "RIA Novosti", "Xinhua", "Press Association", "IRNA", "SANA"]
OUTLETS = ["RT", "Sputnik", "Global Research", "The Levant News", "Press TV", "Fars News Agency", "Al-Alam",
           "CGTN", "Global Times", "The Sun", "Daily Mirror", "Daily Mail", "The Guardian", "The Times",
           "Al Jazeera", "BBC"]
FIRST = ["Anna", "Dmitry", "Omar", "Li", "Sarah", "Hassan", "Maria", "John", "Elena", "Karim", "Wei", "Paul",
         "Fatima", "Igor", "Laura", "Samir", "Chen", "Olga", "David", "Amir"]
LAST = ["Petrov", "Haddad", "Zhang", "Smith", "Karimi", "Ivanova", "Rossi", "Nasser", "Brown", "Lindqvist",
        "Moreau", "Okafor", "Tanaka", "Kovalenko", "Rahman", "Silva", "Fischer", "Novak", "Abbasi", "Walsh"]
PLACES = ["Aleppo", "Homs", "Latakia", "Damascus", "Idlib", "Palmyra", "Kiev", "Donetsk", "Tehran", "Beirut",
          "Baghdad", "Mosul", "Tripoli", "Benghazi", "Sanaa", "Aden", "Kabul", "Herat", "Minsk", "Tbilisi",
          "Caracas", "Havana", "Manila", "Jakarta", "Lagos", "Nairobi", "Khartoum", "Mogadishu", "Belgrade"]
ROLES = ["military spokesman", "foreign minister", "regional governor", "army commander", "senior official",
         "defence analyst", "police chief", "opposition leader", "health minister", "local resident"]
SUBJECTS = ["militants", "government forces", "rebel fighters", "security forces", "aid convoys", "protesters",
            "refugees", "officials", "investigators", "engineers", "border guards", "medical teams"]
VERBS = ["advanced towards", "withdrew from", "seized control of", "came under fire near", "were evacuated from",
         "surrounded", "reached", "left", "arrived in", "regrouped outside", "launched an assault on"]
DETAILS = [
    "after several days of heavy fighting", "despite calls for a ceasefire", "according to local reports",
    "as the humanitarian situation worsened", "amid growing international pressure",
    "following a series of overnight air strikes", "before talks were due to resume",
    "while negotiations continued behind closed doors", "as winter temperatures fell sharply",
    "in what observers described as a turning point", "after a week of relative calm",
]
THINGS = ["the main road", "the airport", "the power plant", "the old town", "the northern district",
          "the border crossing", "the military base", "the hospital", "the oil refinery", "the river bridge"]
OPINION = [
    "Critics argue the move will only deepen the crisis.", "Analysts expect further escalation in the coming weeks.",
    "Residents say they have been left without electricity for days.", "The claims could not be independently verified.",
    "Western governments have yet to comment on the reports.", "Observers warn that the truce remains fragile.",
    "The situation on the ground remains unclear.", "Aid agencies have appealed for safe access to civilians.",
]


_FUNCTION = ["the", "of", "and", "to", "in", "a", "that", "on", "for", "with", "as", "by", "at", "from",
             "was", "were", "had", "has", "said", "after", "which", "their", "its", "more", "than", "about"]
_SYLLABLES = ["ka", "to", "ri", "men", "sa", "lo", "ver", "dan", "mi", "pol", "ter", "in", "gra", "bel", "su",
              "con", "de", "ra", "vi", "no", "tre", "ma", "li", "gen", "ob", "ste", "ar", "cu", "fe", "pro"]


class _Vocabulary:
    """Pseudo-English: 30,000 invented content words with Zipf frequencies, plus real function words,
    so unrelated articles share common words but almost never a run of five."""

    def __init__(self, seed: int):
        rng = random.Random(seed * 7919 + 1)
        words = set()
        while len(words) < 30000:
            words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
        self.words = sorted(words)
        rng.shuffle(self.words)
        self.weights = [1 / (rank + 1) ** 1.05 for rank in range(len(self.words))]
        self.cumulative = []
        total = 0.0
        for weight in self.weights:
            total += weight
            self.cumulative.append(total)

    def sample(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=k)


_VOCABULARIES: dict[int, _Vocabulary] = {}


def _sentence(rng: random.Random, place: str, vocabulary: "_Vocabulary | None" = None) -> str:
    if vocabulary is None:
        if 0 not in _VOCABULARIES:
            _VOCABULARIES[0] = _Vocabulary(0)
        vocabulary = _VOCABULARIES[0]
    content = vocabulary.sample(rng, rng.randint(9, 18))
    words = []
    for word in content:
        words.append(word)
        if rng.random() < 0.45:
            words.append(rng.choice(_FUNCTION))
    kind = rng.random()
    if kind < 0.25:
        words.insert(rng.randrange(len(words)), f"{rng.randint(2, 900)}")
        words.insert(rng.randrange(len(words)), place)
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."
    if kind < 0.5:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        return "\u201c" + words[0].capitalize() + " " + " ".join(words[1:]) + f",\u201d {rng.choice(ROLES)} {name} said."
    return words[0].capitalize() + " " + " ".join(words[1:]) + f" in {rng.choice(PLACES)}."


def _story_sentences(rng: random.Random, place: str, n: int) -> list[str]:
    return [_sentence(rng, place) for _ in range(n)]


def _edit(rng: random.Random, sentences: list[str]) -> list[str]:
    """Edits a copy makes (and a copy of the copy inherits): a changed number, a dropped sentence, a comment."""
    out = list(sentences)
    if len(out) > 4 and rng.random() < 0.6:
        out.pop(rng.randrange(1, len(out)))
    i = rng.randrange(len(out))
    words = out[i].split()
    numbers = [j for j, w in enumerate(words) if w.isdigit()]
    if numbers:
        j = rng.choice(numbers)
        words[j] = str(int(words[j]) + rng.randint(1, 40))
        out[i] = " ".join(words)
    if rng.random() < 0.5:
        out.insert(rng.randrange(len(out) + 1), rng.choice(OPINION))
    return out


def generate(n: int, seed: int = 7, start: datetime = datetime(2015, 10, 1, 8, 0)) -> list[dict]:
    """n articles as dicts: path, outlet, published_at, title, text, and the planted truth (source path, kind)."""
    rng = random.Random(seed)
    articles: list[dict] = []
    story = 0
    while len(articles) < n:
        story += 1
        place = rng.choice(PLACES)
        origin_outlet = rng.choice(WIRES)
        when = start + timedelta(hours=rng.randint(0, 24 * 700))
        sentences = _story_sentences(rng, place, rng.randint(6, 14))
        title = f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(VERBS)} {rng.choice(THINGS)} in {place}"
        origin = {
            "path": f"s{story:06d}/{origin_outlet.lower().replace(' ', '-')}-0.txt",
            "outlet": origin_outlet, "published_at": when, "title": title,
            "text": f"{place.upper()} ({origin_outlet}) \u2014 " + " ".join(sentences), "source": None, "kind": None,
        }
        articles.append(origin)
        members = [(origin, sentences, origin_outlet)]
        for k in range(rng.choice([0, 1, 1, 2, 2, 3, 4])):
            if len(articles) >= n:
                break
            parent, parent_sentences, parent_outlet = rng.choice(members)
            outlet = rng.choice([o for o in OUTLETS if o != parent_outlet])
            published = parent["published_at"] + timedelta(hours=rng.randint(2, 72))
            roll = rng.random()
            path = f"s{story:06d}/{outlet.lower().replace(' ', '-')}-{k + 1}.txt"
            if roll < 0.45:  # republication, with edits and a credit line
                copied = _edit(rng, parent_sentences)
                credit = rng.choice([f"\n\nSource: {parent_outlet}", f"\n\nThe original source of this article is {parent_outlet}", ""])
                text = " ".join(copied) + credit
                kind = "republication"
            elif roll < 0.8:  # partial copy inside new material
                taken = rng.sample(parent_sentences, k=min(len(parent_sentences), rng.randint(2, 4)))
                own = _story_sentences(rng, place, rng.randint(4, 8))
                mixed = own[:2] + [s.rstrip(".") + f", according to {parent_outlet}." if i == 0 else s for i, s in enumerate(taken)] + own[2:]
                text = " ".join(mixed)
                copied = mixed
                kind = "partial"
            else:  # the same story told independently, with a credit to an outlet outside the corpus
                copied = _story_sentences(rng, place, rng.randint(5, 9))
                text = " ".join(copied) + f" {rng.choice(WIRES)} reported."
                kind = None
            article = {
                "path": path, "outlet": outlet, "published_at": published,
                "title": f"{title}: {rng.choice(['report', 'update', 'latest', 'analysis'])}",
                "text": text, "source": parent["path"] if kind else None, "kind": kind,
            }
            articles.append(article)
            if kind == "republication":
                members.append((article, copied, outlet))
    return articles[:n]


def write(articles: list[dict], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "manifest.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path", "url", "outlet", "published_at", "title"])
        for article in articles:
            path = folder / article["path"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"{article['title']}\n\n{article['text']}\n", "utf-8")
            writer.writerow([article["path"], "", article["outlet"], article["published_at"].isoformat(timespec="minutes"),
                             article["title"]])
    truth = {
        "name": "synthetic corpus",
        "links": [{"target": a["path"], "source_any_of": [a["source"]], "kind": a["kind"]} for a in articles if a["source"]],
        "unlinked": [],
    }
    (folder / "truth.json").write_text(json.dumps(truth, indent=1), "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    articles = generate(args.articles, args.seed)
    write(articles, Path(args.out_dir))
    print(f"wrote {len(articles)} articles to {args.out_dir}")


if __name__ == "__main__":
    main()
