"""Moderators' pages: the audit log and the queue of disputed links (two-reviewer mode)."""

from datetime import date, datetime, time, timedelta
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event
from django_htmx.middleware import HtmxDetails

from provenance.accounts.roles import is_moderator
from provenance.review.models import AuditEvent, Chain, Link
from provenance.review.moderation import (
    FINAL_VERDICTS,
    ModerationError,
    chain_overturn,
    disputed_chains,
    disputed_links,
    link_overturn,
)

AUDIT_APPS = ("corpus", "review", "auth")
PAGE_SIZE = 50


class HtmxHttpRequest:  # typing only: django-htmx adds `.htmx` to every request
    htmx: HtmxDetails


def moderator_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_moderator(request.user):
            raise PermissionDenied("This page is for moderators.")
        return view(request, *args, **kwargs)

    return wrapper


# --- Audit log -----------------------------------------------------------------------------------


def _object_type_choices() -> list[tuple[str, str]]:
    """The types of object the audit log has events about (not every internal model of the apps)."""
    types = ContentType.objects.filter(
        app_label__in=AUDIT_APPS, pk__in=AuditEvent.objects.values("content_type_id")
    ).order_by("model")
    return [("", "Any object")] + [(f"{ct.app_label}.{ct.model}", ct.model.replace("_", " ")) for ct in types]


class AuditFilterForm(forms.Form):
    user = forms.CharField(required=False, max_length=150, label="User")
    object_type = forms.ChoiceField(required=False, label="Object type")
    object_id = forms.CharField(required=False, max_length=64, label="Object id")
    action = forms.CharField(required=False, max_length=60, label="Action",
                             help_text="Exact (link.confirm) or a prefix (link.)")
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = _object_type_choices()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            raise forms.ValidationError("The start date is after the end date.")
        return cleaned


def audit_events(cd: dict):
    """The audit events matching the cleaned filter values, newest first."""
    events = AuditEvent.objects.select_related("actor", "content_type")
    if cd.get("user"):
        events = events.filter(actor__username__iexact=cd["user"].strip())
    if cd.get("object_type"):
        app_label, model = cd["object_type"].split(".", 1)
        events = events.filter(content_type__app_label=app_label, content_type__model=model)
    if cd.get("object_id"):
        events = events.filter(object_id=cd["object_id"].strip())
    action = (cd.get("action") or "").strip()
    if action:
        events = events.filter(action__startswith=action) if action.endswith(".") else events.filter(action=action)
    tz = timezone.get_current_timezone()
    if cd.get("date_from"):
        events = events.filter(created_at__gte=datetime.combine(cd["date_from"], time.min, tzinfo=tz))
    if cd.get("date_to") and cd["date_to"] < date.max:  # up to the last day there is: no upper bound
        events = events.filter(created_at__lt=datetime.combine(cd["date_to"] + timedelta(days=1), time.min, tzinfo=tz))
    return events


@require_GET
@vary_on_headers("HX-Request")
@moderator_required
def audit_log(request: HtmxHttpRequest) -> HttpResponse:
    template_name = "moderation/audit_log.html"
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        events = audit_events(form.cleaned_data)
    elif form.is_bound:
        events = AuditEvent.objects.none()
    else:
        events = audit_events({})
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "actions": AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct(),
        "usernames": User.objects.filter(audit_events__isnull=False).order_by("username")
        .values_list("username", flat=True).distinct(),
    }
    if request.htmx:
        template_name += "#results"
    return render(request, template_name, context)


# --- Disputed links ------------------------------------------------------------------------------


class ResolveForm(forms.Form):
    verdict = forms.ChoiceField(choices=[(v.value, v.label) for v in FINAL_VERDICTS])
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, strip=True)


@require_GET
@vary_on_headers("HX-Request")
@moderator_required
def moderation_queue(request: HtmxHttpRequest) -> HttpResponse:
    template_name = "moderation/queue.html"
    page = Paginator(disputed_links(), 25).get_page(request.GET.get("page"))
    context = {"page": page, "chains": list(disputed_chains()[:50]),
               "verdicts": ResolveForm.base_fields["verdict"].choices,
               "two_reviewer_mode": settings.TWO_REVIEWER_MODE}
    if request.htmx:
        template_name += "#disputes"
    return render(request, template_name, context)


@require_POST
@moderator_required
def moderation_resolve(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Resolve a dispute: the moderator's verdict overturns the reviewers', with a reason."""
    link = get_object_or_404(Link.objects.with_related(), pk=pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            link = disputed_links().filter(pk=link.pk).first() or link
            response = render(request, "moderation/queue.html#dispute",
                              {"link": link, "form": form, "verdicts": ResolveForm.base_fields["verdict"].choices})
            response.status_code = 422
            return response
        messages.error(request, "Choose a verdict and give a reason to resolve a dispute.")
        return HttpResponseRedirect(reverse("moderation_queue"))
    try:
        link = link_overturn(link=link, by=request.user, verdict=form.cleaned_data["verdict"],
                             reason=form.cleaned_data["reason"])
    except ModerationError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(reverse("moderation_queue"))
    message = f"Link #{link.pk} set to {link.get_status_display().lower()}."
    if request.htmx:
        response = render(request, "moderation/queue.html#resolved", {"link": link, "message": message})
        return trigger_client_event(response, "link-decided", {"id": link.pk, "status": link.status})
    messages.success(request, message)
    return HttpResponseRedirect(reverse("moderation_queue"))




@require_POST
@moderator_required
def moderation_resolve_chain(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Resolve a disputed chain the same way: the moderator's verdict, with a reason."""
    chain = get_object_or_404(Chain, pk=pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a verdict and give a reason to resolve a dispute.")
        if request.htmx:
            response = render(request, "moderation/queue.html#chain-resolved",
                              {"chain": chain, "message": "Choose a verdict and give a reason.", "error": True})
            response.status_code = 422
            return response
        return HttpResponseRedirect(reverse("moderation_queue"))
    try:
        chain = chain_overturn(chain=chain, by=request.user, verdict=form.cleaned_data["verdict"],
                               reason=form.cleaned_data["reason"])
    except ModerationError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(reverse("moderation_queue"))
    message = f"Chain #{chain.pk} set to {chain.get_status_display().lower()}."
    if request.htmx:
        response = render(request, "moderation/queue.html#chain-resolved", {"chain": chain, "message": message})
        return trigger_client_event(response, "link-decided", {"chain": chain.pk, "status": chain.status})
    messages.success(request, message)
    return HttpResponseRedirect(reverse("moderation_queue"))
