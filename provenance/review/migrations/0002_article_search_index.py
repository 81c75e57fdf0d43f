"""Full-text search for the review queue and the article list, PostgreSQL only.

A stored generated tsvector column on corpus_article with a GIN index. It is computed by PostgreSQL
on every insert or update, so no model or service has to maintain it, and it stays out of the Django
model (the ORM never reads or writes it; provenance.review.selectors.article_search queries it).
Computing to_tsvector at query time instead costs ~0.5 ms per article: seconds for a common word.
SQLite has neither; the selectors fall back to a substring search there.
"""

from django.db import migrations

COLUMN = "search_vector"
INDEX = "corpus_article_search_vector"
EXPRESSION = "to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || coalesce(text, ''))"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE corpus_article ADD COLUMN IF NOT EXISTS {COLUMN} tsvector "
        f"GENERATED ALWAYS AS ({EXPRESSION}) STORED"
    )
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON corpus_article USING gin ({COLUMN})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(f"ALTER TABLE corpus_article DROP COLUMN IF EXISTS {COLUMN}")


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0001_initial"),
        ("corpus", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
