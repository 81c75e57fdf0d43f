"""Reads for the review pages: the queue with its filters, dashboard figures, outlet statistics.

Every function takes the user, so hidden articles and uploads stay out of non-moderators' sight.
"""

import json
import re
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from provenance.accounts.roles import is_moderator
from provenance.corpus.models import Article, Outlet, Upload
from provenance.review.models import Chain, ChainLink, ChainNode, Decision, Link, Verdict


def articles_for(user) -> QuerySet[Article]:
    return Article.objects.all() if is_moderator(user) else Article.objects.visible()


def _hidden_articles():
    # Hidden articles are few and `hidden` is indexed: excluding this small set is much cheaper
    # than joining every link to its articles to test the flag.
    return Article.objects.filter(hidden=True).values("pk")


def links_for(user) -> QuerySet[Link]:
    """The links a user may see: same rule as Link.objects.visible(), written for speed."""
    if is_moderator(user):
        return Link.objects.all()
    hidden = _hidden_articles()
    return Link.objects.exclude(target__in=hidden).exclude(source_article__in=hidden)


def chains_for(user) -> QuerySet[Chain]:
    """A chain is hidden when any article on it is hidden (same rule as Chain.objects.visible())."""
    if is_moderator(user):
        return Chain.objects.all()
    return Chain.objects.exclude(
        pk__in=ChainNode.objects.filter(article__in=_hidden_articles()).values("chain_id")
    )


# What a queue row shows (review/queue.html): loading only these columns of the link, its articles,
# their outlets and the reviewer halves the cost of the rows' query (fewer columns to compile and read).
QUEUE_ROW_FIELDS = (
    "kind", "score", "reasons", "status", "decided_by", "decided_at", "reason_code", "decision_note", "version", "stale",
    "source_article", "source_outlet", "target",
    "target__title", "target__published_at", "target__outlet", "target__outlet__name",
    "source_article__outlet", "source_article__outlet__name", "source_outlet__name", "decided_by__username",
)


# What pages about links never show of their articles: the file each was read from (often a whole
# web page) and the per-field metadata sources.
LINK_ARTICLE_DEFER = (
    "target__raw_text", "target__field_sources", "source_article__raw_text", "source_article__field_sources",
)


def uploads_for(user) -> QuerySet[Upload]:
    return Upload.objects.visible_to(user)


def chain_prefetch() -> list:
    """A chain's nodes with what pages show of them: outlet names and links, article titles and dates."""
    return [
        Prefetch(
            "nodes",
            queryset=ChainNode.objects.select_related("article__outlet", "outlet").only(
                "chain", "position", "article", "outlet", "outlet__name", "outlet__slug",
                "article__title", "article__path", "article__published_at", "article__hidden",
                "article__outlet", "article__outlet__name", "article__outlet__slug",
            ),
        ),
    ]


# --- Full-text search ------------------------------------------------------------------------

# Full-text search reads corpus_article.search_vector: a stored, GIN-indexed tsvector of title and
# text that review migration 0002 adds on PostgreSQL.


MAX_SEARCH_MATCHES = 200_000  # a query matching more is cut there (ids are held in memory)


def matching_article_ids(query: str) -> str:
    """Ids of the articles whose title or text match a full-text query, as a PostgreSQL array literal.

    Read from the GIN index: the planner prefers a sequential scan for common words because it does
    not count the cost of decompressing every stored tsvector, which makes it several times slower.
    The ids come back and go out again as one text value ('{3,7,12}', cast with `%s::bigint[]`):
    a common word matches thousands of articles, and reading them as rows and sending them back as
    a Python list cost ~1 ms of CPU each time (the queue sends them four times per page).
    """
    query = search_text(query)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "SELECT coalesce(array_agg(id), '{}')::text FROM ("
            "SELECT id FROM corpus_article WHERE search_vector @@ websearch_to_tsquery('english', %s) LIMIT %s"
            ") AS matching",
            [query, MAX_SEARCH_MATCHES],
        )
        ids = cursor.fetchone()[0]
        cursor.execute("SET LOCAL enable_seqscan = on")
    return ids


def search_text(query: str) -> str:
    """A typed search as it can be sent to the database: without control characters (NUL, which
    PostgreSQL text cannot hold, among them)."""
    from provenance.extract.decode import strip_controls

    return strip_controls(query or "").strip()


