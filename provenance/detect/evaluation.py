"""Scoring detection against a truth file, on the export data (articles, links, chains).

Two truth formats:
- METER-like: {"links": [{"target", "source_any_of", "kind"}], "unlinked": [{"target", "not_from"}]}.
  For each target the predicted class is the kind of the best link (highest score) whose source is
  one of its truth sources (none without one); a link from a `not_from` source is a false positive.
- chains: {"outlets": {name: [aliases]}, "chains": [[outlet name or file path, ...]], "no_chain": [paths]}.
"""

from dataclasses import dataclass, field

from provenance.detect.outlets import normalise_name

CLASSES = ("republication", "partial", "none")


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


@dataclass
class LinkScores:
    targets: int = 0
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0
    macro_f1: float = 0.0
    per_class_f1: dict = field(default_factory=dict)
    confusion: dict = field(default_factory=dict)
    direction_pairs: int = 0
    direction_correct: int = 0
    sibling_links: int = 0
    false_sources: int = 0
    missing_paths: list = field(default_factory=list)

    @property
    def direction_accuracy(self) -> float:
        return self.direction_correct / self.direction_pairs if self.direction_pairs else 1.0

    def lines(self) -> list[str]:
        per_class = ", ".join(f"{k} {v:.3f}" for k, v in self.per_class_f1.items())
        return [
            f"targets scored: {self.targets}",
            f"derived-vs-not: precision {self.precision:.3f}, recall {self.recall:.3f}, F1 {self.f1:.3f}",
            f"3-way macro-F1 (republication/partial/none): {self.macro_f1:.3f} ({per_class})",
            f"direction accuracy: {self.direction_accuracy:.3f} ({self.direction_correct}/{self.direction_pairs})",
            f"links drawn between siblings: {self.sibling_links}",
            f"links from a source the truth excludes: {self.false_sources}",
            "confusion (truth -> predicted): "
            + "; ".join(f"{t}->{p}: {n}" for (t, p), n in sorted(self.confusion.items())),
        ]


def truth_problem(truth) -> str:
    """What is wrong with a truth file's structure ("" when nothing): the scorers below trust it."""
    if not isinstance(truth, dict) or not ({"links", "unlinked", "chains"} & set(truth)):
        return "expected 'links'/'unlinked' (METER) or 'chains' (samples)"
    shapes = {"links": ("target", "source_any_of"), "unlinked": ("target", "not_from")}
    for key, (target, sources) in shapes.items():
        entries = truth.get(key, [])
        if not isinstance(entries, list):
            return f"'{key}' must be a list"
        for number, entry in enumerate(entries, start=1):
            if (not isinstance(entry, dict) or not isinstance(entry.get(target), str)
                    or not isinstance(entry.get(sources), list)
                    or not all(isinstance(path, str) for path in entry[sources])):
                return f"'{key}' entry {number} needs '{target}' (a path) and '{sources}' (a list of paths)"
            if key == "links" and entry.get("kind") not in CLASSES[:2]:
                return f"'links' entry {number} has kind {entry.get('kind')!r}: expected republication or partial"
    chains = truth.get("chains", [])
    if not isinstance(chains, list) or not all(
        isinstance(chain, list) and chain and all(isinstance(node, str) for node in chain) for chain in chains
    ):
        return "'chains' must be a list of chains, each a list of outlet names or file paths"
    if not isinstance(truth.get("outlets", {}), dict) or not isinstance(truth.get("no_chain", []), list):
        return "'outlets' must map names to aliases and 'no_chain' must be a list of paths"
    return ""


