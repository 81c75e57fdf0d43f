"""Run detection: `python manage.py detect --all` or `python manage.py detect ARTICLE_ID...`."""

import time

from django.core.management.base import BaseCommand, CommandError

from provenance.corpus.models import Article
from provenance.review.detection import detect_all, detect_articles


class Command(BaseCommand):
    help = "Detect credits, text reuse, links and chains for the given articles, or for all of them."

    def add_arguments(self, parser):
        parser.add_argument("article_ids", nargs="*", type=int, metavar="ARTICLE_ID")
        parser.add_argument("--all", action="store_true", help="Detect every visible article.")

    def handle(self, *args, article_ids, all=False, **options):
        if all == bool(article_ids):
            raise CommandError("give either --all or one or more article ids")
        started = time.monotonic()
        if all:
            report = detect_all()
        else:
            impossible = sorted({i for i in article_ids if not 1 <= i <= 2**63 - 1})
            if impossible:
                raise CommandError(f"no article with id {', '.join(map(str, impossible))} (ids are positive integers)")
            known = set(Article.objects.filter(id__in=article_ids).values_list("id", flat=True))
            unknown = sorted(set(article_ids) - known)
            if unknown:
                raise CommandError(f"no article with id {', '.join(map(str, unknown))}")
            report = detect_articles(article_ids)
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"{len(report.articles)} article(s) in {elapsed:.1f}s: {report.credits_found} credit(s); links "
            f"{len(report.links_created)} created, {len(report.links_updated)} updated, "
            f"{len(report.links_removed)} removed, {len(report.links_stale)} stale; chains "
            f"{len(report.chains_created)} created, {len(report.chains_removed)} removed, "
            f"{len(report.chains_stale)} stale."
        )
