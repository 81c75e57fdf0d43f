"""Detection glue: load articles, run the plain engine in provenance.detect, store what it found.

Incremental: detecting an article recomputes the links into it and into every article it shares
text with (their candidate sources may have changed), then the chains of the connected group.
Reviewers' decisions survive: a decided link or chain is never deleted or re-statused (it is marked
stale when detection no longer finds it), and a rejected one is never proposed again.
"""

from collections import defaultdict
from dataclasses import asdict, dataclass, field

import numpy as np
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from provenance.corpus.models import Article, Credit
from provenance.corpus.outlets import outlet_directory
from provenance.detect.align import align
from provenance.detect.chains import Edge, build_chains
from provenance.detect.credits import REPUBLISHED_FROM, SOURCE, find_credits, mark_inherited
from provenance.detect.fingerprints import SHINGLE, TOPIC_BAND_BASE, Fingerprint, fingerprint
from provenance.detect.links import (
    ATTRIBUTION,
    DEFAULT_THRESHOLDS,
    ArticleData,
    PairResult,
    Thresholds,
    choose_sources,
    compare,
    pair_evidence,
    text_reasons,
)
from provenance.detect.text import tokenize
from provenance.review.fingerprint_index import (
    index_common_in_outlet,
    index_shared_rows,
    index_shared_rows_many,
    index_store,
)
from provenance.review.models import Chain, ChainLink, ChainNode, Link, Verdict

MAX_CANDIDATES = 25
MIN_SHARED_ROWS = 1
MAX_WEAK_CANDIDATES = 5
MIN_SHARED_TOPICS = 4
MAX_GROUP = 3000
# An article needs one shared topic pair with a candidate per SHORT_TEXT_TOPICS of its own (up to
# MIN_SHARED_TOPICS): short texts (news briefs) have too few pairs to share four. Chosen on METER.
SHORT_TEXT_TOPICS = 15


def _topic_count(rows: list[tuple[int, int]]) -> int:
    return sum(1 for band, _ in rows if band >= TOPIC_BAND_BASE)


@dataclass
class DetectionReport:
    """What one detection run changed (ids of links and chains)."""

    articles: list[int] = field(default_factory=list)
    credits_found: int = 0
    links_created: list[int] = field(default_factory=list)
    links_updated: list[int] = field(default_factory=list)
    links_removed: list[int] = field(default_factory=list)
    links_stale: list[int] = field(default_factory=list)
    chains_created: list[int] = field(default_factory=list)
    chains_removed: list[int] = field(default_factory=list)
    chains_stale: list[int] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.links_created or self.links_updated or self.links_removed or self.links_stale
            or self.chains_created or self.chains_removed or self.chains_stale
        )

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Proposal:
    source_article_id: int | None
    source_outlet_id: int | None
    target_id: int
    kind: str
    score: float
    reasons: list[str]
    evidence: dict

    @property
    def key(self) -> tuple:
        if self.source_article_id:
            return ("a", self.source_article_id, self.target_id)
        return ("o", self.source_outlet_id, self.target_id)


