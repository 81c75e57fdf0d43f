"""A GIN index for the review queue's full-text search over article titles and bodies.

PostgreSQL only (SQLite falls back to a substring search); the expression must stay identical to
provenance.review.selectors.ARTICLE_TSVECTOR_SQL for the planner to use it.
"""

from django.db import migrations

INDEX = "corpus_article_fulltext"
EXPRESSION = "to_tsvector('english', coalesce(title, '') || ' ' || coalesce(text, ''))"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON corpus_article USING gin ({EXPRESSION})")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0001_initial"),
        ("corpus", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
