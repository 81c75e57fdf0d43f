from provenance.accounts import roles as role_rules


def roles(request):
    user = getattr(request, "user", None)
    return {
        "user_role": role_rules.role_of(user),
        "user_is_reviewer": role_rules.is_reviewer(user),
        "user_is_moderator": role_rules.is_moderator(user),
    }
