"""Links: who copied whom. Direction, kind, score and reasons for each candidate pair, and the
choice among several candidate sources of one article (siblings are not each other's source).
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from rapidfuzz import fuzz, process

from provenance.detect.align import Alignment
from provenance.detect.credits import MENTION, PHOTO_CREDIT, REPUBLISHED_FROM, SOURCE, Credit
from provenance.detect.text import Tokens

REPUBLICATION = "republication"
PARTIAL = "partial"
ATTRIBUTION = "attribution"

STOPWORDS = frozenset(
    "the a an and or of to in on at for with by from is was were be been are it its he she his her "
    "they them their this that as but not have has had said says i you we me my our your who which "
    "what when will would there than so if into about after before over up out no".split()
)


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds. The defaults were chosen on METER showbiz (see docs/benchmarks.md)."""

    # Text evidence: one passage of min_tile_words, or shorter passages (of the aligner's minimum)
    # covering at least partial_shared of the target.
    partial_shared: float = 0.08  # share of the target's words in passages shared with the source
    partial_words: float = 0.38  # share of the target's content words that occur in the source
    republication_words: float = 0.65
    republication_shared: float = 0.30
    min_tile_words: int = 9  # without one shared passage this long, there is no text link
    # A candidate that copied another candidate is a sibling unless the target holds this much of
    # its text that the other lacks (edits the target inherited from it).
    sibling_unexplained: float = 0.2
    sibling_min_words: int = 20
    # A partial copy needs this much evidence of direction (dates beyond their uncertainty, a credit,
    # wire copy, clear containment asymmetry): two same-day copies of one story are siblings, not links.
    partial_min_direction: float = 0.75
    # Paraphrase: share of the target's sentences with a near match (rapidfuzz token-set ratio over
    # content words >= sentence_ratio) in some sentence of the source. A target sharing no passage of
    # min_tile_words is still a partial copy of a wire agency's story published before it (within
    # paraphrase_window_hours when both dates are known) when this share and its content-word
    # containment are both high: newspapers rewrite wire copy. Two non-wire retellings of one story
    # are not linked on paraphrase alone. Nearly every sentence matching makes a republication.
    sentence_ratio: float = 60.0
    paraphrase_sentences: float = 0.4
    paraphrase_words: float = 0.4
    republication_sentences: float = 0.9
    paraphrase_window_hours: float = 72.0


DEFAULT_THRESHOLDS = Thresholds()


@dataclass
class ArticleData:
    """What the engine knows of one article."""

    id: int
    text: str
    outlet_id: int | None = None
    outlet_name: str = ""
    outlet_kind: str = ""
    published_at: datetime | None = None
    date_uncertainty_hours: float | None = None
    credits: list[Credit] = field(default_factory=list)
    tokens: Tokens | None = None
    _sentences: list[str] | None = field(default=None, repr=False, compare=False)

    @property
    def sentences(self) -> list[str]:
        """The content words of each sentence of at least four content words (for paraphrase matching)."""
        if self._sentences is None:
            self._sentences = content_sentences(self.text)
        return self._sentences


_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"\w+")


def content_sentences(text: str) -> list[str]:
    out = []
    for sentence in _SENTENCE_BREAK.split(text):
        words = [w for w in _WORD.findall(sentence.casefold()) if w not in STOPWORDS]
        if len(words) >= 4:
            out.append(" ".join(words))
    return out


def sentence_match(target: ArticleData, source: ArticleData, ratio: float) -> float:
    """Share of the target's sentences with a near match (token-set ratio >= ratio) in the source."""
    ts, ss = target.sentences, source.sentences
    if not ts or not ss:
        return 0.0
    best = process.cdist(ts, ss, scorer=fuzz.token_set_ratio, score_cutoff=ratio, workers=1).max(axis=1)
    return float((best >= ratio).mean())


@dataclass
class PairResult:
    """A candidate pair read in its most likely direction."""

    source: ArticleData
    target: ArticleData
    alignment: Alignment  # a = source, b = target
    direction_score: float  # > 0: confident in source → target
    direction_reasons: list[str]
    word_containment: float  # share of the target's content words found in the source
    kind: str | None = None
    score: float = 0.0
    _sentence_share: dict = field(default_factory=dict, repr=False)

    @property
    def target_shared(self) -> float:
        return self.alignment.b_in_a

    def sentence_share(self, ratio: float) -> float:
        """Share of the target's sentences with a near match in the source (computed when first asked)."""
        if ratio not in self._sentence_share:
            self._sentence_share[ratio] = sentence_match(self.target, self.source, ratio)
        return self._sentence_share[ratio]


def _content_containment(target: Tokens, source: Tokens) -> float:
    source_words = {w for w in source.words if w not in STOPWORDS}
    target_words = [w for w in target.words if w not in STOPWORDS]
    if not target_words:
        return 0.0
    return sum(w in source_words for w in target_words) / len(target_words)


