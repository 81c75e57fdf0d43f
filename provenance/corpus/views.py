"""Upload pages: list, new (multi-file, drag and drop), detail with live progress, raw file download."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, TooManyFilesSent
from django.core.paginator import Paginator
from django.forms.utils import ErrorDict
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseStopPolling
from django_htmx.middleware import HtmxDetails

from provenance.accounts.roles import is_analyst, is_moderator
from provenance.corpus.forms import UploadForm
from provenance.corpus.models import Upload, UploadFile, UploadItem
from provenance.corpus.services import UploadError, upload_create


class HtmxHttpRequest:  # typing only: django-htmx adds `.htmx` to every request
    htmx: HtmxDetails


def _require_role(request) -> None:
    if not is_analyst(request.user):
        raise PermissionDenied("Your account has no role yet. Ask a moderator for access.")


def _get_upload_for_user(request, pk: int) -> Upload:
    _require_role(request)
    uploads = Upload.objects.visible_to(request.user).select_related("uploader", "given_outlet")
    return get_object_or_404(uploads, pk=pk)


@require_GET
def upload_list(request: HtmxHttpRequest):
    _require_role(request)
    uploads = Upload.objects.visible_to(request.user).select_related("uploader").order_by("-created_at")
    page = Paginator(uploads, 25).get_page(request.GET.get("page"))
    return render(request, "corpus/upload_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def upload_new(request: HtmxHttpRequest):
    _require_role(request)
    status = 200
    if request.method == "POST":
        try:
            form = UploadForm(request.POST, request.FILES)
            valid = form.is_valid()
        except TooManyFilesSent:
            # Django refused the request body before the form saw it: show the empty form with the reason.
            form, valid = UploadForm(), False
            form._errors, form.cleaned_data = ErrorDict(), {}  # what add_error needs; an unbound form has neither
            form.add_error(
                None,
                f"Too many files in one upload (the limit is {settings.DATA_UPLOAD_MAX_NUMBER_FILES}): "
                "split them into several uploads or send a ZIP.",
            )
        if valid:
            data = form.cleaned_data
            try:
                upload = upload_create(
                    uploader=request.user,
                    files=data["files"],
                    outlet_name=data["outlet"],
                    url=data["url"],
                    published_at=data["published_at"],
                    note=data["note"],
                    source="web",
                )
            except UploadError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"Upload #{upload.pk} received: {upload.files_total} file(s).")
                return HttpResponseRedirect(upload.get_absolute_url(), status=303)
        status = 422
    else:
        form = UploadForm()
    return render(request, "corpus/upload_new.html", {"form": form}, status=status)


@require_GET
@vary_on_headers("HX-Request")
def upload_detail(request: HtmxHttpRequest, pk: int):
    upload = _get_upload_for_user(request, pk)
    items = list(UploadItem.objects.filter(upload=upload).select_related("upload_file", "article").order_by("pk"))
    if not is_moderator(request.user):
        # A hidden article (this upload's, or the one a duplicate matched) is for moderators' eyes only.
        for item in items:
            if item.article is not None and item.article.hidden:
                item.article = None
                item.article_hidden = True
    files = UploadFile.objects.filter(upload=upload).order_by("pk")
    context = {"upload": upload, "items": items, "files": files, "can_see_hidden": is_moderator(request.user)}
    template_name = "corpus/upload_detail.html"
    if request.htmx:
        template_name += "#progress"
        response = render(request, template_name, context)
        if upload.is_finished:
            stop = HttpResponseStopPolling(response.content)
            stop["Content-Type"] = response["Content-Type"]
            return stop
        return response
    return render(request, template_name, context)


@require_GET
def upload_file_download(request: HtmxHttpRequest, pk: int):
    _require_role(request)
    upload_file = get_object_or_404(UploadFile.objects.select_related("upload"), pk=pk)
    if not Upload.objects.visible_to(request.user).filter(pk=upload_file.upload_id).exists():
        raise Http404("No such file.")
    try:
        handle = upload_file.file.open("rb")
    except (OSError, ValueError):
        raise Http404("The stored file is missing.") from None
    name = upload_file.original_name.rsplit("/", 1)[-1] or f"upload-file-{upload_file.pk}"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
