"""The three roles. Each is a group; a role includes the powers of the ones before it."""

ANALYST = "analyst"
REVIEWER = "reviewer"
MODERATOR = "moderator"
ROLES = (ANALYST, REVIEWER, MODERATOR)


def _groups(user) -> set[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    cached = getattr(user, "_role_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_groups = cached
    return cached


def is_moderator(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active) or MODERATOR in _groups(user)


def is_reviewer(user) -> bool:
    return is_moderator(user) or REVIEWER in _groups(user)


def is_analyst(user) -> bool:
    return is_reviewer(user) or ANALYST in _groups(user)


def role_of(user) -> str | None:
    if is_moderator(user):
        return MODERATOR
    if is_reviewer(user):
        return REVIEWER
    if is_analyst(user):
        return ANALYST
    return None
