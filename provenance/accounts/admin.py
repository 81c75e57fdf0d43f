"""User admin for moderators: roles at a glance, deactivate/reactivate with a reason.

Moderators who are not superusers cannot grant superuser or staff status or raw permissions, and
cannot edit superusers: the admin must not be a path to more power than the moderator role.
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied

from provenance.accounts import roles
from provenance.accounts.services import user_deactivate, user_reactivate
from provenance.admin_site import AuditedAdmin, reason_action
from provenance.review.moderation import ModerationError

admin.site.unregister(User) if admin.site.is_registered(User) else None
admin.site.unregister(Group) if admin.site.is_registered(Group) else None

PRIVILEGED_FIELDS = ("is_superuser", "is_staff", "user_permissions")


@admin.register(User)
class ProvenanceUserAdmin(AuditedAdmin, UserAdmin):
    audit_name = "user"
    list_display = ["username", "email", "role", "is_active", "is_superuser", "last_login", "date_joined"]
    list_filter = ["is_active", "is_superuser", "groups"]
    search_fields = ["username", "email", "first_name", "last_name"]
    actions = ["deactivate_users", "reactivate_users"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Role")
    def role(self, obj):
        names = {group.name for group in obj.groups.all()}
        if obj.is_superuser:
            return "superuser"
        for role in reversed(roles.ROLES):
            if role in names:
                return role
        return "— (no access)"

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "history"]
        if not request.user.is_superuser:
            readonly += [*PRIVILEGED_FIELDS, "is_active", "last_login", "date_joined"]
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            fieldsets = [*fieldsets, ("History", {"fields": ["history"]})]
        return fieldsets

    def user_change_password(self, request, id, form_url=""):
        # Setting someone else's password is a superuser's job: it would let a moderator become that user.
        if not request.user.is_superuser:
            raise PermissionDenied("Only a superuser can set another user's password.")
        return super().user_change_password(request, id, form_url)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Users are deactivated, not deleted: their decisions and notes stay attributed to them.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        before = sorted(form.instance.groups.values_list("name", flat=True)) if change else []
        super().save_related(request, form, formsets, change)
        after = sorted(form.instance.groups.values_list("name", flat=True))
        if before != after:
            from provenance.review.audit import audit_record

            audit_record(actor=request.user, action="user.groups", obj=form.instance, before={"groups": before},
                         after={"groups": after}, reason="Roles changed in the admin")

    @reason_action(description="Deactivate selected users")
    def deactivate_users(self, request, queryset, data):
        done, errors = 0, []
        for user in queryset:
            try:
                user_deactivate(user=user, by=request.user, reason=data["reason"])
                done += 1
            except ModerationError as exc:
                errors.append(str(exc))
        return f"{done} user(s) deactivated." + (f" Not done: {'; '.join(errors)}" if errors else "")

    @reason_action(description="Reactivate selected users")
    def reactivate_users(self, request, queryset, data):
        done, errors = 0, []
        for user in queryset:
            try:
                user_reactivate(user=user, by=request.user, reason=data["reason"])
                done += 1
            except ModerationError as exc:
                errors.append(str(exc))
        return f"{done} user(s) reactivated." + (f" Not done: {'; '.join(errors)}" if errors else "")


@admin.register(Group)
class ProvenanceGroupAdmin(AuditedAdmin, GroupAdmin):
    audit_name = "group"