class _Run:
    """One detection run: caches of articles, fingerprints and aligned pairs."""

    def __init__(self, thresholds: Thresholds):
        self.thresholds = thresholds
        self.directory = outlet_directory()
        self.articles: dict[int, ArticleData] = {}
        self._prints: dict[int, Fingerprint] = {}
        self.boilerplate: dict[int, np.ndarray] = {}
        self.pairs: dict[tuple[int, int], PairResult] = {}
        self.candidate_cache: dict[int, list[int]] = {}

    def load(self, ids) -> None:
        missing = [i for i in set(ids) if i not in self.articles]
        if not missing:
            return
        rows = (
            Article.objects.visible()
            .filter(id__in=missing)
            .select_related("outlet")
            .only("id", "text", "published_at", "date_uncertainty_hours", "outlet__id", "outlet__name", "outlet__kind")
        )
        for row in rows:
            tokens = tokenize(row.text)
            outlet = row.outlet
            data = ArticleData(
                id=row.id,
                text=row.text,
                outlet_id=outlet.id if outlet else None,
                outlet_name=outlet.name if outlet else "",
                outlet_kind=outlet.kind if outlet else "",
                published_at=row.published_at,
                date_uncertainty_hours=row.date_uncertainty_hours,
                tokens=tokens,
            )
            data.credits = find_credits(row.text, self.directory, own_outlet_id=data.outlet_id)
            self.articles[row.id] = data

    def print_of(self, article_id: int) -> Fingerprint:
        """The article's fingerprint, computed when first needed."""
        if article_id not in self._prints:
            self._prints[article_id] = fingerprint(self.articles[article_id].tokens)
        return self._prints[article_id]

    def candidates(self, article_id: int) -> list[int]:
        """Articles sharing LSH bands or passage anchors with this one, through the (band, value) index."""
        if article_id not in self.candidate_cache:
            self.candidate_cache[article_id] = self._candidates(article_id)
        return self.candidate_cache[article_id]

    def prefetch_candidates(self, article_ids: list[int]) -> None:
        """Candidates of many articles with one round trip (PostgreSQL); same result as one by one."""
        todo = [i for i in article_ids if i in self.articles and i not in self.candidate_cache]
        if connection.vendor != "postgresql" or len(todo) < 2:
            return
        shared = index_shared_rows_many({i: self.print_of(i).rows() for i in todo})
        for article_id in todo:
            self.candidate_cache[article_id] = self._rank(
                shared.get(article_id, []), _topic_count(self.print_of(article_id).rows())
            )

    def _candidates(self, article_id: int) -> list[int]:
        rows = self.print_of(article_id).rows()
        if not rows:
            return []
        return self._rank(index_shared_rows(article_id, rows), _topic_count(rows))

    @staticmethod
    def _rank(shared: list[tuple[int, int, int]], own_topics: int = 0) -> list[int]:
        found: dict[int, float] = defaultdict(float)
        topics: dict[int, int] = defaultdict(int)
        rarest: dict[int, int] = {}
        topic_rarest: dict[int, int] = {}
        for other, band, sharing in shared:
            if band >= TOPIC_BAND_BASE:
                topics[other] += 1
                topic_rarest[other] = min(topic_rarest.get(other, sharing), sharing)
            else:
                found[other] += 1
                rarest[other] = min(rarest.get(other, sharing), sharing)
        # A shared passage anchor (or LSH band) makes a candidate; so do many shared topic word pairs.
        # A short text (a news brief) has too few topic pairs to share four: it needs fewer (one per
        # SHORT_TEXT_TOPICS of its own), and below four shared pairs the candidate is a weak one,
        # ranked with the others by rarity.
        min_topics = max(1, min(MIN_SHARED_TOPICS, own_topics // SHORT_TEXT_TOPICS))
        for other, n in topics.items():
            if n >= min_topics:
                found[other] += n / MIN_SHARED_TOPICS
                if other not in rarest:
                    rarest[other] = topic_rarest[other]
        strong = sorted(((n, other) for other, n in found.items() if n > 1), reverse=True)
        # One shared anchor alone is weak (a stock phrase can give it): keep the few rarest.
        least = min(MIN_SHARED_ROWS, min_topics / MIN_SHARED_TOPICS)
        weak = sorted((rarest.get(other, 0), other) for other, n in found.items() if least <= n <= 1)
        ranked = [other for _, other in strong[:MAX_CANDIDATES]]
        ranked += [other for _, other in weak[: max(0, min(MAX_WEAK_CANDIDATES, MAX_CANDIDATES - len(ranked)))]]
        return ranked

    def boilerplate_mask(self, article_id: int) -> np.ndarray:
        """Words of the article covered by anchors that many articles of its outlet share."""
        if article_id not in self.boilerplate:
            self.find_boilerplate([article_id])
        return self.boilerplate[article_id]

    def find_boilerplate(self, article_ids) -> None:
        """Boilerplate masks for many articles at once: one grouped lookup per outlet (and 400 anchors)."""
        todo = [i for i in article_ids if i in self.articles and i not in self.boilerplate]
        # Only anchors two of these articles share can sit in a passage they share.
        seen: dict[int, int] = defaultdict(int)
        for i in todo:
            for anchor in {a.value for a in self.print_of(i).anchors}:
                seen[anchor] += 1
        by_outlet: dict[int, set[tuple[int, int]]] = defaultdict(set)
        for i in todo:
            article = self.articles[i]
            if article.outlet_id:
                by_outlet[article.outlet_id].update(
                    (a.band, a.value) for a in self.print_of(i).anchors if seen[a.value] > 1
                )
        common: set[int] = set()
        for outlet_id, rows in by_outlet.items():
            common |= index_common_in_outlet(outlet_id, sorted(rows))
        for i in todo:
            mask = np.zeros(len(self.articles[i].tokens), dtype=bool)
            if common and self.articles[i].outlet_id:
                for anchor in self.print_of(i).anchors:
                    if anchor.value in common:
                        mask[anchor.position : anchor.position + SHINGLE] = True
            self.boilerplate[i] = mask

    def pair(self, x_id: int, y_id: int) -> PairResult:
        key = (min(x_id, y_id), max(x_id, y_id))
        if key not in self.pairs:
            a, b = self.articles[key[0]], self.articles[key[1]]
            alignment = align(
                a.tokens, b.tokens, a_ignore=self.boilerplate_mask(a.id), b_ignore=self.boilerplate_mask(b.id)
            )
            self.pairs[key] = compare(a, b, alignment, self.thresholds)
        return self.pairs[key]

    def relate(self, x: ArticleData, y: ArticleData) -> PairResult:
        return self.pair(x.id, y.id)


def _attribution_proposals(target: ArticleData, text_sources: list[PairResult], directory) -> list[_Proposal]:
    """Links from credited outlets: a credit without shared text, or a source outlet not in the corpus."""
    text_outlets = {p.source.outlet_id for p in text_sources if p.source.outlet_id}
    proposals: dict[int, _Proposal] = {}
    republished = [c for c in target.credits if c.role == REPUBLISHED_FROM]
    via = republished[0].outlet_id if republished else None
    for credit in target.credits:
        if credit.role not in (REPUBLISHED_FROM, SOURCE) or credit.outlet_id in text_outlets:
            continue
        if credit.outlet_id == target.outlet_id:
            continue
        name = directory.get(credit.outlet_id).name if directory.get(credit.outlet_id) else credit.name
        evidence_credit = {
            "outlet_id": credit.outlet_id, "name": credit.name, "cue": credit.cue, "role": credit.role,
            "start": credit.start, "end": credit.end, "sentence": credit.sentence, "inherited": credit.inherited,
        }
        if credit.role == REPUBLISHED_FROM:
            role, via_id, score = REPUBLISHED_FROM, None, 0.8
            reason = f"credits {name} as original source (\u201c{credit.cue}\u201d)"
        elif credit.inherited and via and credit.outlet_id != via:
            if text_sources:
                continue  # the credit sits in copied text: it belongs to the source article's chain
            via_name = directory.get(via).name if directory.get(via) else ""
            role, via_id, score = SOURCE, via, 0.6
            reason = f"{via_name}'s text, republished here, credits {name} (\u201c{credit.cue}\u201d)"
        elif credit.inherited:
            continue
        else:
            role, via_id, score = SOURCE, None, 0.6
            reason = f"credits {name} as a source (\u201c{credit.cue}\u201d)"
        existing = proposals.get(credit.outlet_id)
        if existing is not None:
            existing.evidence["credits"].append(evidence_credit)
            if reason not in existing.reasons:
                existing.reasons.append(reason)
            if role == REPUBLISHED_FROM and existing.evidence["role"] != REPUBLISHED_FROM:
                existing.evidence.update(role=role, via_outlet_id=None)
                existing.score = score
            continue
        proposals[credit.outlet_id] = _Proposal(
            source_article_id=None,
            source_outlet_id=credit.outlet_id,
            target_id=target.id,
            kind=ATTRIBUTION,
            score=score,
            reasons=[reason, f"no article of {name} in the corpus was found to be this text's source"],
            evidence={"credits": [evidence_credit], "passages": [], "role": role, "via_outlet_id": via_id},
        )
    return list(proposals.values())


def _text_proposal(pair: PairResult) -> _Proposal:
    evidence = pair_evidence(pair, source_text=pair.source.text, target_text=pair.target.text)
    evidence["role"] = None
    evidence["via_outlet_id"] = None
    return _Proposal(
        source_article_id=pair.source.id,
        source_outlet_id=None,
        target_id=pair.target.id,
        kind=pair.kind,
        score=pair.score,
        reasons=text_reasons(pair),
        evidence=evidence,
    )


def _store_links(targets: set[int], proposals: list[_Proposal], report: DetectionReport) -> None:
    wanted = {p.key: p for p in proposals}
    existing = {}
    for link in Link.objects.filter(target_id__in=targets):
        key = ("a", link.source_article_id, link.target_id) if link.source_article_id else ("o", link.source_outlet_id, link.target_id)
        existing[key] = link
    in_decided_chain = set(
        ChainLink.objects.filter(link__target_id__in=targets)
        .exclude(chain__status=Verdict.PROPOSED)
        .values_list("link_id", flat=True)
    )
    to_create, to_update, to_stale, to_delete = [], [], [], []
    for key, proposal in wanted.items():
        link = existing.get(key)
        if link is None:
            to_create.append(
                Link(
                    source_article_id=proposal.source_article_id,
                    source_outlet_id=proposal.source_outlet_id,
                    target_id=proposal.target_id,
                    kind=proposal.kind,
                    score=proposal.score,
                    reasons=proposal.reasons,
                    evidence=proposal.evidence,
                )
            )
        elif link.status == Verdict.PROPOSED:
            changed = (
                link.kind != proposal.kind or abs(link.score - proposal.score) > 1e-9
                or link.reasons != proposal.reasons or link.stale
            )
            link.kind, link.score, link.reasons, link.evidence, link.stale = (
                proposal.kind, proposal.score, proposal.reasons, proposal.evidence, False
            )
            to_update.append(link)
            if changed:
                report.links_updated.append(link.id)
        elif link.stale:
            # A decided link found again: it is current again, its decision untouched.
            link.stale = False
            to_stale.append(link)
            report.links_updated.append(link.id)
    for key, link in existing.items():
        if key in wanted:
            continue
        if link.status == Verdict.PROPOSED and link.id not in in_decided_chain:
            to_delete.append(link.id)
        elif not link.stale:
            link.stale = True
            to_stale.append(link)
            report.links_stale.append(link.id)
    if to_delete:
        Link.objects.filter(id__in=to_delete).delete()
        report.links_removed.extend(to_delete)
    if to_update:
        Link.objects.bulk_update(to_update, ["kind", "score", "reasons", "evidence", "stale", "updated_at"])
    if to_stale:
        Link.objects.bulk_update(to_stale, ["stale"])
    if to_create:
        created = Link.objects.bulk_create(to_create)
        report.links_created.extend(link.id for link in created)
        _carry_over_link_confirmations(created)


def _carry_over_link_confirmations(created: list[Link]) -> None:
    """A confirmed link from an outlet that had no article in the corpus (a credit) goes stale once that
    outlet's article arrives and detection links the article itself. The reviewer confirmed who copied
    whom; the new link says the same with the source article named, so it takes over the confirmation
    (a system event in the audit trail names both links). Rejections are not carried: new evidence may
    answer the reason a reviewer rejected the credit, so the new link is proposed for review."""
    by_article = [link for link in created if link.source_article_id]
    if not by_article:
        return
    outlet_of = dict(
        Article.objects.filter(id__in={link.source_article_id for link in by_article}).values_list("id", "outlet_id")
    )
    confirmed = {
        (link.source_outlet_id, link.target_id): link
        for link in Link.objects.filter(
            target_id__in={link.target_id for link in by_article}, source_article__isnull=True,
            status=Verdict.CONFIRMED, stale=True,
        )
    }
    for link in by_article:
        earlier = confirmed.get((outlet_of.get(link.source_article_id), link.target_id))
        if earlier is not None:
            _carry_over(earlier, link, f"Carried over from link #{earlier.pk}, confirmed before the source "
                                       "article was in the corpus.")


def _carry_over(earlier: Link | Chain, current: Link | Chain, note: str) -> None:
    """`current` takes `earlier`'s confirmation, by the same reviewer; a system event records it."""
    from provenance.review.audit import audit_record

    kind = "link" if isinstance(current, Link) else "chain"
    current.status, current.decided_by_id, current.decided_at = Verdict.CONFIRMED, earlier.decided_by_id, timezone.now()
    current.reason_code, current.decision_note = earlier.reason_code, note
    current.save(update_fields=["status", "decided_by", "decided_at", "reason_code", "decision_note"])
    audit_record(actor=None, action=f"{kind}.carry_over", obj=current, before={"status": Verdict.PROPOSED},
                 after={"status": Verdict.CONFIRMED, f"from_{kind}": earlier.pk}, reason=note)


def _store_credits(articles: list[ArticleData]) -> int:
    ids = [a.id for a in articles]
    Credit.objects.filter(article_id__in=ids).delete()
    rows = [
        Credit(
            article_id=article.id,
            outlet_id=c.outlet_id,
            name=c.name[:300],
            cue=c.cue[:200],
            role=c.role,
            start=c.start,
            end=c.end,
            sentence=c.sentence,
            inherited=c.inherited,
        )
        for article in articles
        for c in {(c.start, c.end, c.role): c for c in article.credits}.values()
    ]
    Credit.objects.bulk_create(rows)
    return len(rows)


def _store_fingerprints(run: _Run, ids: list[int]) -> None:
    index_store({i: run.print_of(i).rows() for i in ids})


def _group(seed: set[int]) -> tuple[set[int], list[Link]]:
    """The articles connected to `seed` through usable links, and those links."""
    group = set(seed)
    frontier = set(seed)
    links: dict[int, Link] = {}
    usable = Link.objects.visible().exclude(status=Verdict.REJECTED).filter(stale=False)
    while frontier and len(group) < MAX_GROUP:
        batch = list(
            usable.filter(Q(target_id__in=frontier) | Q(source_article_id__in=frontier)).only(
                "id", "source_article_id", "source_outlet_id", "target_id", "score", "status", "evidence"
            )
        )
        frontier = set()
        for link in batch:
            links[link.id] = link
            for node in (link.target_id, link.source_article_id):
                if node and node not in group:
                    group.add(node)
                    frontier.add(node)
    return group, list(links.values())


def _store_chains(seed: set[int], report: DetectionReport) -> None:
    group, links = _group(seed)
    incoming: dict[int, list[Edge]] = defaultdict(list)
    for link in links:
        incoming[link.target_id].append(
            Edge(
                link_id=link.id,
                target_id=link.target_id,
                score=link.score,
                source_article_id=link.source_article_id,
                source_outlet_id=link.source_outlet_id,
                status=link.status,
                role=(link.evidence or {}).get("role"),
                via_outlet_id=(link.evidence or {}).get("via_outlet_id"),
            )
        )
    for article_id in group:
        incoming.setdefault(article_id, [])
    paths = {path.key: path for path in build_chains(incoming)}
    existing = {
        chain.key: chain
        for chain in Chain.objects.filter(
            Q(final_article_id__in=group) | Q(nodes__article_id__in=group)
        ).distinct()
    }
    to_delete, stale, unstale = [], [], []
    for key, chain in existing.items():
        if key in paths:
            if chain.stale:
                chain.stale = False
                unstale.append(chain)
            if chain.status == Verdict.PROPOSED and abs(chain.score - paths[key].score) > 1e-9:
                chain.score = paths[key].score
                unstale.append(chain)
            continue
        if chain.status == Verdict.PROPOSED and not chain.locked:
            to_delete.append(chain.id)
        elif not chain.stale:
            chain.stale = True
            stale.append(chain)
    if to_delete:
        Chain.objects.filter(id__in=to_delete).delete()
        report.chains_removed.extend(to_delete)
    if stale:
        Chain.objects.bulk_update(stale, ["stale"])
        report.chains_stale.extend(c.id for c in stale)
    if unstale:
        Chain.objects.bulk_update(list({c.id: c for c in unstale}.values()), ["stale", "score"])
    new_paths = [path for key, path in paths.items() if key not in existing]
    if not new_paths:
        return
    # Rejected chains keep their key, so a path a reviewer rejected is never proposed again.
    chains = Chain.objects.bulk_create(
        [Chain(key=p.key[:500], final_article_id=p.nodes[-1][1], score=p.score) for p in new_paths]
    )
    if any(c.id is None for c in chains):
        by_key = dict(Chain.objects.filter(key__in=[p.key[:500] for p in new_paths]).values_list("key", "id"))
        for chain in chains:
            chain.id = by_key[chain.key]
    nodes, chain_links = [], []
    for chain, path in zip(chains, new_paths):
        for position, (kind, node_id) in enumerate(path.nodes):
            nodes.append(
                ChainNode(
                    chain_id=chain.id,
                    position=position,
                    article_id=node_id if kind == "a" else None,
                    outlet_id=node_id if kind == "o" else None,
                )
            )
        for position, link_id in enumerate(path.link_ids):
            chain_links.append(ChainLink(chain_id=chain.id, link_id=link_id, position=position))
    ChainNode.objects.bulk_create(nodes)
    ChainLink.objects.bulk_create(chain_links)
    report.chains_created.extend(chain.id for chain in chains)
    _carry_over_chain_confirmations(chains)


def _outlet_path(chain: Chain) -> tuple:
    return tuple(node.outlet_id if node.outlet_id else node.article.outlet_id for node in chain.ordered_nodes())


def _carry_over_chain_confirmations(created: list[Chain]) -> None:
    """A new chain that retraces a confirmed, now stale chain of the same final article outlet by outlet
    (an outlet known only from a credit now has its article in the corpus) takes over its confirmation:
    the reviewer confirmed that order of outlets for that article. Its links keep their own statuses
    (see _carry_over_link_confirmations)."""

    finals = {chain.final_article_id for chain in created}
    earlier = list(
        Chain.objects.filter(final_article_id__in=finals, status=Verdict.CONFIRMED, stale=True)
        .prefetch_related("nodes__article")
    )
    if not earlier:
        return
    paths = {(chain.final_article_id, _outlet_path(chain)): chain for chain in earlier}
    for chain in Chain.objects.filter(id__in=[c.id for c in created]).prefetch_related("nodes__article"):
        match = paths.get((chain.final_article_id, _outlet_path(chain)))
        if match is not None:
            _carry_over(match, chain, f"Carried over from chain #{match.pk}, which it retraces outlet by outlet.")


def rebuild_chains(article_ids) -> DetectionReport:
    """Recompute the chains around these articles from the links as they stand (after a decision):
    a proposed chain that leans on a rejected link goes, a decided one is kept and marked stale, and
    the paths that remain are proposed."""
    report = DetectionReport(articles=sorted(article_ids))
    with transaction.atomic():
        _store_chains(set(article_ids), report)
    return report


def detect_articles(article_ids, *, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> DetectionReport:
    """Detect credits, text reuse, links and chains for these articles and everything they touch."""
    ids = sorted({int(i) for i in article_ids})
    report = DetectionReport(articles=ids)
    if not ids:
        return report
    run = _Run(thresholds)
    run.load(ids)
    present = [i for i in ids if i in run.articles]
    with transaction.atomic():
        _store_fingerprints(run, present)
        run.prefetch_candidates(present)
        found = {article_id: run.candidates(article_id) for article_id in present}
        run.load({other for others in found.values() for other in others})
        run.find_boilerplate(run.articles)
        # A candidate's own links change only if a new article may be its source: only those
        # candidates are recomputed as targets (the others just serve as candidate sources).
        affected: set[int] = set(present)
        found_by: dict[int, set[int]] = defaultdict(set)
        for article_id, others in found.items():
            for other in others:
                if other in run.articles and other not in present:
                    pair = run.pair(article_id, other)
                    if pair.kind and pair.target.id == other:
                        affected.add(other)
                        found_by[other].add(article_id)
        # Articles linked to these ones before: their links may have to go.
        affected.update(
            Link.objects.filter(source_article_id__in=ids).values_list("target_id", flat=True)
        )
        affected.update(
            i for i in Link.objects.filter(target_id__in=ids).values_list("source_article_id", flat=True) if i
        )
        run.load(affected)
        targets = {i for i in affected if i in run.articles}
        # An article the new ones touch keeps its other candidates: its current text sources (its
        # links) plus the new articles that may be its source.
        for target_id in targets - set(present):
            for article_id in present:
                if target_id in found.get(article_id, ()):
                    found_by[target_id].add(article_id)
        linked: dict[int, set[int]] = defaultdict(set)
        for target_id, source_id in Link.objects.filter(
            target_id__in=targets - set(present), source_article_id__isnull=False
        ).values_list("target_id", "source_article_id"):
            linked[target_id].add(source_id)
        candidates_of = {
            target_id: (
                run.candidates(target_id) if target_id in present
                else sorted(found_by[target_id] | linked[target_id])
            )
            for target_id in targets
        }
        run.load({i for ids_ in candidates_of.values() for i in ids_})
        run.find_boilerplate(run.articles)
        proposals: list[_Proposal] = []
        for target_id in sorted(targets):
            target = run.articles[target_id]
            pairs = [run.pair(target_id, other) for other in candidates_of[target_id] if other in run.articles]
            kept, _siblings = choose_sources(target, pairs, run.relate, thresholds)
            copied = [p.b_span for pair in kept for p in pair.alignment.passages]
            target.credits = mark_inherited(target.credits, copied)
            proposals.extend(_text_proposal(pair) for pair in kept)
            proposals.extend(_attribution_proposals(target, kept, run.directory))
        # Hidden targets keep nothing proposed.
        hidden = set(ids) - set(present)
        report.credits_found = _store_credits([run.articles[i] for i in sorted(targets)])
        _store_links(targets | hidden, proposals, report)
        _store_chains(targets | hidden, report)
        Article.objects.filter(id__in=present).update(detected_at=timezone.now())
    return report


def detect_all(*, batch_size: int = 500, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> DetectionReport:
    """Detect every visible article, in batches (fingerprints first, so candidates see the whole corpus)."""
    ids = list(Article.objects.visible().order_by("id").values_list("id", flat=True))
    total = DetectionReport(articles=ids)
    # Fingerprint everything first: a pair is found whichever of its two articles is detected first.
    run = _Run(thresholds)
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        run.load(chunk)
        with transaction.atomic():
            _store_fingerprints(run, [i for i in chunk if i in run.articles])
        for i in chunk:
            run.articles.pop(i, None)
            run._prints.pop(i, None)
    for start in range(0, len(ids), batch_size):
        report = detect_articles(ids[start : start + batch_size], thresholds=thresholds)
        total.credits_found += report.credits_found
        for name in ("links_created", "links_updated", "links_removed", "links_stale",
                     "chains_created", "chains_removed", "chains_stale"):
            getattr(total, name).extend(getattr(report, name))
    return total
