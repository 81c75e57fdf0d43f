"""Small template helpers for the review pages."""

from django import template

from provenance.review.templatetags.evidence import gap_label, published_date

register = template.Library()

STATUS_CLASSES = {
    "proposed": "status-proposed",
    "confirmed": "status-confirmed",
    "rejected": "status-rejected",
    "needs_evidence": "status-needs",
    "disputed": "status-disputed",
}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status or "", "status-proposed")


@register.filter
def gap(hours) -> str:
    return gap_label(hours)


@register.filter
def percent(value) -> str:
    try:
        return f"{float(value) * 100:.0f}%"
    except (TypeError, ValueError):
        return "—"


@register.filter
def field_source(article, name: str) -> dict:
    return (article.field_sources or {}).get(name) or {}


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def deletable_by(annotation, user) -> bool:
    from provenance.review.services import annotation_can_delete

    return annotation_can_delete(annotation=annotation, user=user)


_REASON_OPTIONS = None


@register.simple_tag
def reason_options():
    """The reason-code <option>s, rendered once per process (they are the same on every row)."""
    global _REASON_OPTIONS
    if _REASON_OPTIONS is None:
        from django.utils.html import format_html_join
        from django.utils.safestring import mark_safe

        from provenance.review.models import ReasonCode

        _REASON_OPTIONS = mark_safe('<option value="">No reason given</option>') + format_html_join(
            "", '<option value="{}">{}</option>', ReasonCode.choices
        )
    return _REASON_OPTIONS


@register.filter
def awaiting_second_review(link) -> bool:
    """In two-reviewer mode: one reviewer decided, the status waits for a second one to agree."""
    from django.conf import settings

    return bool(settings.TWO_REVIEWER_MODE and link.status == "proposed" and link.decided_by_id)


@register.filter
def published(value, uncertainty_hours=None) -> str:
    """A publication date as precise as it is known (see evidence.published_date)."""
    return published_date(value, uncertainty_hours)


@register.filter
def web_url(value) -> str:
    """The value when it is an http(s) address, safe to link to; "" otherwise (javascript:, data:, …)."""
    from urllib.parse import urlsplit

    text = str(value or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    return text if parts.scheme in ("http", "https") and parts.netloc else ""
