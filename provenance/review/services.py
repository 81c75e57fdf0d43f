"""Review writes: decisions on links and chains, annotations, and reviewers' corrections of articles.

Every function is keyword-only and records an audit event. Decisions use optimistic locking: the
caller says which version of the link it saw, and the write is a conditional UPDATE on that version,
so of two reviewers deciding at once exactly one wins and the other gets DecisionConflict.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from provenance.accounts.roles import is_moderator, is_reviewer
from provenance.corpus.models import Article, FieldSource, Outlet
from provenance.review.audit import audit_record
from provenance.review.models import Annotation, Chain, Decision, Link, ReasonCode, Verdict
from provenance.review.selectors import queue_counters_changed

logger = logging.getLogger(__name__)

DECIDABLE = (Verdict.CONFIRMED, Verdict.REJECTED, Verdict.NEEDS_EVIDENCE)


class DecisionConflict(Exception):
    """The link (or chain) changed since the reviewer loaded it, or its chain is locked."""

    def __init__(self, message: str, *, link: Link | None = None, chain: Chain | None = None,
                 decision: Decision | None = None):
        super().__init__(message)
        self.message = message
        self.link = link
        self.chain = chain
        self.decision = decision


def _validate(*, reviewer, verdict: str, reason_code: str) -> None:
    if not is_reviewer(reviewer):
        raise PermissionDenied("Only reviewers can decide.")
    if verdict not in DECIDABLE:
        raise ValidationError(f"Unknown verdict {verdict!r}.")
    if reason_code and reason_code not in ReasonCode.values:
        raise ValidationError(f"Unknown reason code {reason_code!r}.")


def _latest_decision(**subject) -> Decision | None:
    return Decision.objects.filter(**subject).select_related("reviewer").order_by("-created_at", "-id").first()


def _resulting_status(*, verdict: str, reviewer, previous: list[Decision], current: str) -> str:
    """The status a new decision leads to. In two-reviewer mode, confirmed/rejected needs agreement.

    A status settled with no standing reviewer decision behind it (a moderator's overturn or bulk
    decision) counts as the other opinion: agreeing keeps it, disagreeing makes the subject disputed.
    """
    if not settings.TWO_REVIEWER_MODE or verdict == Verdict.NEEDS_EVIDENCE:
        return verdict
    others = [d for d in previous if d.reviewer_id != reviewer.pk and d.verdict in (Verdict.CONFIRMED, Verdict.REJECTED)]
    if not others:
        settled = current in (Verdict.CONFIRMED, Verdict.REJECTED) and not any(
            d.verdict in (Verdict.CONFIRMED, Verdict.REJECTED) for d in previous
        )
        if settled:
            return verdict if verdict == current else Verdict.DISPUTED
        return Verdict.PROPOSED
    latest_other = others[0]
    return verdict if latest_other.verdict == verdict else Verdict.DISPUTED


def _supersede_own(previous: list[Decision], reviewer) -> None:
    """A reviewer who decides again replaces their own earlier decision: one live opinion each."""
    own = [d.pk for d in previous if d.reviewer_id == reviewer.pk]
    if own:
        Decision.objects.filter(pk__in=own).update(superseded=True)


def _locked_chain(link: Link) -> Chain | None:
    return link.chains.filter(locked=True).first()


def link_decide(
    *, link: Link, reviewer, verdict: str, reason_code: str = "", note: str = "", expected_version: int
) -> Link:
    """Record a reviewer's verdict on a link; returns the link as stored afterwards.

    Raises DecisionConflict when the link moved on since `expected_version` or a chain holding it is
    locked; nothing is written then.
    """
    _validate(reviewer=reviewer, verdict=verdict, reason_code=reason_code)
    locked = _locked_chain(link)
    if locked is not None:
        raise DecisionConflict(
            f"Chain #{locked.pk} is locked by a moderator; its links cannot be decided.",
            link=Link.objects.with_related().get(pk=link.pk), chain=locked,
            decision=_latest_decision(link=link, superseded=False),
        )
    now = timezone.now()
    with transaction.atomic():
        previous = list(
            Decision.objects.filter(link=link, superseded=False).order_by("-created_at", "-id")
        )
        current = Link.objects.filter(pk=link.pk).values_list("status", flat=True).first()
        status = _resulting_status(verdict=verdict, reviewer=reviewer, previous=previous, current=current)
        before = {"status": current, "version": expected_version}
        updated = Link.objects.filter(pk=link.pk, version=expected_version).update(
            status=status,
            decided_by=reviewer,
            decided_at=now,
            reason_code=reason_code,
            decision_note=note,
            version=F("version") + 1,
            updated_at=now,
        )
        if not updated:
            current = Link.objects.with_related().get(pk=link.pk)
            raise DecisionConflict(
                "Someone decided this link while you were looking at it.",
                link=current, decision=_latest_decision(link=link, superseded=False),
            )
        _supersede_own(previous, reviewer)
        Decision.objects.create(link=link, reviewer=reviewer, verdict=verdict, reason_code=reason_code, note=note)
        link = Link.objects.with_related().get(pk=link.pk)
        audit_record(
            actor=reviewer, action=f"link.{verdict}", obj=link, before=before,
            after={"status": link.status, "version": link.version, "reason_code": reason_code},
            reason=note,
        )
        _chains_follow(link, reviewer=reviewer, note=note, reason_code=reason_code)
        queue_counters_changed()
        transaction.on_commit(queue_counters_changed)
    return link


def _chains_follow(link: Link, *, reviewer, note: str, reason_code: str) -> None:
    """Chains follow a settled link decision. A rejected link no longer supports its chains: they are
    recomputed (proposed ones leaning on it go, decided ones are kept as stale). A proposed chain made
    of this one link says no more than the link does: it takes the same verdict, as the reviewer's
    (in single-reviewer mode)."""
    from provenance.review.detection import rebuild_chains

    if link.status == Verdict.REJECTED:
        rebuild_chains({link.target_id})
        return
    if link.status != Verdict.CONFIRMED or settings.TWO_REVIEWER_MODE:
        return  # with two reviewers, each decides the chain for themselves
    # Count first, then filter on the link: filtering first would count only the matching link.
    single = (
        Chain.objects.annotate(size=Count("links")).filter(size=1)
        .filter(links=link, status=Verdict.PROPOSED, locked=False, stale=False)
    )
    for chain in single:
        chain_decide(
            chain=chain, reviewer=reviewer, verdict=Verdict.CONFIRMED, reason_code=reason_code,
            note=note or f"Decided with its only link #{link.pk}", expected_version=chain.version,
        )


def chain_decide(
    *, chain: Chain, reviewer, verdict: str, reason_code: str = "", note: str = "",
    expected_version: int, apply_to_links: bool = False,
) -> Chain:
    """Record a verdict on a whole chain; with apply_to_links, also on each of its undecided links."""
    _validate(reviewer=reviewer, verdict=verdict, reason_code=reason_code)
    if chain.locked:
        raise DecisionConflict(
            f"Chain #{chain.pk} is locked by a moderator.", chain=chain,
            decision=_latest_decision(chain=chain, superseded=False),
        )
    now = timezone.now()
    with transaction.atomic():
        previous = list(Decision.objects.filter(chain=chain, superseded=False).order_by("-created_at", "-id"))
        current = Chain.objects.filter(pk=chain.pk).values_list("status", flat=True).first()
        status = _resulting_status(verdict=verdict, reviewer=reviewer, previous=previous, current=current)
        before = {"status": current, "version": expected_version}
        updated = Chain.objects.filter(pk=chain.pk, version=expected_version, locked=False).update(
            status=status, decided_by=reviewer, decided_at=now, reason_code=reason_code,
            decision_note=note, version=F("version") + 1, updated_at=now,
        )
        if not updated:
            raise DecisionConflict(
                "Someone decided this chain while you were looking at it.",
                chain=Chain.objects.get(pk=chain.pk),
                decision=_latest_decision(chain=chain, superseded=False),
            )
        _supersede_own(previous, reviewer)
        Decision.objects.create(chain=chain, reviewer=reviewer, verdict=verdict, reason_code=reason_code, note=note)
        chain = Chain.objects.get(pk=chain.pk)
        audit_record(
            actor=reviewer, action=f"chain.{verdict}", obj=chain, before=before,
            after={"status": chain.status, "version": chain.version, "reason_code": reason_code,
                   "applied_to_links": apply_to_links},
            reason=note,
        )
        queue_counters_changed()
        transaction.on_commit(queue_counters_changed)
        if apply_to_links:
            # Links someone already decided keep their decision: the chain verdict does not overwrite it.
            for link in chain.links.filter(status=Verdict.PROPOSED):
                link_decide(
                    link=link, reviewer=reviewer, verdict=verdict, reason_code=reason_code,
                    note=note or f"Decided with chain #{chain.pk}", expected_version=link.version,
                )
    return chain


# --- Annotations -------------------------------------------------------------------------------


def annotation_create(
    *, author, body: str, article: Article | None = None, chain: Chain | None = None,
    link: Link | None = None, start: int | None = None, end: int | None = None, quote: str = "",
) -> Annotation:
    """A note on an article span, a chain or a link. Spans are checked against the article's text."""
    body = (body or "").strip()
    if not body:
        raise ValidationError("Write a note.")
    if len(body) > 5000:
        raise ValidationError("A note is at most 5,000 characters.")
    if article is None and chain is None and link is None:
        raise ValidationError("A note needs an article, a chain or a link.")
    if (start is None) != (end is None):
        raise ValidationError("A span needs both a start and an end.")
    if start is not None:
        if article is None:
            raise ValidationError("Only article text has spans.")
        if not (0 <= start < end <= len(article.text)):
            raise ValidationError("The selected span is outside the article's text.")
        actual = article.text[start:end]
        if quote and quote.strip() and " ".join(quote.split()) != " ".join(actual.split()):
            raise ValidationError("The selected text does not match the article at that place.")
        quote = actual
    else:
        quote = ""
    annotation = Annotation.objects.create(
        author=author, body=body, article=article, chain=chain, link=link, start=start, end=end, quote=quote
    )
    audit_record(
        actor=author, action="annotation.create", obj=annotation,
        after={"article": article.pk if article else None, "chain": chain.pk if chain else None,
               "link": link.pk if link else None, "start": start, "end": end},
    )
    return annotation


