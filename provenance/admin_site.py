"""The admin site: for moderators and superusers only (is_staff alone is not enough).

The admin's own login form is not used: it would bypass login throttling. Anonymous visitors are
sent to the app's login page; signed-in users without the moderator role get 403.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator

from provenance.accounts.roles import is_moderator


class ProvenanceAdminSite(admin.AdminSite):
    site_header = "Provenance moderation"
    site_title = "Provenance admin"
    index_title = "Moderation"

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_authenticated and is_moderator(user))

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not self.has_permission(request):
                if request.user.is_authenticated:
                    raise PermissionDenied("The admin is for moderators.")
                return redirect_to_login(request.get_full_path(), reverse("login"))
            return inner(request, *args, **kwargs)

        return wrapper

    @method_decorator(login_not_required)
    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect("admin:index")
            raise PermissionDenied("The admin is for moderators.")
        next_url = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('login')}?{urlencode({'next': next_url})}")


# --- Shared pieces of the model admins -------------------------------------------------------------

from django import forms  # noqa: E402
from django.contrib import messages  # noqa: E402
from django.contrib.admin import helpers  # noqa: E402
from django.db import models  # noqa: E402
from django.template.response import TemplateResponse  # noqa: E402
from django.utils.html import format_html, format_html_join  # noqa: E402

from provenance.review.audit import audit_history, audit_record  # noqa: E402


class ReasonForm(forms.Form):
    """The intermediate form of a moderation action: why (required)."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), max_length=2000, strip=True,
        help_text="Required. Recorded in the audit log with the action.",
    )

    def __init__(self, *args, queryset=None, **kwargs):
        self.queryset = queryset
        super().__init__(*args, **kwargs)


def apply_each(queryset, func, *, by, reason: str, done: str) -> str:
    """Run a moderation service on each selected object; the ones it refuses are named, not fatal.

    `func(obj, by=..., reason=...)`; the message reads "<count> <done>." plus what was not done.
    """
    from provenance.review.moderation import ModerationError

    count, errors = 0, []
    for obj in queryset:
        try:
            func(obj, by=by, reason=reason)
            count += 1
        except ModerationError as exc:
            errors.append(str(exc))
    return f"{count} {done}." + (" Not done: " + "; ".join(errors) if errors else "")


def reason_action(*, description: str, form_class: type[ReasonForm] = ReasonForm, permission: str = "change"):
    """An admin action that first asks for a reason (and whatever else `form_class` asks).

    The wrapped function gets (modeladmin, request, queryset, cleaned_data) and returns a message;
    it never runs without a valid form.
    """
    from provenance.review.moderation import ModerationError

    def decorator(func):
        def action(modeladmin, request, queryset):
            if request.POST.get("apply") == "yes":
                form = form_class(request.POST, queryset=queryset)
                if form.is_valid():
                    try:
                        message = func(modeladmin, request, queryset, form.cleaned_data)
                    except ModerationError as exc:
                        modeladmin.message_user(request, str(exc), messages.ERROR)
                    else:
                        modeladmin.message_user(request, message, messages.SUCCESS)
                    return None
            else:
                form = form_class(queryset=queryset)
            opts = modeladmin.model._meta
            context = {
                **modeladmin.admin_site.each_context(request),
                "title": description,
                "description": description,
                "form": form,
                "objects": list(queryset[:200]),
                "count": queryset.count(),
                "opts": opts,
                "action_name": func.__name__,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across", "0"),
                "media": modeladmin.media,
            }
            return TemplateResponse(request, "moderation/admin_action.html", context)

        action.__name__ = func.__name__
        action.__qualname__ = func.__qualname__
        action.short_description = description
        action.allowed_permissions = (permission,)
        return action

    return decorator


def _field_value(obj, name: str):
    value = getattr(obj, name, None)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, dict)):
        return value
    return str(value)


class AuditedAdmin(admin.ModelAdmin):
    """Every change and deletion made through the admin is an audit event, and each page shows its history."""

    audit_name: str = ""
    # URLs typed without a scheme are https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def _audit_name(self) -> str:
        return self.audit_name or self.model._meta.model_name

    @staticmethod
    def _audited_fields(obj, names) -> list[str]:
        """Concrete, non-secret fields: many-to-many changes are recorded by save_related, passwords never."""
        fields = []
        for name in names:
            try:
                field = obj._meta.get_field(name)
            except Exception:  # noqa: BLE001 - a form-only field
                continue
            if field.concrete and not field.many_to_many and name != "password":
                fields.append(name)
        return fields

    def save_model(self, request, obj, form, change):
        names = self._audited_fields(obj, form.changed_data if change else form.fields)
        before = {}
        if change and obj.pk:
            original = type(obj)._default_manager.filter(pk=obj.pk).first()
            if original is not None:
                before = {name: _field_value(original, name) for name in names}
        super().save_model(request, obj, form, change)
        if change and not names:
            return
        after = {name: _field_value(obj, name) for name in names}
        audit_record(actor=request.user, action=f"{self._audit_name()}.{'change' if change else 'create'}",
                     obj=obj, before=before, after=after, reason="Edited in the admin")

    def deletion_blockers(self, obj) -> list[str]:
        """Why deleting `obj` would destroy reviewers' work (then it is refused: hide or merge instead)."""
        return []

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = list(protected)
        for obj in objs:
            protected += self.deletion_blockers(obj)
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action=f"{self._audit_name()}.delete", obj=obj,
                     before={"repr": str(obj), "id": obj.pk}, reason="Deleted in the admin")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_record(actor=request.user, action=f"{self._audit_name()}.delete", obj=obj,
                         before={"repr": str(obj), "id": obj.pk}, reason="Deleted in the admin")
        super().delete_queryset(request, queryset)

    @admin.display(description="History")
    def history(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        events = list(audit_history(obj)[:50])
        if not events:
            return "No recorded events."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    event.created_at.strftime("%Y-%m-%d %H:%M"),
                    event.actor.get_username() if event.actor else "system",
                    event.action,
                    _compact(event.before),
                    _compact(event.after),
                    event.reason,
                )
                for event in events
            ),
        )
        return format_html(
            '<table class="audit-history"><thead><tr><th>When</th><th>Who</th><th>Action</th><th>Before</th>'
            "<th>After</th><th>Reason</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )


def _compact(data) -> str:
    if not data:
        return ""
    import json

    text = json.dumps(data, ensure_ascii=False, default=str)
    return text if len(text) <= 300 else text[:297] + "…"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Visible to moderators; nobody adds, changes or deletes rows here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