def _credit_direction(x: ArticleData, y: ArticleData) -> tuple[float, list[str]]:
    """Positive when y credits x's outlet (x is the source), negative when x credits y's."""
    score, reasons = 0.0, []
    for source, target, sign in ((x, y, 1), (y, x, -1)):
        if source.outlet_id is None:
            continue
        roles = {c.role for c in target.credits if c.outlet_id == source.outlet_id}
        if REPUBLISHED_FROM in roles:
            score += 3 * sign
            reasons.append((sign, f"credits {source.outlet_name} as original source"))
        elif SOURCE in roles:
            score += 2 * sign
            reasons.append((sign, f"credits {source.outlet_name} as a source"))
    return score, reasons


def _days(hours: float) -> str:
    if hours < 36:
        return f"{round(hours)} hour{'s' if round(hours) != 1 else ''}" if hours < 20 else "1 day"
    return f"{round(hours / 24)} days"


def direction(x: ArticleData, y: ArticleData, alignment: Alignment) -> tuple[float, list[tuple[int, str]]]:
    """Evidence that x → y (positive) or y → x (negative), with reasons signed the same way.

    Reasons are written from the point of view of the later (target) article.
    """
    score, reasons = _credit_direction(x, y)
    if x.published_at and y.published_at:
        gap = (y.published_at - x.published_at).total_seconds() / 3600
        slack = (x.date_uncertainty_hours or 0) + (y.date_uncertainty_hours or 0)
        sign = 1 if gap > 0 else -1
        if abs(gap) >= slack and gap != 0:
            score += 2.5 * sign
            reasons.append((sign, f"published {_days(abs(gap))} after"))
        elif gap != 0:
            score += 1.0 * sign
            reasons.append((sign, f"published {_days(abs(gap))} after (within the dates' uncertainty)"))
    wire = {"wire"}
    if x.outlet_kind in wire and y.outlet_kind not in wire:
        score += 0.75
        reasons.append((1, f"the source is a wire agency ({x.outlet_name})"))
    elif y.outlet_kind in wire and x.outlet_kind not in wire:
        score -= 0.75
        reasons.append((-1, f"the source is a wire agency ({y.outlet_name})"))
    # Containment asymmetry: the copy lies mostly inside the source, which has more of the story.
    asymmetry = alignment.b_in_a - alignment.a_in_b
    if abs(asymmetry) >= 0.03:
        sign = 1 if asymmetry > 0 else -1
        score += sign * min(1.0, abs(asymmetry) * 4)
        reasons.append((sign, "the source holds more of the shared story than the copy"))
    elif alignment.b_len != alignment.a_len:
        sign = 1 if alignment.a_len > alignment.b_len else -1
        score += 0.1 * sign
        reasons.append((sign, "the source is the longer, more complete text"))
    return score, reasons


def _wire_before(source: ArticleData, target: ArticleData, window_hours: float) -> bool:
    """The source is a wire agency's article published before the target, within the window if dated."""
    if source.outlet_kind != "wire" or target.outlet_kind == "wire":
        return False
    if source.published_at and target.published_at:
        gap = (target.published_at - source.published_at).total_seconds() / 3600
        return 0 <= gap <= window_hours
    return True


