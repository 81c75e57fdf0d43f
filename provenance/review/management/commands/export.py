"""Export articles, links and chains: `python manage.py export --format json|csv|prov [--output FILE]`."""

import io
import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from provenance.review.exporters import FORMATS, export


class Command(BaseCommand):
    help = "Export the corpus's articles, links and chains (format documented in docs/export-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args, format="json", output=None, **options):
        if not output or output == "-":
            buffer = io.StringIO()
            export(format, buffer)
            self.stdout.write(buffer.getvalue(), ending="")
            return
        target = Path(output)
        if target.is_dir():
            raise CommandError(f"{output} is a folder; give a file name")
        if not target.parent.exists():
            raise CommandError(f"folder {target.parent} does not exist")
        # Write to a temporary file first: a failed export never leaves half a file behind.
        try:
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        except OSError as exc:
            raise CommandError(f"cannot write to {target.parent}: {exc.strerror or exc}") from None
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                data = export(format, out)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        print(
            f"Wrote {len(data['articles'])} articles, {len(data['links'])} links and {len(data['chains'])} chains "
            f"as {format} to {target}",
            file=sys.stderr,
        )