def annotation_can_delete(*, annotation: Annotation, user) -> bool:
    return annotation.author_id == getattr(user, "pk", None) or is_moderator(user)


def annotation_delete(*, annotation: Annotation, by) -> None:
    """Authors delete their own notes; moderators delete any."""
    if not annotation_can_delete(annotation=annotation, user=by):
        raise PermissionDenied("Only the author or a moderator can delete this note.")
    before = {"body": annotation.body, "author": annotation.author_id, "quote": annotation.quote}
    audit_record(actor=by, action="annotation.delete", obj=annotation, before=before)
    annotation.delete()


# --- Corrections -------------------------------------------------------------------------------


@dataclass
class CorrectionResult:
    """What a correction changed: the fields, and what detection then found differently."""

    article: Article
    fields: dict[str, tuple[str, str]] = field(default_factory=dict)
    links_created: list[Link] = field(default_factory=list)
    links_updated: list[Link] = field(default_factory=list)
    links_removed: int = 0
    links_stale: list[Link] = field(default_factory=list)
    chains_created: list[Chain] = field(default_factory=list)
    chains_removed: int = 0
    chains_stale: list[Chain] = field(default_factory=list)
    detection_error: str = ""
    # The reviewer vouched for unchanged values: the "needs review" mark was lifted, nothing else changed.
    checked: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.fields)

    @property
    def detection_changed(self) -> bool:
        return bool(self.links_created or self.links_updated or self.links_removed or self.links_stale
                    or self.chains_created or self.chains_removed or self.chains_stale)


