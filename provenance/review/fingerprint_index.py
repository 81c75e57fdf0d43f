"""The fingerprint index in the database: storing (band, value) rows and looking them up.

Every lookup is a set of exact (band, value) probes of the fingerprint_band_value index, bounded per
value, so the cost of finding candidates does not grow with the size of the corpus.
PostgreSQL gets the pairs as two arrays joined LATERAL with a LIMIT; SQLite (development and tests)
gets a VALUES list and a correlated subquery with the same LIMIT.
"""

from collections import defaultdict

from django.db import connection

from provenance.corpus.models import Article, ArticleFingerprint
from provenance.detect.fingerprints import TOPIC_BAND_BASE

MAX_VALUE_ARTICLES = 50
# Topic word pairs are weaker evidence: one shared by more articles than this is too common to count.
MAX_TOPIC_ARTICLES = 20
# An anchor found in this many articles of one outlet is that outlet's boilerplate.
BOILERPLATE_MIN_ARTICLES = 15
BOILERPLATE_SCAN = 200


def index_store(rows_of: dict[int, list[tuple[int, int]]]) -> None:
    """Replace the fingerprint rows of these articles."""
    ids = list(rows_of)
    ArticleFingerprint.objects.filter(article_id__in=ids).delete()
    if connection.vendor == "postgresql":
        # COPY is several times faster than INSERT for the ~200 rows each article has.
        with connection.cursor() as cursor:
            with cursor.cursor.copy(
                f"COPY {ArticleFingerprint._meta.db_table} (article_id, band, value) FROM STDIN"
            ) as copy:
                for i in ids:
                    for band, value in rows_of[i]:
                        copy.write_row((i, band, value))
        return
    ArticleFingerprint.objects.bulk_create(
        [ArticleFingerprint(article_id=i, band=band, value=value) for i in ids for band, value in rows_of[i]],
        batch_size=2000,
    )


