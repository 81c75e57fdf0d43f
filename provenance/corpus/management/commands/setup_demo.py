"""Create one demo account per role and load the default outlet list, for the quick start.

Safe to run again: accounts are updated in place (password and role reset to the printed ones).
"""

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from provenance.accounts.roles import ROLES

DEFAULT_PASSWORD_SUFFIX = "-demo-password"


class Command(BaseCommand):
    help = "Create the demo accounts (analyst, reviewer, moderator), load the default outlets, print the credentials."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help="One password for all three accounts (default: <role>-demo-password).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. Demo accounts with known passwords do not belong in production.",
        )
        parser.add_argument(
            "--skip-outlets", action="store_true", help="Do not load the default outlet list."
        )

    def handle(self, *args, password=None, force=False, skip_outlets=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: refusing to create demo accounts with known passwords. Use --force to do it anyway."
            )
        if password is not None and len(password) < 8:
            raise CommandError("--password must be at least 8 characters long.")
        missing = [role for role in ROLES if not Group.objects.filter(name=role).exists()]
        if missing:
            raise CommandError(f"Role groups missing ({', '.join(missing)}): run `python manage.py migrate` first.")

        credentials = []
        with transaction.atomic():
            for role in ROLES:
                credentials.append((role, self._account(role, password or f"{role}{DEFAULT_PASSWORD_SUFFIX}")))
            if not skip_outlets:
                outlets = self._load_outlets()

        if not skip_outlets:
            self.stdout.write(f"Default outlet list loaded ({outlets}).")
        self.stdout.write(self.style.SUCCESS("Demo accounts (username / password):"))
        for role, (username, secret) in credentials:
            self.stdout.write(f"  {role:<10} {username} / {secret}")

    def _account(self, role: str, password: str) -> tuple[str, str]:
        user, _created = User.objects.get_or_create(
            username=role, defaults={"email": f"{role}@example.org", "first_name": role.title()}
        )
        user.set_password(password)
        user.is_active = True
        # Moderators work in the admin; nobody in the demo is a superuser.
        user.is_staff = role == "moderator"
        user.is_superuser = False
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        return user.username, password

    def _load_outlets(self) -> str:
        from provenance.corpus.services import outlets_load_defaults

        result = outlets_load_defaults()
        return str(result) if result is not None else "done"
