"""Agreement between reviewers: Cohen's kappa over links decided by two different reviewers.

For each link, the first two reviewers to decide it are the two raters (each reviewer's latest
verdict counts, so a reviewer who changed their mind is rated on the final call). Verdict categories
are confirmed, rejected and needs_evidence.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from provenance.review.models import Decision, Verdict

CATEGORIES = (Verdict.CONFIRMED.value, Verdict.REJECTED.value, Verdict.NEEDS_EVIDENCE.value)


@dataclass(frozen=True)
class Agreement:
    """Cohen's kappa with what it was computed from."""

    links: int
    agreed: int
    observed: float | None
    expected: float | None
    kappa: float | None

    @property
    def enough(self) -> bool:
        return self.kappa is not None

    @property
    def label(self) -> str:
        """Landis & Koch's words for a kappa value."""
        if self.kappa is None:
            return "not enough data"
        if self.kappa < 0:
            return "poor"
        for bound, words in ((0.2, "slight"), (0.4, "fair"), (0.6, "moderate"), (0.8, "substantial")):
            if self.kappa <= bound:
                return words
        return "almost perfect"


def cohen_kappa(pairs: Iterable[tuple[str, str]]) -> Agreement:
    """Kappa of (first rater, second rater) verdict pairs: (p_o - p_e) / (1 - p_e)."""
    pairs = [(a, b) for a, b in pairs if a in CATEGORIES and b in CATEGORIES]
    n = len(pairs)
    if n == 0:
        return Agreement(links=0, agreed=0, observed=None, expected=None, kappa=None)
    agreed = sum(1 for a, b in pairs if a == b)
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    observed = agreed / n
    expected = sum(first[c] * second[c] for c in CATEGORIES) / (n * n)
    if expected == 1.0:
        # Both raters used one and the same category throughout: agreement is perfect but kappa's
        # chance correction is 0/0; report it as perfect rather than undefined.
        kappa = 1.0
    else:
        kappa = (observed - expected) / (1 - expected)
    return Agreement(links=n, agreed=agreed, observed=observed, expected=expected, kappa=kappa)


def reviewer_pairs(decisions: Iterable[tuple[int, int, str]]) -> list[tuple[str, str]]:
    """(first reviewer's verdict, second reviewer's verdict) per link, from (link, reviewer, verdict) in time order."""
    by_link: dict[int, dict[int, str]] = {}
    for link_id, reviewer_id, verdict in decisions:
        if verdict not in CATEGORIES:
            continue
        reviewers = by_link.setdefault(link_id, {})
        # dicts keep first-insertion order: the first two reviewers stay first; the latest verdict wins.
        reviewers[reviewer_id] = verdict
    pairs = []
    for reviewers in by_link.values():
        verdicts = list(reviewers.values())
        if len(verdicts) >= 2:
            pairs.append((verdicts[0], verdicts[1]))
    return pairs


def reviewer_agreement(links=None) -> Agreement:
    """Kappa over every link two different reviewers decided (or over the given link queryset)."""
    decisions = Decision.objects.filter(link__isnull=False, verdict__in=CATEGORIES)
    if links is not None:
        decisions = decisions.filter(link__in=links)
    rows = decisions.order_by("created_at", "id").values_list("link_id", "reviewer_id", "verdict")
    return cohen_kappa(reviewer_pairs(rows.iterator()))
