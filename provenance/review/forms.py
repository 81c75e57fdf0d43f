"""Forms of the review pages: decisions, queue filters, annotations and corrections."""

from datetime import datetime, time

from django import forms
from django.db.models import Q
from django.utils import timezone

from provenance.corpus.models import Article, Outlet
from provenance.review.models import Link, ReasonCode, Verdict

VERDICT_CHOICES = [
    (Verdict.CONFIRMED, "Confirm"),
    (Verdict.REJECTED, "Reject"),
    (Verdict.NEEDS_EVIDENCE, "Needs more evidence"),
]

# The largest id or version a database integer column holds: larger numbers are refused by the form,
# not sent to the database (where SQLite overflows).
MAX_ID = 2**31 - 1


class DecisionForm(forms.Form):
    verdict = forms.ChoiceField(choices=VERDICT_CHOICES)
    reason_code = forms.ChoiceField(choices=[("", "No reason given"), *ReasonCode.choices], required=False)
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(min_value=1, max_value=MAX_ID)
    apply_to_links = forms.BooleanField(required=False)


def outlets_in_corpus() -> list[tuple[str, str]]:
    """Outlets with at least one article (an imported list of thousands would bury the few that matter)."""
    return list(
        Outlet.objects.filter(pk__in=Article.objects.values("outlet_id")).order_by("name").values_list("slug", "name")
    )


def outlets_in_queue() -> list[tuple[str, str]]:
    """Outlets the queue can filter by: those with articles, and those credited as a link's source without
    an article of theirs in the corpus (RIA Novosti, the Defence Ministry...). One query."""
    credited = Link.objects.filter(source_outlet__isnull=False).values("source_outlet_id")
    return list(
        Outlet.objects.filter(Q(pk__in=Article.objects.values("outlet_id")) | Q(pk__in=credited))
        .order_by("name").values_list("slug", "name")
    )


class QueueFilterForm(forms.Form):
    SHOW_CHOICES = [("links", "Links"), ("chains", "Chains")]

    show = forms.ChoiceField(choices=SHOW_CHOICES, required=False)
    q = forms.CharField(required=False, max_length=200, label="Search titles and text")
    outlet = forms.ChoiceField(required=False)
    kind = forms.ChoiceField(choices=[("", "Any kind"), *Link.Kind.choices], required=False)
    status = forms.ChoiceField(choices=[("", "Any status"), *Verdict.choices], required=False)
    date_from = forms.DateField(required=False, label="Published from", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="to", widget=forms.DateInput(attrs={"type": "date"}))
    upload = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, label="Upload #")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outlet"].choices = [("", "Any outlet"), *outlets_in_queue()]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("The start date is after the end date.")
        return data


class AnnotationForm(forms.Form):
    body = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), label="Note")
    article = forms.IntegerField(required=False, widget=forms.HiddenInput)
    chain = forms.IntegerField(required=False, widget=forms.HiddenInput)
    link = forms.IntegerField(required=False, widget=forms.HiddenInput)
    start = forms.IntegerField(required=False, min_value=0, label="From character")
    end = forms.IntegerField(required=False, min_value=1, label="To character")
    quote = forms.CharField(required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 2}),
                            label="Selected text")
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if not (data.get("article") or data.get("chain") or data.get("link")):
            raise forms.ValidationError("A note needs an article, a chain or a link.")
        if data.get("start") is not None and data.get("end") is not None and data["start"] >= data["end"]:
            raise forms.ValidationError("The span must end after it starts.")
        return data


class CorrectionForm(forms.Form):
    outlet_name = forms.CharField(max_length=200, required=False, label="Outlet")
    published_at = forms.CharField(required=False, max_length=40, label="Published (YYYY-MM-DD or YYYY-MM-DD HH:MM)")
    title = forms.CharField(max_length=1000)

    def clean_published_at(self) -> datetime | None:
        """A date alone means the whole day: it is kept as noon, ±12 h (see `clean`)."""
        value = (self.cleaned_data.get("published_at") or "").strip()
        if not value:
            return None
        for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
            try:
                parsed = datetime.strptime(value, fmt)
            except ValueError:
                continue
            if fmt == "%Y-%m-%d":
                parsed = datetime.combine(parsed.date(), time(12, 0))
            return timezone.make_aware(parsed, timezone.get_default_timezone())
        raise forms.ValidationError("Write the date as YYYY-MM-DD or YYYY-MM-DD HH:MM.")

    def clean(self):
        cleaned = super().clean()
        typed = (self.data.get(self.add_prefix("published_at")) or "").strip()
        if cleaned.get("published_at") is None:
            cleaned["date_uncertainty_hours"] = None
        else:
            cleaned["date_uncertainty_hours"] = 12.0 if len(typed) <= 10 else 0.0
        return cleaned

    @staticmethod
    def initial_for(article) -> dict:
        """The form's values for an article: its date shown as precisely as it is known."""
        published = ""
        if article.published_at:
            day_only = (article.date_uncertainty_hours or 0) >= 12 and article.published_at.hour == 12 \
                and article.published_at.minute == 0
            published = article.published_at.strftime("%Y-%m-%d" if day_only else "%Y-%m-%d %H:%M")
        return {"outlet_name": article.outlet.name if article.outlet else "", "published_at": published,
                "title": article.title}


def options_html(choices, selected) -> str:
    """<option>s for a select, built in one pass (Django's widget templates cost ~1 ms per select)."""
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe

    selected = "" if selected is None else str(selected)
    return mark_safe("".join(
        format_html('<option value="{}"{}>{}</option>', value, " selected" if str(value) == selected else "", label)
        for value, label in choices
    ))
