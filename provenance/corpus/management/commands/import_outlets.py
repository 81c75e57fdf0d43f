"""Merge an outlet list into the registry: a CSV like sites_of_concern.csv, or JSON like outlets.json."""

from django.core.management.base import BaseCommand, CommandError

from provenance.corpus.services import OutletListError, outlets_import_file, outlets_load_defaults


class Command(BaseCommand):
    help = (
        "Import outlets from FILE (CSV with Domain/Name/Source/Threat Actor columns, or JSON like "
        "provenance/corpus/data/outlets.json). Without FILE, load the default list. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", metavar="FILE")
        parser.add_argument("--verbose-skips", action="store_true", help="List every skipped row.")

    def handle(self, *args, files, verbose_skips=False, **options):
        jobs = [(path, lambda path=path: outlets_import_file(path=path)) for path in files] or [
            ("default outlet list", outlets_load_defaults)
        ]
        for label, job in jobs:
            try:
                summary = job()
            except OutletListError as exc:
                raise CommandError(f"{label}: {exc}") from None
            self.stdout.write(f"{label}: {summary}")
            for reason in summary.skipped if verbose_skips else summary.skipped[:5]:
                self.stdout.write(f"  skipped {reason}")
            if len(summary.skipped) > 5 and not verbose_skips:
                self.stdout.write(f"  ... {len(summary.skipped) - 5} more (--verbose-skips)")