def classify(pair: PairResult, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> tuple[str | None, float]:
    shared = pair.alignment.b_in_a
    words = pair.word_containment
    longest = pair.alignment.longest
    credited = any(c.outlet_id == pair.source.outlet_id and c.role in (REPUBLISHED_FROM, SOURCE)
                   for c in pair.target.credits) if pair.source.outlet_id else False
    directed = pair.direction_score >= thresholds.partial_min_direction
    wire_before = _wire_before(pair.source, pair.target, thresholds.paraphrase_window_hours)
    # Paraphrase evidence is only read when the words and the direction could make a link of it.
    sentences = 0.0
    if directed and words >= min(thresholds.paraphrase_words, thresholds.republication_words):
        sentences = pair.sentence_share(thresholds.sentence_ratio)
    paraphrase = (
        directed and wire_before
        and words >= thresholds.paraphrase_words
        and sentences >= thresholds.paraphrase_sentences
    )
    if longest < thresholds.min_tile_words and shared < thresholds.partial_shared and not credited and not paraphrase:
        return None, 0.0
    if words >= thresholds.republication_words and (
        shared >= thresholds.republication_shared or (directed and sentences >= thresholds.republication_sentences)
    ):
        kind = REPUBLICATION
    elif (words >= thresholds.partial_words and directed) or paraphrase:
        kind = PARTIAL
    elif credited and shared > 0:
        kind = PARTIAL
    else:
        return None, 0.0
    evidence = max(shared / 0.6, sentences * 0.8)
    score = 0.35 + 0.4 * min(1.0, evidence) + 0.15 * min(1.0, words) + (0.1 if credited else 0.0)
    return kind, round(min(1.0, score), 3)


def compare(
    x: ArticleData, y: ArticleData, alignment: Alignment, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> PairResult:
    """The pair in its likely direction (alignment is x=a, y=b), classified."""
    score, signed = direction(x, y, alignment)
    if score < 0 or (score == 0 and x.id > y.id):
        x, y, alignment, score = y, x, alignment.swapped(), -score
        signed = [(-sign, text) for sign, text in signed]
    reasons = [text for sign, text in signed if sign > 0]
    pair = PairResult(
        source=x,
        target=y,
        alignment=alignment,
        direction_score=score,
        direction_reasons=reasons,
        word_containment=_content_containment(y.tokens, x.tokens),
    )
    pair.kind, pair.score = classify(pair, thresholds)
    return pair


def choose_sources(
    target: ArticleData,
    pairs: list[PairResult],
    relate: Callable[[ArticleData, ArticleData], PairResult],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> tuple[list[PairResult], list[tuple[PairResult, PairResult]]]:
    """The text sources of `target` worth proposing, and the pairs dropped as siblings.

    Two copies of one source share its text: when what the target shares with a candidate X is
    already shared with another candidate S that X itself copied, X is a sibling, not a source —
    unless the target also carries text only X has (edits it inherited from X), or credits X's outlet
    and not S's: then X is the source it names, and S, whose text reached the target through X, is
    dropped instead.
    """
    into = [p for p in pairs if p.target.id == target.id]
    found = [p for p in into if p.kind]
    found.sort(key=lambda p: (-p.target_shared, p.source.id))
    credited = {c.outlet_id for c in target.credits if c.role in (REPUBLISHED_FROM, SOURCE) and c.outlet_id}

    def upstream_explaining(pair: PairResult, others: list[PairResult]) -> PairResult | None:
        """A candidate upstream of `pair`'s source that already explains what the target shares with it."""
        shared_here = pair.alignment.b_covered
        for other in others:
            if other is pair or not other.alignment.shared_words:
                continue
            between = relate(other.source, pair.source)
            if between.source.id != other.source.id or not between.kind:
                continue  # `other` is not upstream of this candidate
            explained = shared_here & other.alignment.b_covered
            unexplained = int(shared_here.sum() - explained.sum())
            if unexplained < max(thresholds.sibling_min_words, thresholds.sibling_unexplained * shared_here.sum()):
                return other
        return None

    kept: list[PairResult] = []
    dropped: list[tuple[PairResult, PairResult]] = []
    for pair in found:
        sibling_of = upstream_explaining(pair, into)
        if sibling_of is not None and pair.source.outlet_id in credited and sibling_of.source.outlet_id not in credited:
            sibling_of = None  # the target names this outlet: its article is the source, not a sibling
        if sibling_of is None:
            kept.append(pair)
        else:
            dropped.append((pair, sibling_of))
    named = [p for p in kept if p.source.outlet_id in credited]
    for pair in [p for p in kept if p.source.outlet_id not in credited]:
        # Upstream of a credited source, and reaching the target only through it.
        through = [n for n in named if upstream_explaining(n, [pair]) is pair]
        if through and not _own_text(pair, through[0], thresholds):
            kept.remove(pair)
            dropped.append((pair, through[0]))
    return kept, dropped


def _own_text(pair: PairResult, other: PairResult, thresholds: Thresholds) -> bool:
    """Whether the target shares text with `pair`'s source that it does not share with `other`'s."""
    shared_here = pair.alignment.b_covered
    unexplained = int(shared_here.sum() - (shared_here & other.alignment.b_covered).sum())
    return unexplained >= max(thresholds.sibling_min_words, thresholds.sibling_unexplained * shared_here.sum())


def text_reasons(pair: PairResult) -> list[str]:
    reasons = list(pair.direction_reasons)
    reasons.append(f"{round(100 * pair.alignment.b_in_a)}% of its text appears in the source")
    if pair.alignment.passages:
        reasons.append(
            f"{len(pair.alignment.passages)} shared passage{'s' if len(pair.alignment.passages) != 1 else ''},"
            f" the longest {pair.alignment.longest} words"
        )
    return reasons


def pair_evidence(pair: PairResult, *, source_text: str, target_text: str) -> dict:
    """JSON evidence for a text link: passages with offsets in both texts, containment, direction."""
    passages = []
    for p in pair.alignment.passages:
        item = p.as_dict()
        item["source_text"] = source_text[p.a_span[0] : p.a_span[1]][:2000]
        item["target_text"] = target_text[p.b_span[0] : p.b_span[1]][:2000]
        passages.append(item)
    dates = {}
    for side, article in (("source", pair.source), ("target", pair.target)):
        dates[side] = article.published_at.isoformat() if article.published_at else None
        dates[f"{side}_uncertainty_hours"] = article.date_uncertainty_hours
    credits = [
        {"outlet_id": c.outlet_id, "name": c.name, "cue": c.cue, "role": c.role, "start": c.start,
         "end": c.end, "sentence": c.sentence}
        for c in pair.target.credits
        if c.outlet_id == pair.source.outlet_id and c.role not in (MENTION, PHOTO_CREDIT)
    ]
    return {
        "credits": credits,
        "passages": passages,
        "dates": dates,
        "containment": {
            "target_in_source": round(pair.alignment.b_in_a, 4),
            "source_in_target": round(pair.alignment.a_in_b, 4),
            "target_words_in_source": round(pair.word_containment, 4),
            "shared_words": pair.alignment.shared_words,
        },
        "direction": {"score": round(pair.direction_score, 3), "reasons": pair.direction_reasons},
    }
