"""Writes on accounts: moderators deactivate and reactivate users, with a reason and an audit event."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from provenance.review.audit import audit_record
from provenance.review.moderation import ModerationError, _require


def _end_sessions(user: User) -> int:
    """Sign the user out everywhere (inactive users are refused anyway; this frees their sessions).

    Through the session engine, not the table: with cached sessions a copy in the cache would
    otherwise outlive the row and come back to life if the account is reactivated.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


def user_deactivate(*, user: User, by, reason: str) -> User:
    """The user can no longer sign in; everything they did stays, attributed to them."""
    reason = _require(by=by, reason=reason)
    if user.pk == by.pk:
        raise ModerationError("You cannot deactivate your own account.")
    if user.is_superuser and not by.is_superuser:
        raise ModerationError("Only a superuser can deactivate a superuser.")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            raise ModerationError(f"{user.get_username()} is already inactive.")
        user.is_active = False
        user.save(update_fields=["is_active"])
        sessions = _end_sessions(user)
        audit_record(actor=by, action="user.deactivate", obj=user, before={"is_active": True},
                     after={"is_active": False, "sessions_ended": sessions}, reason=reason)
    return user


def user_reactivate(*, user: User, by, reason: str) -> User:
    reason = _require(by=by, reason=reason)
    if user.is_superuser and not by.is_superuser:
        raise ModerationError("Only a superuser can reactivate a superuser.")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active:
            raise ModerationError(f"{user.get_username()} is already active.")
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_record(actor=by, action="user.reactivate", obj=user, before={"is_active": False},
                     after={"is_active": True}, reason=reason)
    return user
