"""Helpers for detection tests: put plain texts into the corpus the way ingestion would."""

import hashlib
from datetime import datetime, timezone as dt_timezone

from provenance.corpus.models import Article, Outlet
from provenance.corpus.outlets import outlet_directory_changed
from provenance.corpus.services import outlets_load_defaults


def load_outlets() -> None:
    outlets_load_defaults()
    outlet_directory_changed()


def add_article(text: str, *, outlet: str | None = None, published: str | None = None, path: str = "",
                title: str = "", uncertainty: float | None = 12.0) -> Article:
    outlet_row = Outlet.objects.get(name=outlet) if outlet else None
    published_at = (
        datetime.fromisoformat(published).replace(tzinfo=dt_timezone.utc) if published else None
    )
    content_hash = hashlib.sha256(text.encode()).hexdigest()
    duplicate = Article.objects.filter(content_hash=content_hash).first()
    if duplicate is not None:
        return duplicate
    return Article.objects.create(
        outlet=outlet_row,
        text=text,
        raw_text=text,
        title=title,
        path=path or f"{hashlib.sha1(text.encode()).hexdigest()[:8]}.txt",
        content_hash=content_hash,
        published_at=published_at,
        date_uncertainty_hours=uncertainty if published else None,
    )
