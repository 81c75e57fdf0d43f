"""`{% reviewer_agreement as agreement %}`: Cohen's kappa for templates that include moderation/_agreement.html."""

from django import template

from provenance.review.agreement import Agreement
from provenance.review.agreement import reviewer_agreement as compute_agreement

register = template.Library()


@register.simple_tag(takes_context=True)
def reviewer_agreement(context) -> Agreement:
    # One computation per request, however many times the fragment is included.
    request = context.get("request")
    cached = getattr(request, "_reviewer_agreement", None) if request is not None else None
    if cached is None:
        cached = compute_agreement()
        if request is not None:
            request._reviewer_agreement = cached
    return cached


@register.filter
def changes(data) -> list[tuple[str, str]]:
    """An audit event's before/after as (field, value) pairs, values as compact text.

    Empty values (no reason code, no note, nobody) are left out: a field name alone reads as a bug.
    """
    import json

    if not isinstance(data, dict):
        return [("", str(data))] if data else []
    pairs = []
    for key, value in data.items():
        if value is None or value == "":
            continue
        if isinstance(value, str):
            text = value
        else:
            text = json.dumps(value, ensure_ascii=False, default=str)
        pairs.append((str(key), text if len(text) <= 200 else text[:199] + "…"))
    return pairs


@register.simple_tag
def admin_change_url(event) -> str:
    """The admin page of the object an audit event is about, or "" when it has none (or is gone)."""
    from django.urls import NoReverseMatch, reverse

    if not event.content_type_id or not event.object_id:
        return ""
    try:
        return reverse(f"admin:{event.content_type.app_label}_{event.content_type.model}_change",
                       args=[event.object_id])
    except NoReverseMatch:
        return ""