def index_shared_rows_many(rows_of: dict[int, list[tuple[int, int]]]) -> dict[int, list[tuple[int, int, int]]]:
    """index_shared_rows for many articles in one PostgreSQL query (fewer round trips, same probes)."""
    table = ArticleFingerprint._meta.db_table
    owners: dict[tuple[int, int], set[int]] = defaultdict(set)
    for article_id, rows in rows_of.items():
        for row in rows:
            owners[row].add(article_id)
    keys = list(owners)
    matched: dict[tuple[int, int], list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT q.band, q.value, m.article_id
            FROM unnest(%s::integer[], %s::bigint[]) AS q(band, value)
            CROSS JOIN LATERAL (
                SELECT f.article_id FROM {table} f WHERE f.band = q.band AND f.value = q.value LIMIT %s
            ) m
            """,
            [[band for band, _ in keys], [value for _, value in keys], MAX_VALUE_ARTICLES + 2],
        )
        for band, value, other in cursor.fetchall():
            matched.setdefault((band, value), []).append(other)
    out: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (band, value), others in matched.items():
        for article_id in owners[(band, value)]:
            rest = [o for o in others if o != article_id]
            # LIMIT 52 read the article itself at most once: 51 others means "more than 50".
            limit = MAX_TOPIC_ARTICLES if band >= TOPIC_BAND_BASE else MAX_VALUE_ARTICLES
            if len(rest) > limit or len(others) > MAX_VALUE_ARTICLES + 1:
                continue
            out[article_id].extend((o, band, len(rest)) for o in rest)
    everyone = {o for rows in out.values() for o, _, _ in rows}
    visible = set(Article.objects.filter(id__in=everyone, hidden=False).values_list("id", flat=True))
    return {article_id: [row for row in rows if row[0] in visible] for article_id, rows in out.items()}


def index_shared_rows(article_id: int, rows: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """(article, band, how many articles share the value) for every visible article holding one of
    these (band, value) rows.

    Exact (band, value) probes of the index, each reading at most MAX_VALUE_ARTICLES + 1 rows, so
    the cost does not grow with the corpus; values that more articles share (stock phrases, common
    names) are left out, since they point at nothing in particular.
    """
    table = ArticleFingerprint._meta.db_table
    matched: dict[tuple[int, int], list[int]] = defaultdict(list)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Two array parameters rather than hundreds of scalars: no client-side query building.
            cursor.execute(
                f"""
                SELECT q.band, q.value, m.article_id
                FROM unnest(%s::integer[], %s::bigint[]) AS q(band, value)
                CROSS JOIN LATERAL (
                    SELECT f.article_id FROM {table} f
                    WHERE f.band = q.band AND f.value = q.value AND f.article_id <> %s LIMIT %s
                ) m
                """,
                [[band for band, _ in rows], [value for _, value in rows], article_id, MAX_VALUE_ARTICLES + 1],
            )
            for band, value, other in cursor.fetchall():
                matched[(band, value)].append(other)
        else:
            for start in range(0, len(rows), 400):
                chunk = rows[start : start + 400]
                values_sql = ", ".join(["(%s, %s)"] * len(chunk))
                # No LATERAL in SQLite: a correlated subquery with the same LIMIT bounds each probe.
                cursor.execute(
                    f"""
                    WITH q(band, value) AS (VALUES {values_sql})
                    SELECT f.band, f.value, f.article_id FROM q
                    JOIN {table} f ON f.id IN (
                        SELECT g.id FROM {table} g
                        WHERE g.band = q.band AND g.value = q.value AND g.article_id <> %s LIMIT %s
                    )
                    """,
                    [x for row in chunk for x in row] + [article_id, MAX_VALUE_ARTICLES + 1],
                )
                for band, value, other in cursor.fetchall():
                    matched[(band, value)].append(other)
    out = [
        (other, band, len(others))
        for (band, value), others in matched.items()
        if len(others) <= (MAX_TOPIC_ARTICLES if band >= TOPIC_BAND_BASE else MAX_VALUE_ARTICLES)
        for other in others
    ]
    visible = set(
        Article.objects.filter(id__in={other for other, _, _ in out}, hidden=False).values_list("id", flat=True)
    )
    return [row for row in out if row[0] in visible]


def index_common_in_outlet(outlet_id: int, rows: list[tuple[int, int]]) -> set[int]:
    """The values among `rows` that at least BOILERPLATE_MIN_ARTICLES articles of the outlet hold."""
    common: set[int] = set()
    if not rows:
        return common
    table, articles = ArticleFingerprint._meta.db_table, Article._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Each value reads a bounded number of rows, whatever the corpus size.
            cursor.execute(
                f"""
                SELECT q.value FROM unnest(%s::integer[], %s::bigint[]) AS q(band, value)
                CROSS JOIN LATERAL (
                    SELECT 1 FROM (
                        SELECT f.article_id FROM {table} f
                        WHERE f.band = q.band AND f.value = q.value LIMIT {BOILERPLATE_SCAN}
                    ) s JOIN {articles} a ON a.id = s.article_id
                    WHERE a.outlet_id = %s LIMIT %s
                ) m
                GROUP BY q.value HAVING COUNT(*) >= %s
                """,
                [[b for b, _ in rows], [v for _, v in rows], outlet_id, BOILERPLATE_MIN_ARTICLES,
                 BOILERPLATE_MIN_ARTICLES],
            )
            return {value for (value,) in cursor.fetchall()}
        for start in range(0, len(rows), 400):
            chunk = rows[start : start + 400]
            cursor.execute(
                f"""
                WITH q(band, value) AS (VALUES {", ".join(["(%s, %s)"] * len(chunk))})
                SELECT f.value FROM {table} f
                JOIN q ON f.band = q.band AND f.value = q.value
                JOIN {articles} a ON a.id = f.article_id
                WHERE a.outlet_id = %s
                GROUP BY f.value HAVING COUNT(DISTINCT f.article_id) >= %s
                """,
                [x for row in chunk for x in row] + [outlet_id, BOILERPLATE_MIN_ARTICLES],
            )
            common.update(value for (value,) in cursor.fetchall())
    return common
