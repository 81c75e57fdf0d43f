"""Moderators' corrections to the corpus: merge outlets, hide articles and uploads, re-run parsing or detection.

Each function is one moderator action: keyword-only, in a transaction, with a required reason and an
audit event recording the state before and after. The only deletion here is the merged outlet row,
as part of the explicit merge.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from provenance.corpus.models import Article, Credit, Outlet, Upload
from provenance.corpus.outlets import outlet_directory, outlet_directory_changed
from provenance.review.audit import audit_record
from provenance.review.models import (
    Annotation,
    Chain,
    ChainLink,
    ChainNode,
    Decision,
    Link,
    Verdict,
)
from provenance.review.moderation import ModerationError, _require


def _outlet_state(outlet: Outlet) -> dict:
    return {
        "id": outlet.pk,
        "name": outlet.name,
        "slug": outlet.slug,
        "aliases": list(outlet.aliases or []),
        "domains": list(outlet.domains or []),
        "kind": outlet.kind,
        "country": outlet.country,
        "parent": outlet.parent_id,
        "notes": outlet.notes,
        "flags": list(outlet.flags or []),
    }


def _unique(values: Iterable[str], *, exclude: Iterable[str] = ()) -> list[str]:
    seen = {value.strip().casefold() for value in exclude}
    out = []
    for value in values:
        key = (value or "").strip().casefold()
        if key and key not in seen:
            seen.add(key)
            out.append(value.strip())
    return out


def _merge_link_into(*, loser: Link, survivor: Link) -> dict:
    """Move everything that hangs off a duplicate link to the link that stays, then delete the duplicate."""
    Decision.objects.filter(link=loser).update(link=survivor)
    Annotation.objects.filter(link=loser).update(link=survivor)
    for chain_link in ChainLink.objects.filter(link=loser):
        if ChainLink.objects.filter(chain_id=chain_link.chain_id, link=survivor).exists():
            chain_link.delete()
        else:
            chain_link.link = survivor
            chain_link.save(update_fields=["link"])
    fields = []
    if loser.is_decided and not survivor.is_decided:
        for name in ("status", "decided_by", "decided_at", "reason_code", "decision_note"):
            setattr(survivor, name, getattr(loser, name))
        fields += ["status", "decided_by", "decided_at", "reason_code", "decision_note"]
    elif loser.is_decided and survivor.is_decided and loser.status != survivor.status:
        # Two decisions that disagree: a moderator has to settle it.
        survivor.status = Verdict.DISPUTED
        fields.append("status")
    if loser.score > survivor.score:
        survivor.score = loser.score
        fields.append("score")
    survivor.reasons = _unique([*survivor.reasons, *loser.reasons])
    survivor.version += 1
    survivor.save(update_fields=[*fields, "reasons", "version", "updated_at"])
    record = {"removed_link": loser.pk, "removed_status": loser.status, "kept_link": survivor.pk,
              "kept_status": survivor.status}
    loser.delete()
    return record


def _merge_chain_into(*, loser: Chain, survivor: Chain) -> dict:
    Decision.objects.filter(chain=loser).update(chain=survivor)
    Annotation.objects.filter(chain=loser).update(chain=survivor)
    if loser.status != Verdict.PROPOSED and survivor.status == Verdict.PROPOSED:
        survivor.status = loser.status
        survivor.decided_by_id = loser.decided_by_id
        survivor.decided_at = loser.decided_at
        survivor.reason_code = loser.reason_code
        survivor.decision_note = loser.decision_note
    if loser.locked and not survivor.locked:
        survivor.locked, survivor.locked_by_id, survivor.locked_reason = True, loser.locked_by_id, loser.locked_reason
    survivor.save()
    record = {"removed_chain": loser.pk, "kept_chain": survivor.pk}
    loser.delete()
    return record


def _rekey(key: str, *, merge_id: int, keep_id: int) -> str:
    return ">".join(f"o{keep_id}" if node == f"o{merge_id}" else node for node in key.split(">"))


def outlet_merge(*, keep: Outlet, merge: Outlet, by, reason: str) -> Outlet:
    """Fold a duplicate outlet into the one that stays.

    Articles, credits, links, chains and uploads that pointed at `merge` point at `keep`; links that then
    collide (same source outlet and target) are merged, keeping every decision; `merge`'s name, aliases and
    domains become `keep`'s aliases and domains; then the `merge` row is deleted.
    """
    reason = _require(by=by, reason=reason)
    if keep.pk == merge.pk:
        raise ModerationError("Choose two different outlets to merge.")
    with transaction.atomic():
        keep = Outlet.objects.select_for_update().get(pk=keep.pk)
        merge = Outlet.objects.select_for_update().get(pk=merge.pk)
        before = {"keep": _outlet_state(keep), "merge": _outlet_state(merge)}
        moved = {
            "articles": list(Article.objects.filter(outlet=merge).values_list("id", flat=True)),
            "credits": Credit.objects.filter(outlet=merge).update(outlet=keep),
            "uploads": Upload.objects.filter(given_outlet=merge).update(given_outlet=keep),
            "subsidiaries": list(merge.subsidiaries.exclude(pk=keep.pk).values_list("id", flat=True)),
        }
        Article.objects.filter(outlet=merge).update(outlet=keep)
        Outlet.objects.filter(parent=merge).exclude(pk=keep.pk).update(parent=keep)

        merged_links, moved_links = [], []
        for link in Link.objects.filter(source_outlet=merge).select_related("decided_by"):
            if link.source_article_id is None:
                existing = Link.objects.filter(source_article__isnull=True, source_outlet=keep,
                                               target_id=link.target_id).first()
                if existing is not None:
                    survivor, loser = existing, link
                    if link.is_decided and not existing.is_decided:
                        # Keep the decided row; the undecided one folds into it.
                        survivor, loser = link, existing
                        merged_links.append(_merge_link_into(loser=loser, survivor=survivor))
                        survivor.source_outlet = keep
                        survivor.save(update_fields=["source_outlet", "updated_at"])
                    else:
                        merged_links.append(_merge_link_into(loser=loser, survivor=survivor))
                    continue
            link.source_outlet = keep
            link.save(update_fields=["source_outlet", "updated_at"])
            moved_links.append(link.pk)

        # Links that credit an outlet inside republished text name it in their evidence.
        for link in Link.objects.filter(evidence__via_outlet_id=merge.pk):
            link.evidence = {**link.evidence, "via_outlet_id": keep.pk}
            link.save(update_fields=["evidence", "updated_at"])

        chain_ids = list(ChainNode.objects.filter(outlet=merge).values_list("chain_id", flat=True).distinct())
        ChainNode.objects.filter(outlet=merge).update(outlet=keep)
        merged_chains = []
        for chain in Chain.objects.filter(pk__in=chain_ids):
            new_key = _rekey(chain.key, merge_id=merge.pk, keep_id=keep.pk)
            if new_key == chain.key:
                continue
            duplicate = Chain.objects.filter(key=new_key).exclude(pk=chain.pk).first()
            if duplicate is not None:
                merged_chains.append(_merge_chain_into(loser=chain, survivor=duplicate))
            else:
                chain.key = new_key
                chain.save(update_fields=["key", "updated_at"])

        keep.aliases = _unique([*(keep.aliases or []), merge.name, *(merge.aliases or [])], exclude=[keep.name])
        keep.domains = _unique([*(keep.domains or []), *(merge.domains or [])])
        keep.flags = _unique([*(keep.flags or []), *(merge.flags or [])])
        if merge.notes.strip() and merge.notes.strip() not in keep.notes:
            keep.notes = f"{keep.notes}\n\n[from {merge.name}] {merge.notes}".strip()
        if keep.parent_id == merge.pk:
            keep.parent_id = merge.parent_id if merge.parent_id != keep.pk else None
        if not keep.country:
            keep.country = merge.country
        keep.save()
        merge.delete()

        audit_record(
            actor=by,
            action="outlet.merge",
            obj=keep,
            before=before,
            after={
                "keep": _outlet_state(keep),
                "moved": moved,
                "links_moved": moved_links,
                "links_merged": merged_links,
                "chains": chain_ids,
                "chains_merged": merged_chains,
            },
            reason=reason,
        )
        transaction.on_commit(outlet_directory_changed)
    return keep


# --- Hiding --------------------------------------------------------------------------------------


def _hidden_chain_ids(article_ids: list[int]) -> list[int]:
    return sorted(set(ChainNode.objects.filter(article_id__in=article_ids).values_list("chain_id", flat=True)))


def article_hide(*, article: Article, by, reason: str) -> Article:
    """Keep the article but take it out of queues, chains and lists (moderators still see it)."""
    reason = _require(by=by, reason=reason)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.hidden:
            raise ModerationError(f"{article} is already hidden.")
        before = {"hidden": False, "hidden_reason": article.hidden_reason}
        article.hidden = True
        article.hidden_reason = reason
        article.save(update_fields=["hidden", "hidden_reason", "updated_at"])
        audit_record(actor=by, action="article.hide", obj=article, before=before,
                     after={"hidden": True, "hidden_reason": reason, "chains_hidden": _hidden_chain_ids([article.pk])},
                     reason=reason)
    return article


def article_unhide(*, article: Article, by, reason: str) -> Article:
    reason = _require(by=by, reason=reason)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if not article.hidden:
            raise ModerationError(f"{article} is not hidden.")
        before = {"hidden": True, "hidden_reason": article.hidden_reason}
        article.hidden = False
        article.hidden_reason = ""
        article.save(update_fields=["hidden", "hidden_reason", "updated_at"])
        audit_record(actor=by, action="article.unhide", obj=article, before=before,
                     after={"hidden": False, "hidden_reason": ""}, reason=reason)
    return article


def upload_hide(*, upload: Upload, by, reason: str) -> Upload:
    """Hide an upload and every article it created that is not hidden already."""
    reason = _require(by=by, reason=reason)
    with transaction.atomic():
        upload = Upload.objects.select_for_update().get(pk=upload.pk)
        if upload.hidden:
            raise ModerationError(f"{upload} is already hidden.")
        article_ids = list(Article.objects.filter(upload=upload, hidden=False).values_list("id", flat=True))
        Article.objects.filter(pk__in=article_ids).update(hidden=True, hidden_reason=f"{upload} hidden: {reason}")
        upload.hidden = True
        upload.hidden_reason = reason
        upload.save(update_fields=["hidden", "hidden_reason"])
        audit_record(actor=by, action="upload.hide", obj=upload, before={"hidden": False},
                     after={"hidden": True, "articles_hidden": article_ids,
                            "chains_hidden": _hidden_chain_ids(article_ids)},
                     reason=reason)
    return upload


def upload_unhide(*, upload: Upload, by, reason: str) -> Upload:
    """Unhide an upload and the articles its hiding hid (articles hidden on their own stay hidden)."""
    reason = _require(by=by, reason=reason)
    from provenance.review.audit import audit_history

    with transaction.atomic():
        upload = Upload.objects.select_for_update().get(pk=upload.pk)
        if not upload.hidden:
            raise ModerationError(f"{upload} is not hidden.")
        last_hide = audit_history(upload).filter(action="upload.hide").first()
        article_ids = list((last_hide.after or {}).get("articles_hidden", [])) if last_hide else []
        restored = list(
            Article.objects.filter(pk__in=article_ids, upload=upload, hidden=True).values_list("id", flat=True)
        )
        Article.objects.filter(pk__in=restored).update(hidden=False, hidden_reason="")
        before = {"hidden": True, "hidden_reason": upload.hidden_reason}
        upload.hidden = False
        upload.hidden_reason = ""
        upload.save(update_fields=["hidden", "hidden_reason"])
        audit_record(actor=by, action="upload.unhide", obj=upload, before=before,
                     after={"hidden": False, "articles_unhidden": restored}, reason=reason)
    return upload


# --- Re-running the engines -----------------------------------------------------------------------


def _article_ids(*, articles: Iterable[Article] = (), uploads: Iterable[Upload] = ()) -> list[int]:
    ids = {article.pk for article in articles}
    upload_ids = [upload.pk for upload in uploads]
    if upload_ids:
        ids.update(Article.objects.filter(upload_id__in=upload_ids).values_list("id", flat=True))
    return sorted(ids)


def articles_redetect(*, by, reason: str, articles: Iterable[Article] = (), uploads: Iterable[Upload] = ()):
    """Run detection again for the selected articles (or all articles of the selected uploads)."""
    from provenance.review.detection import detect_articles

    reason = _require(by=by, reason=reason)
    article_ids = _article_ids(articles=articles, uploads=uploads)
    if not article_ids:
        raise ModerationError("No articles selected.")
    report = detect_articles(article_ids)
    summary = _report_summary(report)
    for article in Article.objects.filter(pk__in=article_ids):
        audit_record(actor=by, action="article.redetect", obj=article, after=summary, reason=reason)
    return report


def _report_summary(report) -> dict:
    """A JSON-safe summary of a DetectionReport (counts of whatever lists or numbers it carries)."""
    from dataclasses import asdict, is_dataclass

    data = asdict(report) if is_dataclass(report) else dict(getattr(report, "__dict__", {}))
    summary = {}
    for key, value in data.items():
        if isinstance(value, (list, tuple, set, dict)):
            summary[key] = len(value)
        elif isinstance(value, (int, float, str, bool)) or value is None:
            summary[key] = value
    return summary


@dataclass
class ReparseResult:
    changed: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)

    def summary(self) -> str:
        text = f"Parsing re-run: {len(self.changed)} article(s) changed, {len(self.unchanged)} unchanged"
        if self.failed:
            text += f", {len(self.failed)} not re-parsed (" + "; ".join(
                f"#{pk}: {why}" for pk, why in list(self.failed.items())[:5]) + ")"
        return text + "."


# Fields parsing sets; a value a reviewer corrected (field source "reviewer") is never replaced.
_PARSED_FIELDS = ("title", "byline", "url", "published_at", "date_uncertainty_hours", "language", "text",
                  "source_format", "outlet")


def _given_for(article: Article):
    from provenance.extract import Given
    from provenance.extract.manifest import manifest_given
    from provenance.extract.types import ANALYST

    analyst = manifest = None
    upload = article.upload
    if upload is not None and (upload.given_outlet_id or upload.given_url or upload.given_published_at):
        analyst = Given(outlet=upload.given_outlet.name if upload.given_outlet else "", url=upload.given_url,
                        published_at=upload.given_published_at, source=ANALYST)
    row = article.upload_file.manifest if article.upload_file_id else None
    if row:
        manifest = manifest_given(row)
    return analyst, manifest


def _display(value) -> object:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def articles_reparse(*, by, reason: str, articles: Iterable[Article] = (), uploads: Iterable[Upload] = ()
                     ) -> ReparseResult:
    """Read each article's raw text again through provenance.extract and store what it finds now.

    Fields a reviewer corrected stay as corrected. Articles whose text changed are queued for detection.
    """
    import hashlib

    from provenance.corpus.services import _limits, outlet_get_or_create
    from provenance.extract import (
        ExtractError,
        NameFinder,
        normalise_for_hash,
        read_file,
        resolve_metadata,
    )

    reason = _require(by=by, reason=reason)
    article_ids = _article_ids(articles=articles, uploads=uploads)
    if not article_ids:
        raise ModerationError("No articles selected.")
    result = ReparseResult()
    finder = NameFinder(outlet_directory())
    limits = _limits()
    rows = Article.objects.filter(pk__in=article_ids).select_related("upload__given_outlet", "upload_file", "outlet")
    for article in rows:
        name = article.member_path or (article.upload_file.original_name if article.upload_file_id else article.path)
        documents = [r for r in read_file(article.raw_text.encode("utf-8"), name or "article.txt", limits=limits,
                                          finder=finder)]
        document = next((d for d in documents if not isinstance(d, ExtractError)), None)
        if document is None:
            result.failed[article.pk] = str(documents[0]) if documents else "nothing could be read"
            continue
        analyst, manifest = _given_for(article)
        document = resolve_metadata(document, analyst=analyst, manifest=manifest, finder=finder)
        normalised = normalise_for_hash(document.text)
        if not normalised:
            result.failed[article.pk] = "no article text found"
            continue
        content_hash = hashlib.sha256(normalised.encode("utf-8")).hexdigest()
        clash = Article.objects.filter(content_hash=content_hash).exclude(pk=article.pk).values_list("pk", flat=True)
        if clash:
            result.failed[article.pk] = f"the text now parses the same as article #{clash[0]}"
            continue
        corrected = {name for name, src in (article.field_sources or {}).items()
                     if isinstance(src, dict) and src.get("source") == "reviewer"}
        new = {
            "title": (document.title or "")[:1000], "byline": (document.byline or "")[:500],
            "url": (document.url or "")[:2000], "published_at": document.published_at,
            "date_uncertainty_hours": document.date_uncertainty_hours if document.published_at else None,
            "language": (document.language or "")[:16], "text": document.text,
            "source_format": (document.source_format or "")[:20],
        }
        if "published_at" in corrected:
            corrected.add("date_uncertainty_hours")
        changes = {k: v for k, v in new.items() if k not in corrected and getattr(article, k) != v}
        with transaction.atomic():
            if "outlet" not in corrected and document.outlet_name:
                outlet = outlet_get_or_create(name=document.outlet_name)
                if outlet is not None and outlet.pk != article.outlet_id:
                    changes["outlet"] = outlet
            if not changes:
                result.unchanged.append(article.pk)
                continue
            before = {k: _display(getattr(article, k)) for k in changes if k != "text"}
            after = {k: _display(v) for k, v in changes.items() if k != "text"}
            if "text" in changes:
                before["text"] = f"{len(article.text)} characters"
                after["text"] = f"{len(document.text)} characters"
                changes["content_hash"] = content_hash
            sources = dict(article.field_sources or {})
            sources.update({k: v for k, v in document.field_sources().items() if k not in corrected})
            changes["field_sources"] = sources
            changes["needs_review"] = document.needs_review
            for key, value in changes.items():
                setattr(article, key, value)
            article.save(update_fields=[*changes.keys(), "updated_at"])
            audit_record(actor=by, action="article.reparse", obj=article, before=before, after=after, reason=reason)
        result.changed.append(article.pk)
    if result.changed:
        ids = list(result.changed)
        transaction.on_commit(lambda: _queue_detection(ids))
    return result


def _queue_detection(article_ids: list[int]) -> None:
    from provenance.review.tasks import detect_articles_task

    detect_articles_task.delay(article_ids)
