"""Moderators' corrections to review work: overturn decisions, bulk decide, lock chains, re-run detection.

Each function is one moderator action: it runs in a transaction, requires a reason, and writes an
audit event with the state before and after. Nothing here deletes a row.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from provenance.accounts.roles import is_moderator
from provenance.review.audit import audit_record
from provenance.review.models import Chain, Decision, Link, Verdict

FINAL_VERDICTS = (Verdict.CONFIRMED, Verdict.REJECTED, Verdict.NEEDS_EVIDENCE)


class ModerationError(Exception):
    """A moderation action that cannot be carried out, with a message fit for the moderator."""


def _require(*, by, reason: str) -> str:
    if not is_moderator(by):
        raise ModerationError("Only moderators can do this.")
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError("A reason is required.")
    return reason


def _verdict(verdict: str) -> str:
    if verdict not in FINAL_VERDICTS:
        raise ModerationError(f"Unknown verdict {verdict!r}: use confirmed, rejected or needs_evidence.")
    return verdict


def link_state(link: Link) -> dict:
    return {
        "status": link.status,
        "decided_by": link.decided_by.get_username() if link.decided_by_id else None,
        "reason_code": link.reason_code,
        "decision_note": link.decision_note,
        "version": link.version,
    }


def chain_state(chain: Chain) -> dict:
    return {
        "status": chain.status,
        "locked": chain.locked,
        "locked_by": chain.locked_by.get_username() if chain.locked_by_id else None,
        "locked_reason": chain.locked_reason,
        "version": chain.version,
    }


def _set_link_verdict(*, link: Link, by, verdict: str, reason: str) -> list[int]:
    """Supersede the link's live decisions and set the moderator's verdict. Returns superseded ids."""
    superseded = list(link.decisions.filter(superseded=False).values_list("id", flat=True))
    Decision.objects.filter(id__in=superseded).update(superseded=True)
    link.status = verdict
    link.decided_by = by
    link.decided_at = timezone.now()
    link.reason_code = "other"
    link.decision_note = reason
    link.version += 1
    link.save(update_fields=["status", "decided_by", "decided_at", "reason_code", "decision_note", "version",
                             "updated_at"])
    return superseded


def link_overturn(*, link: Link, by, verdict: str, reason: str) -> Link:
    """Replace the reviewers' decision on a link by a moderator's, keeping the earlier decisions as superseded.

    Works on a locked chain's links too: a lock stops reviewers, not the moderator correcting a decision.
    """
    reason = _require(by=by, reason=reason)
    verdict = _verdict(verdict)
    with transaction.atomic():
        link = Link.objects.select_for_update(of=("self",)).select_related("decided_by").get(pk=link.pk)
        before = link_state(link)
        superseded = _set_link_verdict(link=link, by=by, verdict=verdict, reason=reason)
        audit_record(
            actor=by,
            action="link.overturn",
            obj=link,
            before=before,
            after={**link_state(link), "superseded_decisions": superseded},
            reason=reason,
        )
        if verdict == Verdict.REJECTED:
            from provenance.review.detection import rebuild_chains

            rebuild_chains({link.target_id})  # its chains lose their support (see services._chains_follow)
    return link


def chain_overturn(*, chain: Chain, by, verdict: str, reason: str) -> Chain:
    reason = _require(by=by, reason=reason)
    verdict = _verdict(verdict)
    with transaction.atomic():
        chain = Chain.objects.select_for_update(of=("self",)).select_related("locked_by").get(pk=chain.pk)
        before = chain_state(chain)
        superseded = list(chain.decisions.filter(superseded=False).values_list("id", flat=True))
        Decision.objects.filter(id__in=superseded).update(superseded=True)
        chain.status = verdict
        chain.decided_by = by
        chain.decided_at = timezone.now()
        chain.reason_code = "other"
        chain.decision_note = reason
        chain.version += 1
        chain.save(update_fields=["status", "decided_by", "decided_at", "reason_code", "decision_note",
                                  "version", "updated_at"])
        audit_record(
            actor=by,
            action="chain.overturn",
            obj=chain,
            before=before,
            after={**chain_state(chain), "superseded_decisions": superseded},
            reason=reason,
        )
    return chain


@dataclass
class BulkResult:
    changed: list[int] = field(default_factory=list)
    skipped_locked: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)

    def summary(self, verb: str) -> str:
        parts = [f"{len(self.changed)} link(s) {verb}"]
        if self.unchanged:
            parts.append(f"{len(self.unchanged)} already {verb}")
        if self.skipped_locked:
            parts.append(f"{len(self.skipped_locked)} skipped because their chain is locked")
        return "; ".join(parts) + "."


def links_bulk_decide(*, links: Iterable[Link], by, verdict: str, reason: str) -> BulkResult:
    """Confirm or reject many links at once. Links in a locked chain are left alone and reported."""
    reason = _require(by=by, reason=reason)
    if verdict not in (Verdict.CONFIRMED, Verdict.REJECTED):
        raise ModerationError("Bulk decisions are confirm or reject.")
    ids = [link.pk for link in links]
    result = BulkResult()
    with transaction.atomic():
        rows = Link.objects.select_for_update(of=("self",)).select_related("decided_by").filter(pk__in=ids).order_by("pk")
        locked = set(Chain.objects.filter(locked=True, links__in=ids).values_list("links", flat=True))
        for link in rows:
            if link.pk in locked:
                result.skipped_locked.append(link.pk)
                continue
            if link.status == verdict:
                result.unchanged.append(link.pk)
                continue
            before = link_state(link)
            superseded = _set_link_verdict(link=link, by=by, verdict=verdict, reason=reason)
            audit_record(
                actor=by,
                action=f"link.bulk_{'confirm' if verdict == Verdict.CONFIRMED else 'reject'}",
                obj=link,
                before=before,
                after={**link_state(link), "superseded_decisions": superseded},
                reason=reason,
            )
            result.changed.append(link.pk)
        if verdict == Verdict.REJECTED and result.changed:
            from provenance.review.detection import rebuild_chains

            rebuild_chains(set(Link.objects.filter(pk__in=result.changed).values_list("target_id", flat=True)))
    return result


def chain_lock(*, chain: Chain, by, reason: str) -> Chain:
    """No further decisions on the chain or its links until a moderator reopens it."""
    reason = _require(by=by, reason=reason)
    with transaction.atomic():
        chain = Chain.objects.select_for_update(of=("self",)).select_related("locked_by").get(pk=chain.pk)
        if chain.locked:
            raise ModerationError(f"Chain #{chain.pk} is already locked.")
        before = chain_state(chain)
        chain.locked = True
        chain.locked_by = by
        chain.locked_reason = reason
        chain.save(update_fields=["locked", "locked_by", "locked_reason", "updated_at"])
        audit_record(actor=by, action="chain.lock", obj=chain, before=before, after=chain_state(chain),
                     reason=reason)
    return chain


def chain_reopen(*, chain: Chain, by, reason: str) -> Chain:
    reason = _require(by=by, reason=reason)
    with transaction.atomic():
        chain = Chain.objects.select_for_update(of=("self",)).select_related("locked_by").get(pk=chain.pk)
        if not chain.locked:
            raise ModerationError(f"Chain #{chain.pk} is not locked.")
        before = chain_state(chain)
        chain.locked = False
        chain.locked_by = None
        chain.locked_reason = ""
        chain.save(update_fields=["locked", "locked_by", "locked_reason", "updated_at"])
        audit_record(actor=by, action="chain.reopen", obj=chain, before=before, after=chain_state(chain),
                     reason=reason)
    return chain


def disputed_links():
    """Links the reviewers disagree on, with their live decisions, oldest dispute first."""
    from django.db.models import Prefetch

    return (
        Link.objects.visible()
        .filter(status=Verdict.DISPUTED)
        .with_related()
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(superseded=False).select_related("reviewer").order_by("created_at"),
                to_attr="live_decisions",
            )
        )
        .order_by("updated_at", "id")
    )


def disputed_chains():
    """Chains the reviewers disagree on, with their nodes and live decisions."""
    from django.db.models import Prefetch

    from provenance.review.models import ChainNode

    return (
        Chain.objects.visible()
        .filter(status=Verdict.DISPUTED)
        .select_related("final_article__outlet")
        .prefetch_related(
            Prefetch("nodes", queryset=ChainNode.objects.select_related("article__outlet", "outlet")),
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(superseded=False).select_related("reviewer").order_by("created_at"),
                to_attr="live_decisions",
            ),
        )
        .order_by("updated_at", "id")
    )