def _outlet_named(name: str) -> Outlet | None:
    name = (name or "").strip()
    if not name:
        return None
    from provenance.corpus.outlets import outlet_directory

    outlet_id = outlet_directory().resolve(name)
    if outlet_id:
        found = Outlet.objects.filter(pk=outlet_id).first()
        if found:
            return found
    found = Outlet.objects.filter(name__iexact=name).first()
    if found is None:
        raise ValidationError(f"No outlet is known as “{name}”. Ask a moderator to add it first.")
    return found


def _display(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def article_correct(
    *, article: Article, by, outlet_name: str, published_at: datetime | None, title: str,
    date_uncertainty_hours: float | None = 0.0,
) -> CorrectionResult:
    """A reviewer corrects an article's outlet, date or title; detection reruns for that article.

    The reviewer has seen all three fields, so each one given is recorded as coming from the reviewer
    (full confidence), and the article no longer needs a metadata review unless a field is still empty.
    A date typed without a time means the whole day (`date_uncertainty_hours` 12).
    """
    from provenance.review.detection import detect_articles

    if not is_reviewer(by):
        raise PermissionDenied("Only reviewers can correct articles.")
    title = (title or "").strip()
    if not title:
        raise ValidationError("An article needs a title.")
    outlet = _outlet_named(outlet_name)
    if published_at is not None and timezone.is_naive(published_at):
        published_at = timezone.make_aware(published_at, timezone.get_default_timezone())
    uncertainty = date_uncertainty_hours if published_at else None
    changes: dict[str, tuple] = {}
    if outlet != article.outlet:
        changes["outlet"] = (article.outlet, outlet)
    # A day typed for an article already dated to that day alone (± 12 h or more) is not a change.
    same_day = bool(
        published_at and article.published_at and (uncertainty or 0) >= 12
        and (article.date_uncertainty_hours or 0) >= 12 and published_at.date() == article.published_at.date()
    )
    if published_at != article.published_at and not same_day:
        changes["published_at"] = (article.published_at, published_at)
    if title != article.title:
        changes["title"] = (article.title, title)
    needs_review = outlet is None or published_at is None
    result = CorrectionResult(article=article)
    if not changes and needs_review == article.needs_review:
        return result
    now = timezone.now()
    vouched = {"title": title, "outlet": outlet, "published_at": published_at}
    with transaction.atomic():
        sources = dict(article.field_sources or {})
        for name, value in vouched.items():
            if value:
                sources[name] = {"source": FieldSource.REVIEWER.value, "confidence": 1.0,
                                 "by": by.get_username(), "at": now.isoformat()}
        for name, (_old, new) in changes.items():
            setattr(article, name, new)
        if "published_at" in changes:
            article.date_uncertainty_hours = uncertainty
        article.field_sources = sources
        before_review, article.needs_review = article.needs_review, needs_review
        article.save(update_fields=[*changes.keys(), "field_sources", "date_uncertainty_hours", "needs_review",
                                    "updated_at"])
        before = {name: _display(old) for name, (old, _new) in changes.items()}
        after = {name: _display(new) for name, (_old, new) in changes.items()}
        if before_review != needs_review:
            before["needs_review"], after["needs_review"] = before_review, needs_review
        audit_record(actor=by, action="article.correct", obj=article, before=before, after=after)
    if not changes:
        result.checked = True
        return result
    result.fields = {name: (_display(old), _display(new)) for name, (old, new) in changes.items()}
    try:
        report = detect_articles([article.pk])
    except Exception:  # the correction is saved; a detection failure must not lose it or show a 500
        logger.exception("Detection failed after correcting article %s", article.pk)
        from provenance.review.tasks import detect_articles_task

        transaction.on_commit(lambda: detect_articles_task.delay([article.pk]))
        result.detection_error = "Detection could not run just now; it has been queued to run again."
        return result
    queue_counters_changed()
    links = Link.objects.with_related().in_bulk(
        [*report.links_created, *report.links_updated, *report.links_stale]
    )
    chains = Chain.objects.prefetch_related("nodes__article__outlet", "nodes__outlet").in_bulk(
        [*report.chains_created, *report.chains_stale]
    )
    result.links_created = [links[i] for i in report.links_created if i in links]
    result.links_updated = [links[i] for i in report.links_updated if i in links]
    result.links_stale = [links[i] for i in report.links_stale if i in links]
    result.links_removed = len(report.links_removed)
    result.chains_created = [chains[i] for i in report.chains_created if i in chains]
    result.chains_stale = [chains[i] for i in report.chains_stale if i in chains]
    result.chains_removed = len(report.chains_removed)
    return result
