"""The quick start's demo accounts: one per role, idempotent, with the printed passwords working."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse

from provenance.accounts.roles import role_of
from provenance.corpus.models import Outlet


def run_setup_demo(*args: str) -> str:
    out = StringIO()
    call_command("setup_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


def test_it_creates_one_account_per_role_and_prints_working_credentials(db, client, debug_on):
    output = run_setup_demo()
    for role in ("analyst", "reviewer", "moderator"):
        line = next(line for line in output.splitlines() if line.split()[:1] == [role])
        username, password = line.split()[1], line.split()[3]
        user = User.objects.get(username=username)
        assert role_of(user) == role
        assert user.is_staff == (role == "moderator") and not user.is_superuser
        response = client.post(reverse("login"), {"username": username, "password": password, "next": "/healthz"})
        assert response.status_code == 302, f"{role} cannot sign in with the printed password"
        assert response.url == "/healthz"
        client.logout()


def test_it_can_run_twice_and_takes_a_password(db, debug_on):
    run_setup_demo()
    outlets = Outlet.objects.count()
    output = run_setup_demo("--password", "another-long-secret")
    assert User.objects.filter(username__in=["analyst", "reviewer", "moderator"]).count() == 3
    assert User.objects.count() == 3
    assert Outlet.objects.count() == outlets > 0
    assert "reviewer / another-long-secret" in output
    assert User.objects.get(username="reviewer").check_password("another-long-secret")
    assert User.objects.get(username="reviewer").groups.count() == 1


def test_it_refuses_to_run_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        run_setup_demo()
    assert not User.objects.exists()
    run_setup_demo("--force", "--skip-outlets")
    assert User.objects.count() == 3


def test_it_refuses_a_short_password(db, debug_on):
    with pytest.raises(CommandError, match="at least 8"):
        run_setup_demo("--password", "short")
    assert not User.objects.exists()
