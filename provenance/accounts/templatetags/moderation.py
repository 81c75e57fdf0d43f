"""`{% reviewer_agreement as agreement %}`: Cohen's kappa for templates that include moderation/_agreement.html."""

from django import template

from provenance.review.agreement import Agreement, reviewer_agreement as compute_agreement

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
