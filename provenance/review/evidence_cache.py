"""Evidence as the review pages show it, rendered once and cached under a digest of what it is drawn from.

A link's evidence (credit sentences, word diffs of its shared passages, dates) costs about a
millisecond per link to compute and render, and much more for long articles. It changes only when
its inputs change, so each key is a digest of all of them: the link's kind, reasons and evidence,
each article's text (its content hash and last save), title and date, the outlets' names. A
correction, a re-detection or an outlet's new name makes a new key at once, whatever code path wrote
it (detection's bulk updates included), with nothing to invalidate; old entries expire. The default
cache holds them (Redis in production, shared by the workers); the code version in each key keeps
a deploy from serving markup rendered by older code.
"""

import hashlib
from functools import cache as memoize
from pathlib import Path

from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe

from provenance.corpus.models import Article
from provenance.review.templatetags import evidence as ev

EVIDENCE_TEMPLATE = "review/link_detail.html#evidence"
CACHE_SECONDS = 24 * 3600


@memoize
def _code_version() -> str:
    """Changes with the evidence template or any code that shapes what it shows (its tags and filters,
    the aligner behind shared passages, how outlets and articles print), so a deploy never serves
    markup rendered by older code from the shared cache."""
    template = Path(get_template(EVIDENCE_TEMPLATE.partition("#")[0]).origin.name)
    package = Path(__file__).resolve().parent.parent  # provenance/
    sources = [template, *sorted((package / "review" / "templatetags").glob("*.py")),
               *sorted((package / "detect").glob("*.py")), package / "corpus" / "models.py"]
    digest = hashlib.sha1()
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _digest(*parts) -> str:
    return hashlib.sha1(repr(parts).encode()).hexdigest()


def _article_part(article: Article | None) -> tuple:
    if article is None:
        return ()
    outlet = article.outlet
    # updated_at moves with every save of the article (a re-parsed text whose normalised hash is the same too).
    return (article.pk, article.content_hash, article.updated_at, article.title, article.published_at,
            (outlet.name, outlet.aliases) if outlet else None)


def _evidence_key(link) -> str:
    source_outlet = link.source_outlet
    return "link-evidence:" + _digest(
        _code_version(), link.pk, link.kind, link.reasons, link.evidence,
        _article_part(link.source_article if link.source_article_id else None),
        (source_outlet.name, source_outlet.aliases) if link.source_outlet_id else None,
        _article_part(link.target),
    )


def links_evidence_html(links) -> dict[int, SafeString]:
    """The rendered evidence fragment of each link, by link id: from the cache, or rendered and cached."""
    keys = {link.pk: _evidence_key(link) for link in links}
    found = cache.get_many(list(keys.values()))
    missing = [link for link in links if keys[link.pk] not in found]
    rendered = {}
    for link in missing:
        rendered[keys[link.pk]] = render_to_string(EVIDENCE_TEMPLATE, {"link": link, **ev.link_evidence(link)})
    if rendered:
        cache.set_many(rendered, CACHE_SECONDS)
    found.update(rendered)
    return {pk: mark_safe(found[key]) for pk, key in keys.items()}


def shared_passages(a: Article, b: Article) -> list[ev.Passage]:
    """The passages two articles share (an alignment of both texts), cached by their content hashes."""
    key = "shared-passages:" + _digest(_code_version(), a.content_hash, a.updated_at, b.content_hash, b.updated_at)
    passages = cache.get(key)
    if passages is None:
        passages = ev.shared_passages(a.text, b.text)
        cache.set(key, passages, CACHE_SECONDS)
    return passages
