"""The upload form: files plus the batch metadata an analyst may give (it outranks the files' own)."""

from django import forms
from django.conf import settings


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if not files:
            raise forms.ValidationError("Choose at least one file.", code="required")
        if len(files) > settings.UPLOAD_MAX_FILES:
            raise forms.ValidationError(
                f"Too many files: {len(files)} (the limit is {settings.UPLOAD_MAX_FILES} per upload).", code="too_many"
            )
        # Size and content are checked per file by the service, so one bad file does not block the others.
        return list(files)


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Files",
        help_text="Text, HTML, ZIP, WARC or JSON lines. A manifest.csv (path, url, outlet, published_at, title) sent with the files, or inside a ZIP, applies to them.",
    )
    outlet = forms.CharField(
        label="Outlet", max_length=200, required=False,
        help_text="Leave empty to read it from each file (URL, page metadata, text).",
    )
    url = forms.URLField(label="URL", max_length=2000, required=False, assume_scheme="https")
    published_at = forms.CharField(
        label="Published", max_length=40, required=False, help_text="A date (2015-10-06) or a date and time."
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def clean_published_at(self):
        from provenance.extract.dates import DateOutOfRange
        from provenance.extract.metadata import read_given_date

        value = self.cleaned_data["published_at"].strip()
        if not value:
            return None
        try:
            read_given_date(value)
        except DateOutOfRange as exc:
            raise forms.ValidationError(f"Not a date we can keep: {exc}.") from None
        except ValueError:
            raise forms.ValidationError("Not a date: use YYYY-MM-DD, or YYYY-MM-DD HH:MM.") from None
        return value