def score_links(truth: dict, articles: list[dict], links: list[dict], path_aliases: dict | None = None) -> LinkScores:
    """`path_aliases` maps the paths of files ingested as duplicates to the article they duplicate."""
    scores = LinkScores()
    by_path = {**(path_aliases or {}), **{a["path"]: a["id"] for a in articles}}
    usable = [l for l in links if l.get("status") != "rejected" and l["source"].get("article")]
    into: dict[int, list[dict]] = {}
    for link in usable:
        into.setdefault(link["target"]["article"], []).append(link)

    def ids(paths):
        found = set()
        for path in paths:
            if path in by_path:
                found.add(by_path[path])
            else:
                scores.missing_paths.append(path)
        return found

    def predicted(target_id: int, sources: set[int]) -> str:
        best = max(
            (l for l in into.get(target_id, []) if l["source"]["article"] in sources),
            key=lambda l: l["score"],
            default=None,
        )
        if best is None:
            return "none"
        return best["kind"] if best["kind"] in CLASSES else "partial"

    pairs = []  # (truth class, predicted class)
    for item in truth.get("links", []):
        target = by_path.get(item["target"])
        if target is None:
            scores.missing_paths.append(item["target"])
            continue
        sources = ids(item["source_any_of"])
        pairs.append((item["kind"], predicted(target, sources)))
        # Direction: among links between the target and its true sources, the right way round?
        between = [
            l for l in usable
            if (l["target"]["article"] == target and l["source"]["article"] in sources)
            or (l["source"]["article"] == target and l["target"]["article"] in sources)
        ]
        if between:
            scores.direction_pairs += 1
            if all(l["target"]["article"] == target for l in between):
                scores.direction_correct += 1
    for item in truth.get("unlinked", []):
        target = by_path.get(item["target"])
        if target is None:
            scores.missing_paths.append(item["target"])
            continue
        excluded = ids(item["not_from"])
        guess = predicted(target, excluded)
        if guess != "none":
            scores.false_sources += 1
        pairs.append(("none", guess))
    scores.targets = len(pairs)
    for truth_class, guess in pairs:
        scores.confusion[(truth_class, guess)] = scores.confusion.get((truth_class, guess), 0) + 1
    tp = sum(1 for t, p in pairs if t != "none" and p != "none")
    fp = sum(1 for t, p in pairs if t == "none" and p != "none")
    fn = sum(1 for t, p in pairs if t != "none" and p == "none")
    scores.precision, scores.recall, scores.f1 = _f1(tp, fp, fn)
    for cls in CLASSES:
        ctp = sum(1 for t, p in pairs if t == cls and p == cls)
        cfp = sum(1 for t, p in pairs if t != cls and p == cls)
        cfn = sum(1 for t, p in pairs if t == cls and p != cls)
        scores.per_class_f1[cls] = round(_f1(ctp, cfp, cfn)[2], 4)
    scores.macro_f1 = sum(scores.per_class_f1.values()) / len(CLASSES)
    # Siblings: two targets of one common source linked to each other.
    sources_of: dict[int, set[int]] = {}
    for item in truth.get("links", []):
        target = by_path.get(item["target"])
        if target is not None:
            sources_of.setdefault(target, set()).update(ids(item["source_any_of"]))
    for link in usable:
        a, b = link["source"]["article"], link["target"]["article"]
        if a in sources_of and b in sources_of and sources_of[a] & sources_of[b]:
            scores.sibling_links += 1
    return scores


@dataclass
class ChainScores:
    expected: int = 0
    found: list = field(default_factory=list)
    missed: list = field(default_factory=list)
    spurious: list = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"chains expected: {self.expected}, found: {len(self.found)}, missed: {len(self.missed)}, "
               f"spurious: {len(self.spurious)}"]
        out += [f"  found: {' → '.join(c)}" for c in self.found]
        out += [f"  missed: {' → '.join(c)}" for c in self.missed]
        out += [f"  spurious: {' → '.join(c)}" for c in self.spurious]
        return out


def score_chains(truth: dict, articles: list[dict], chains: list[dict]) -> ChainScores:
    aliases: dict[str, str] = {}
    for name, names in truth.get("outlets", {}).items():
        for alias in [name, *names]:
            aliases[normalise_name(alias)] = name
    by_id = {a["id"]: a for a in articles}

    def canonical(outlet_name: str | None) -> str | None:
        if not outlet_name:
            return None
        return aliases.get(normalise_name(outlet_name), outlet_name)

    def label(node: dict) -> str:
        if node.get("article") is not None:
            return by_id.get(node["article"], {}).get("path") or f"article {node['article']}"
        return canonical(node.get("outlet")) or "?"

    found_chains = [[label(n) for n in chain["nodes"]] for chain in chains if chain.get("status") != "rejected"]
    expected = [[canonical(x) if normalise_name(x) in aliases else x for x in chain] for chain in truth.get("chains", [])]
    scores = ChainScores(expected=len(expected))
    remaining = list(found_chains)
    for chain in expected:
        if chain in remaining:
            remaining.remove(chain)
            scores.found.append(chain)
        else:
            scores.missed.append(chain)
    scores.spurious = remaining
    return scores
