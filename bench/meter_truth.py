"""The METER truth pairs as the engine reads them, for the bench scripts that study the classification
(meter_cv.py, meter_features.py). Needs Django set up, with DATABASE_URL naming a database kept by
`manage.py evaluate … --keep DIR` (DIR/evaluation.sqlite3).
"""

import json
from collections.abc import Callable, Iterator
from pathlib import Path


def article_reader() -> Callable:
    """article(path) -> ArticleData, or None when no article has that path. The paths of files ingested
    as exact duplicates read the article they duplicate; each article is read and tokenised once."""
    from provenance.corpus.models import Article, UploadItem
    from provenance.detect.links import ArticleData
    from provenance.detect.text import tokenize

    rows = {a.path: a for a in Article.objects.select_related("outlet")}
    duplicates = UploadItem.objects.filter(outcome="duplicate", article__isnull=False)
    for item in duplicates.select_related("upload_file", "article__outlet"):
        rows.setdefault(item.upload_file.original_name, item.article)
    data: dict[int, ArticleData] = {}

    def article(path: str) -> ArticleData | None:
        row = rows.get(path)
        if row is None:
            return None
        if row.id not in data:
            data[row.id] = ArticleData(
                id=row.id, text=row.text, outlet_id=row.outlet_id, outlet_name=row.outlet.name if row.outlet else "",
                outlet_kind=row.outlet.kind if row.outlet else "", published_at=row.published_at,
                date_uncertainty_hours=row.date_uncertainty_hours, tokens=tokenize(row.text),
            )
        return data[row.id]

    return article


def truth_targets(truth_path: str) -> Iterator[tuple[dict, str, list[str], str]]:
    """(entry, truth class, the paths of its truth sources, story) for every target of the truth file:
    the derived ones with their `source_any_of`, the unlinked ones ("none") with their `not_from`."""
    truth = json.loads(Path(truth_path).read_text("utf-8"))
    for entry in truth.get("links", []):
        yield entry, entry["kind"], entry["source_any_of"], _story(entry)
    for entry in truth.get("unlinked", []):
        yield entry, "none", entry["not_from"], _story(entry)


def _story(entry: dict) -> str:
    """The story folder of a METER path (…/showbiz/<date>/<story>/file.txt): folds never split a story."""
    return "/".join(entry["target"].split("/")[-3:-1])