def article_search(qs: QuerySet[Article], query: str) -> QuerySet[Article]:
    """Full-text search over titles and bodies: PostgreSQL's when there, otherwise every word of the query
    as a whole word, in any case ("RIA" finds "RIA Novosti", not "Syria")."""
    query = search_text(query)
    if not query:
        return qs
    if connection.vendor == "postgresql":
        ids = matching_article_ids(query)
        return qs.extra(
            where=["corpus_article.id IN (SELECT unnest(%s::bigint[]))"], params=[ids]
        )
    for word in query.split():
        word = word.strip("\"'()[]{},;:!?")
        if not word:
            continue
        # Lookarounds rather than \b, so that a word ending in punctuation ("U.S.") still matches.
        # SQLite's REGEXP is Python's `re`, provided by Django's backend.
        pattern = rf"(?<!\w){re.escape(word)}(?!\w)"
        qs = qs.filter(Q(title__iregex=pattern) | Q(text__iregex=pattern))
    return qs


# --- Queue -----------------------------------------------------------------------------------


@dataclass
class QueueFilters:
    q: str = ""
    outlet: str = ""
    kind: str = ""
    status: str = Verdict.PROPOSED
    date_from: object = None
    date_to: object = None
    upload: int | None = None


def queue_links(user, filters: QueueFilters) -> QuerySet[Link]:
    qs = links_for(user).with_related().filter(stale=False)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.outlet:
        qs = qs.filter(
            Q(target__outlet__slug=filters.outlet)
            | Q(source_article__outlet__slug=filters.outlet)
            | Q(source_outlet__slug=filters.outlet)
        )
    if filters.date_from:
        qs = qs.filter(target__published_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(target__published_at__date__lte=filters.date_to)
    if filters.upload:
        qs = qs.filter(Q(target__upload_id=filters.upload) | Q(source_article__upload_id=filters.upload))
    if filters.q:
        qs = _links_matching(qs, user, filters.q)
    return qs.only(*QUEUE_ROW_FIELDS).order_by("-score", "-id")


def _links_matching(qs: QuerySet[Link], user, query: str) -> QuerySet[Link]:
    """Links whose target or source article matches a full-text query."""
    query = query.strip()
    if connection.vendor == "postgresql" and query:
        ids = matching_article_ids(query)
        return qs.extra(
            # IN (unnest) is hashed; "= ANY(array)" would compare every link with every id.
            where=[
                (
                    "(review_link.target_id IN (SELECT unnest(%s::bigint[]))"
                    " OR review_link.source_article_id IN (SELECT unnest(%s::bigint[])))"
                )
            ],
            params=[ids, ids],
        )
    matching = article_search(articles_for(user), query).values("pk")
    return qs.filter(Q(target__in=matching) | Q(source_article__in=matching))


def queue_chains(user, filters: QueueFilters) -> QuerySet[Chain]:
    qs = chains_for(user).filter(stale=False)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(links__kind=filters.kind)
    if filters.outlet:
        qs = qs.filter(Q(nodes__article__outlet__slug=filters.outlet) | Q(nodes__outlet__slug=filters.outlet))
    if filters.date_from:
        qs = qs.filter(final_article__published_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(final_article__published_at__date__lte=filters.date_to)
    if filters.upload:
        qs = qs.filter(nodes__article__upload_id=filters.upload)
    if filters.q:
        if connection.vendor == "postgresql":
            qs = qs.extra(
                where=[
                    (
                        "review_chain.id IN (SELECT chain_id FROM review_chainnode"
                        " WHERE article_id IN (SELECT unnest(%s::bigint[])))"
                    )
                ],
                params=[matching_article_ids(filters.q.strip())],
            )
        else:
            qs = qs.filter(nodes__article__in=article_search(articles_for(user), filters.q).values("pk"))
    # Filters across nodes/links can repeat a chain: keep each once.
    ids = qs.values("pk")
    return (
        Chain.objects.filter(pk__in=ids)
        .select_related("final_article__outlet", "decided_by")
        .prefetch_related(*chain_prefetch())
        .annotate(link_count=Count("chain_links", distinct=True))
        .order_by("-score", "-id")
    )


@dataclass
class QueueCounters:
    links_total: int
    by_kind: list[tuple[str, str, int]]
    chains_total: int
    decided_today: int


COUNTERS_KEY = "review-queue-counters:{version}:{scope}"
COUNTERS_VERSION_KEY = "review-queue-counters-version"
COUNTERS_SECONDS = 5


def queue_counters_changed() -> None:
    """Call after anything that changes what waits for review (decisions, detection, hiding)."""
    try:
        cache.incr(COUNTERS_VERSION_KEY)
    except ValueError:
        cache.set(COUNTERS_VERSION_KEY, 2, timeout=None)


def queue_counters(user) -> QueueCounters:
    """What waits for review. Cached briefly per visibility scope; decisions invalidate it at once."""
    version = cache.get_or_set(COUNTERS_VERSION_KEY, 1, timeout=None)
    # New proposals show at once (the newest link id is an index lookup); decisions bump the version;
    # other changes (hiding, stale links) show within COUNTERS_SECONDS.
    newest = Link.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    scope = "all" if is_moderator(user) else "visible"
    key = COUNTERS_KEY.format(version=f"{version}.{newest}", scope=scope)
    counters = cache.get(key)
    if counters is None:
        counters = _count_queue(user)
        cache.set(key, counters, COUNTERS_SECONDS)
    return counters


def _count_queue(user) -> QueueCounters:
    rows = dict(
        links_for(user).filter(status=Verdict.PROPOSED, stale=False)
        .values_list("kind").annotate(n=Count("id")).order_by()
    )
    by_kind = [(value, label, rows.get(value, 0)) for value, label in Link.Kind.choices]
    chains_total = chains_for(user).filter(status=Verdict.PROPOSED, stale=False).count()
    today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    decided_today = Decision.objects.filter(created_at__gte=today, superseded=False).count()
    return QueueCounters(
        links_total=sum(rows.values()), by_kind=by_kind, chains_total=chains_total, decided_today=decided_today
    )


# --- Dashboard -------------------------------------------------------------------------------


def uploads_in_progress(user) -> QuerySet[Upload]:
    return (
        uploads_for(user)
        .filter(status__in=[Upload.Status.QUEUED, Upload.Status.PROCESSING])
        .select_related("uploader")
        .order_by("created_at")
    )


def uploads_recently_finished(user, *, hours: int = 24) -> QuerySet[Upload]:
    since = timezone.now() - timedelta(hours=hours)
    return (
        uploads_for(user)
        .filter(status__in=[Upload.Status.DONE, Upload.Status.FAILED], finished_at__gte=since)
        .select_related("uploader")
        .order_by("-finished_at")[:5]
    )


def recent_decisions(user, *, limit: int = 8) -> list[Decision]:
    qs = Decision.objects.filter(superseded=False).select_related(
        "reviewer", "link__target__outlet", "link__source_article__outlet", "link__source_outlet",
        "chain__final_article__outlet",
    )
    if not is_moderator(user):
        qs = qs.exclude(link__target__hidden=True).exclude(link__source_article__hidden=True)
        qs = qs.exclude(chain__final_article__hidden=True)
    return list(qs.order_by("-created_at", "-id")[:limit])


def chains_confirmed_since(user, *, days: int = 7) -> QuerySet[Chain]:
    since = timezone.now() - timedelta(days=days)
    return (
        chains_for(user)
        .filter(status=Verdict.CONFIRMED, decided_at__gte=since)
        .select_related("final_article__outlet", "decided_by")
        .prefetch_related(*chain_prefetch())
        .order_by("-decided_at")
    )


# --- Outlets ---------------------------------------------------------------------------------


@dataclass
class OutletPair:
    source: Outlet | None
    target: Outlet | None
    confirmed: int
    proposed: int

    @property
    def total(self) -> int:
        return self.confirmed + self.proposed


def _pair_rows(qs: QuerySet[Link]) -> list[dict]:
    return list(
        qs.exclude(status=Verdict.REJECTED)
        .filter(stale=False)
        .annotate(src=Coalesce(F("source_article__outlet_id"), F("source_outlet_id")), dst=F("target__outlet_id"))
        .values("src", "dst")
        .annotate(
            confirmed=Count("id", filter=Q(status=Verdict.CONFIRMED)),
            proposed=Count("id", filter=~Q(status=Verdict.CONFIRMED)),
        )
        .order_by()
    )


def _pairs(rows: list[dict]) -> list[OutletPair]:
    ids = {row["src"] for row in rows} | {row["dst"] for row in rows}
    outlets = Outlet.objects.in_bulk([i for i in ids if i])
    pairs = [
        OutletPair(outlets.get(row["src"]), outlets.get(row["dst"]), row["confirmed"], row["proposed"])
        for row in rows
    ]
    return sorted(pairs, key=lambda p: (-p.confirmed, -p.total, str(p.source), str(p.target)))


def outlet_pairs(user, *, limit: int = 8) -> list[OutletPair]:
    """Who republishes whom, across the corpus: the most frequent outlet pairs."""
    pairs = [p for p in _pairs(_pair_rows(links_for(user))) if p.source != p.target]
    return pairs[:limit]


@dataclass
class OutletRelations:
    sources: list[OutletPair]  # whom this outlet republishes
    republishers: list[OutletPair]  # who republishes this outlet


def outlet_relations(user, outlet: Outlet) -> OutletRelations:
    links = links_for(user)
    sources = _pairs(_pair_rows(links.filter(target__outlet=outlet)))
    republishers = _pairs(
        _pair_rows(links.filter(Q(source_article__outlet=outlet) | Q(source_outlet=outlet)))
    )
    return OutletRelations(sources=sources, republishers=republishers)


def outlets_with_counts(user) -> QuerySet[Outlet]:
    visible = Q(articles__hidden=False) if not is_moderator(user) else Q()
    return Outlet.objects.annotate(article_count=Count("articles", filter=visible, distinct=True)).order_by(
        "-article_count", "name"
    )


def outlet_search(qs: QuerySet[Outlet], query: str) -> QuerySet[Outlet]:
    """Outlets whose name, one of whose aliases or one of whose domains contains the query (any case)."""
    query = search_text(query)
    if not query:
        return qs
    match = Q(name__icontains=query) | Q(aliases__icontains=query) | Q(domains__icontains=query)
    if connection.vendor == "sqlite" and not query.isascii():
        # SQLite keeps JSON as text with non-ASCII characters escaped (\u0420...): look for that spelling too.
        escaped = json.dumps(query)[1:-1]
        match |= Q(aliases__icontains=escaped) | Q(domains__icontains=escaped)
    return qs.filter(match)


# --- Articles --------------------------------------------------------------------------------


def article_links(user, article: Article) -> tuple[list[Link], list[Link]]:
    """The links into this article (its sources) and out of it (its republishers), strongest first.

    One query for both; the articles' texts stay behind (the page marks passages by their offsets).
    """
    links = (
        links_for(user).with_related()
        .filter(Q(target=article) | Q(source_article=article))
        .defer("target__text", "source_article__text", *LINK_ARTICLE_DEFER)
        .order_by("-score")
    )
    incoming, outgoing = [], []
    for link in links:
        (incoming if link.target_id == article.pk else outgoing).append(link)
    return incoming, outgoing


def article_chains(user, article: Article) -> QuerySet[Chain]:
    ids = ChainNode.objects.filter(article=article).values("chain_id")
    return (
        chains_for(user).filter(pk__in=ids).prefetch_related(*chain_prefetch())
        .select_related("final_article__outlet").order_by("-score")
    )


def chain_links(user, chain: Chain, *, related_limit: int = 10) -> tuple[list[Link], list[Link]]:
    """The chain's links in chain order, and the related ones: up to `related_limit` visible links that
    touch its articles without being part of it (a later republisher, a sibling copy), strongest first.

    The chain's link ids, then one query for all these links with their articles and outlets.
    """
    positions = dict(ChainLink.objects.filter(chain=chain).order_by().values_list("link_id", "position"))
    article_ids = [node.article_id for node in chain.ordered_nodes() if node.article_id]
    related = (
        links_for(user).filter(Q(target_id__in=article_ids) | Q(source_article_id__in=article_ids))
        .exclude(pk__in=positions).filter(stale=False).order_by("-score").values("pk")[:related_limit]
    )
    rows = list(
        Link.objects.with_related().defer(*LINK_ARTICLE_DEFER)
        .filter(Q(pk__in=list(positions)) | Q(pk__in=related)).order_by("-score")
    )
    links = sorted((link for link in rows if link.pk in positions), key=lambda link: positions[link.pk])
    if not is_moderator(user):
        # Link.objects.visible()'s rule, on the rows at hand (the related ones were chosen among visible links).
        links = [link for link in links
                 if not link.target.hidden and not (link.source_article_id and link.source_article.hidden)]
    return links, [link for link in rows if link.pk not in positions]


def sibling_copies(user, chain: Chain, *, limit: int = 3) -> list[Article]:
    """Final articles of other chains that start at the same origin: copies of a common source.

    Their shared passages tell a reviewer whether the copies took the same words from the origin.
    """
    nodes = chain.ordered_nodes()
    if not nodes:
        return []
    origin = nodes[0]
    origin_key = f"a{origin.article_id}" if origin.article_id else f"o{origin.outlet_id}"
    own = {node.article_id for node in nodes if node.article_id}
    others = (
        chains_for(user).filter(key__startswith=origin_key + ">").exclude(pk=chain.pk)
        .exclude(final_article_id__in=own).exclude(status=Verdict.REJECTED)
        .select_related("final_article__outlet")
        .only("final_article", "final_article__title", "final_article__text", "final_article__content_hash",
              "final_article__updated_at", "final_article__outlet", "final_article__outlet__name",
              "final_article__outlet__slug")
        .order_by("-score")
    )
    seen: dict[int, Article] = {}
    for other in others[: limit * 3]:
        seen.setdefault(other.final_article_id, other.final_article)
    return list(seen.values())[:limit]


@dataclass(frozen=True)
class VerdictEntry:
    """One verdict in a link's or chain's history: a reviewer's decision or a moderator's overturn."""

    verdict: str
    verdict_label: str
    by: str
    created_at: object
    reason_label: str = ""
    note: str = ""
    superseded: bool = False
    # "moderator" (an overturn) or "carried over" (from an earlier link or chain, by detection)
    origin: str = ""


# Actions that set a verdict without a reviewer's Decision row: moderators' overturns
# (review/moderation.py) and confirmations carried over by detection (review/detection.py).
VERDICT_ACTIONS = {
    "link.overturn": "moderator", "link.bulk_confirm": "moderator", "link.bulk_reject": "moderator",
    "chain.overturn": "moderator", "link.carry_over": "carried over", "chain.carry_over": "carried over",
}


def verdict_history(obj: Link | Chain) -> list[VerdictEntry]:
    """Every verdict given on a link or chain, newest first: reviewers' decisions (superseded ones
    marked), moderators' overturns and carried-over confirmations, which the audit trail records."""
    from provenance.review.audit import audit_history
    from provenance.review.models import ReasonCode

    subject = {"link": obj} if isinstance(obj, Link) else {"chain": obj}
    labels = dict(Verdict.choices)
    entries = [
        VerdictEntry(
            verdict=d.verdict, verdict_label=d.get_verdict_display(), by=str(d.reviewer), created_at=d.created_at,
            reason_label=d.get_reason_code_display() if d.reason_code else "", note=d.note, superseded=d.superseded,
        )
        for d in Decision.objects.filter(**subject).select_related("reviewer")
    ]
    for event in audit_history(obj).filter(action__in=VERDICT_ACTIONS):
        status, origin = (event.after or {}).get("status", ""), VERDICT_ACTIONS[event.action]
        entries.append(VerdictEntry(
            verdict=status, verdict_label=labels.get(status, status), by=str(event.actor or "detection"),
            created_at=event.created_at, note=event.reason, origin=origin,
            # A moderator's verdict is stored with the reason code "other" (review/moderation.py).
            reason_label=ReasonCode.OTHER.label if origin == "moderator" else "",
        ))
    entries.sort(key=lambda entry: entry.created_at, reverse=True)
    return entries


def successors(user, obj: Link | Chain) -> list:
    """What detection proposes now in place of a stale link or chain: current links into the same
    article from the same outlet (its article, or the outlet alone), or current chains ending at the
    same article."""
    if not obj.stale:
        return []
    if isinstance(obj, Chain):
        return list(chains_for(user).filter(final_article_id=obj.final_article_id, stale=False).exclude(pk=obj.pk))
    outlet_id = obj.source_article.outlet_id if obj.source_article_id else obj.source_outlet_id
    if outlet_id is None:
        return []
    return list(
        links_for(user).filter(target_id=obj.target_id, stale=False).exclude(pk=obj.pk)
        .filter(Q(source_article__outlet_id=outlet_id) | Q(source_outlet_id=outlet_id))
        .select_related("source_article__outlet", "source_outlet", "target__outlet")
    )


def outlet_chains(user, outlet: Outlet, *, limit: int = 30) -> list[Chain]:
    """Current chains with the outlet on them (credited, or through one of its articles), strongest first."""
    on_chain = ChainNode.objects.filter(Q(outlet=outlet) | Q(article__outlet=outlet)).values("chain_id")
    return list(
        chains_for(user).filter(id__in=on_chain, stale=False).prefetch_related(*chain_prefetch())
        .order_by("-score", "-id")[:limit]
    )
