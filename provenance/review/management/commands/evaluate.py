"""Evaluate detection on a labelled set, in a fresh database of its own.

    python manage.py evaluate --manifest M --truth T [--no-dates]

The command runs itself again in a subprocess whose DATABASE_URL points at a new SQLite file in a
temporary folder: that process migrates, loads the default outlets, ingests the files of the manifest
through the real upload pipeline (which queues detection, run in-process), and scores the result.
The corpus you work in is never touched.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from provenance.detect.evaluation import score_chains, score_links, truth_problem
from provenance.extract.manifest import read_manifest
from provenance.extract.types import ExtractError


class Command(BaseCommand):
    help = "Ingest a labelled set into a separate, fresh database, run detection and print the scores."

    def add_arguments(self, parser):
        parser.add_argument("--manifest", required=True, help="manifest.csv (path,url,outlet,published_at,title)")
        parser.add_argument("--truth", required=True, help="truth.json: METER-like links/unlinked, or chains")
        parser.add_argument("--no-dates", action="store_true", help="Empty every published_at (text-only mode).")
        parser.add_argument("--json", dest="json_path", help="Also write the scores as JSON to this file.")
        parser.add_argument("--keep", help="Keep the evaluation database in this folder (default: deleted).")
        parser.add_argument("--inside", action="store_true", help=  # internal: the subprocess step
                            "(internal) run in the current database")

    def handle(self, *args, manifest, truth, no_dates=False, json_path=None, keep=None, inside=False, **options):
        manifest_path, truth_path = Path(manifest).resolve(), Path(truth).resolve()
        for path in (manifest_path, truth_path):
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
        try:
            truth_data = json.loads(truth_path.read_text("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"{truth_path}: not a JSON truth file ({exc})") from None
        problem = truth_problem(truth_data)
        if problem:
            raise CommandError(f"{truth_path}: {problem}")
        try:
            manifest_path.read_text("utf-8")
        except UnicodeDecodeError:
            raise CommandError(f"{manifest_path}: not a UTF-8 text file") from None
        if inside:
            result = self._inside(manifest_path, truth_data, no_dates)
            self.stdout.write("RESULT " + json.dumps(result))
            return
        result = self._outside(manifest_path, truth_path, no_dates, keep)
        for line in result["lines"]:
            self.stdout.write(line)
        if json_path:
            Path(json_path).write_text(json.dumps(result, indent=2) + "\n", "utf-8")

    def _outside(self, manifest_path: Path, truth_path: Path, no_dates: bool, keep: str | None) -> dict:
        folder = Path(keep).resolve() if keep else Path(tempfile.mkdtemp(prefix="provenance-eval-"))
        folder.mkdir(parents=True, exist_ok=True)
        database = folder / "evaluation.sqlite3"
        database.unlink(missing_ok=True)
        env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DATABASE_URL"}}
        env.update(
            DATABASE_URL=f"sqlite:///{database}",
            VAR_DIR=str(folder),
            MEDIA_ROOT=str(folder / "media"),
            DJANGO_SETTINGS_MODULE="provenance.settings",
        )
        command = [
            sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "evaluate", "--inside",
            "--manifest", str(manifest_path), "--truth", str(truth_path),
        ] + (["--no-dates"] if no_dates else [])
        try:
            process = subprocess.run(command, env=env, capture_output=True, text=True, cwd=settings.BASE_DIR)
        finally:
            if not keep:
                for path in sorted(folder.rglob("*"), reverse=True):
                    path.unlink() if path.is_file() else path.rmdir()
                folder.rmdir()
        lines = [line for line in process.stdout.splitlines() if line.startswith("RESULT ")]
        if process.returncode or not lines:
            tail = "\n".join((process.stderr or process.stdout).strip().splitlines()[-15:])
            raise CommandError(f"evaluation failed:\n{tail}")
        return json.loads(lines[-1][len("RESULT "):])

    def _inside(self, manifest_path: Path, truth: dict, no_dates: bool) -> dict:
        from provenance.corpus.models import Article, UploadItem
        from provenance.corpus.outlets import outlet_directory_changed
        from provenance.corpus.services import outlets_load_defaults
        from provenance.review.detection import detect_all
        from provenance.review.exporters import export_data

        call_command("migrate", verbosity=0, interactive=False)
        outlets_load_defaults()
        outlet_directory_changed()
        root = manifest_path.parent
        try:
            rows = read_manifest(manifest_path.read_bytes(), name=manifest_path.name)
        except ExtractError as exc:
            raise CommandError(f"{manifest_path}: {exc}") from None
        files = [str(root / row["path"].strip()) for row in rows.values()]
        missing = [f for f in files if not Path(f).is_file()]
        if missing:
            raise CommandError(f"{len(missing)} file(s) of the manifest are missing, e.g. {missing[0]}")
        started = time.monotonic()
        quiet = open(os.devnull, "w")
        call_command("ingest", *files, manifest=str(manifest_path), wait=True, stdout=quiet)
        ingest_seconds = time.monotonic() - started
        if no_dates:
            # Text-only mode: forget every date, then detect again from scratch.
            Article.objects.update(published_at=None, date_uncertainty_hours=None)
            started = time.monotonic()
            detect_all()
            detect_seconds = time.monotonic() - started
        else:
            detect_seconds = None
        data = export_data()
        result = {
            "articles": len(data["articles"]),
            "links": len(data["links"]),
            "chains": len(data["chains"]),
            "no_dates": no_dates,
            "ingest_and_detect_seconds": round(ingest_seconds, 1),
            "redetect_seconds": round(detect_seconds, 1) if detect_seconds is not None else None,
        }
        lines = [
            f"{len(data['articles'])} articles ingested from {len(files)} files "
            f"({ingest_seconds:.1f}s ingest + detection{'; dates removed, re-detected in %.1fs' % detect_seconds if no_dates else ''});"
            f" {len(data['links'])} links, {len(data['chains'])} chains"
        ]
        if "links" in truth or "unlinked" in truth:
            # A file whose text another file already had is one article: score it under both paths.
            aliases = {}
            for item in UploadItem.objects.filter(outcome=UploadItem.Outcome.DUPLICATE, article__isnull=False).select_related("upload_file"):
                name = item.upload_file.original_name if item.upload_file_id else ""
                aliases[f"{name}/{item.member_path}" if item.member_path else name] = item.article_id
            scores = score_links(truth, data["articles"], data["links"], path_aliases=aliases)
            result.update(
                precision=scores.precision, recall=scores.recall, f1=scores.f1, macro_f1=scores.macro_f1,
                per_class_f1=scores.per_class_f1, direction_accuracy=scores.direction_accuracy,
                direction_pairs=scores.direction_pairs, sibling_links=scores.sibling_links,
                false_sources=scores.false_sources, targets=scores.targets,
                confusion={f"{t}->{p}": n for (t, p), n in scores.confusion.items()},
                missing_paths=sorted(set(scores.missing_paths))[:20],
            )
            lines += scores.lines()
            if scores.missing_paths:
                lines.append(f"truth paths not ingested: {len(set(scores.missing_paths))}")
        if "chains" in truth:
            chains = score_chains(truth, data["articles"], data["chains"])
            result.update(chains_expected=chains.expected, chains_found=chains.found, chains_missed=chains.missed,
                          chains_spurious=chains.spurious)
            lines += chains.lines()
        result["lines"] = lines
        return result
