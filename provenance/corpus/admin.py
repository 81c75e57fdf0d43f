"""Admin for the corpus: outlets, uploads, articles and credits, with the moderators' actions."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from provenance.admin_site import AuditedAdmin, ReadOnlyAdmin, ReasonForm, apply_each, reason_action
from provenance.corpus import moderation
from provenance.corpus.models import Article, ArticleFingerprint, Credit, Outlet, Upload, UploadFile, UploadItem
from provenance.corpus.outlets import outlet_directory_changed


class OutletMergeForm(ReasonForm):
    keep = forms.ModelChoiceField(queryset=Outlet.objects.none(), help_text="The outlet that stays; the others are folded into it.")

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, queryset=queryset, **kwargs)
        self.fields["keep"].queryset = queryset if queryset is not None else Outlet.objects.none()
        self.order_fields(["keep", "reason"])

    def clean(self):
        cleaned = super().clean()
        if self.queryset is not None and self.queryset.count() < 2:
            raise forms.ValidationError("Select at least two outlets to merge.")
        return cleaned


# --- Outlets -------------------------------------------------------------------------------------


@admin.register(Outlet)
class OutletAdmin(AuditedAdmin):
    list_display = ["name", "kind", "country", "parent", "article_count", "alias_list", "domain_list"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "slug", "aliases", "domains", "notes"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    readonly_fields = ["created_at", "history"]
    actions = ["merge_outlets"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent").annotate(article_count=Count("articles"))

    @admin.display(description="Articles", ordering="article_count")
    def article_count(self, obj):
        return obj.article_count

    @admin.display(description="Aliases")
    def alias_list(self, obj):
        return ", ".join(obj.aliases or [])

    @admin.display(description="Domains")
    def domain_list(self, obj):
        return ", ".join(obj.domains or [])

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        outlet_directory_changed()

    def deletion_blockers(self, obj) -> list[str]:
        from provenance.review.models import ChainNode, Link

        blockers = []
        articles = obj.articles.count()
        if articles:
            blockers.append(f"{obj}: {articles} article(s) name it as their outlet — merge it into another outlet instead")
        links = Link.objects.filter(source_outlet=obj).count()
        if links or ChainNode.objects.filter(outlet=obj).exists():
            blockers.append(f"{obj}: links or chains start from it — merge it into another outlet instead")
        return blockers

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        outlet_directory_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        outlet_directory_changed()

    @reason_action(description="Merge selected outlets into one", form_class=OutletMergeForm)
    def merge_outlets(self, request, queryset, data):
        keep = data["keep"]
        merged = []
        for outlet in queryset.exclude(pk=keep.pk):
            merged.append(outlet.name)
            moderation.outlet_merge(keep=keep, merge=outlet, by=request.user, reason=data["reason"])
        return f"Merged {', '.join(merged)} into {keep.name}."


# --- Uploads -------------------------------------------------------------------------------------


def _download_link(upload_file: UploadFile) -> str:
    try:
        url = reverse("upload_file_download", args=[upload_file.pk])
    except NoReverseMatch:
        return upload_file.original_name
    return format_html('<a href="{}">{}</a>', url, upload_file.original_name)


class UploadFileInline(admin.TabularInline):
    model = UploadFile
    extra = 0
    fields = ["download", "size", "sha256", "processed"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="File")
    def download(self, obj):
        return _download_link(obj)


class UploadItemInline(admin.TabularInline):
    model = UploadItem
    extra = 0
    fields = ["display_name", "outcome", "article", "reason"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("upload_file", "article")


@admin.register(Upload)
class UploadAdmin(AuditedAdmin):
    list_display = ["__str__", "uploader", "status", "created_at", "files_total", "articles_created", "duplicates",
                    "refused", "hidden"]
    list_filter = ["status", "hidden", "source", "created_at"]
    search_fields = ["id", "uploader__username", "note", "files__original_name"]
    date_hierarchy = "created_at"
    list_select_related = ["uploader"]
    readonly_fields = ["uploader", "status", "source", "files_total", "files_done", "articles_created", "duplicates",
                       "refused", "error", "attempts", "hidden", "hidden_reason", "created_at", "started_at",
                       "finished_at", "history"]
    fields = ["uploader", "status", "source", "given_outlet", "given_url", "given_published_at", "note",
              "files_total", "files_done", "articles_created", "duplicates", "refused", "error", "attempts",
              "hidden", "hidden_reason", "created_at", "started_at", "finished_at", "history"]
    autocomplete_fields = ["given_outlet"]
    inlines = [UploadFileInline, UploadItemInline]
    actions = ["hide_uploads", "unhide_uploads", "reparse_uploads", "redetect_uploads"]

    def has_add_permission(self, request):
        return False  # uploads come in through the upload form or the ingest command

    def deletion_blockers(self, obj) -> list[str]:
        from provenance.review.models import Decision

        if Decision.objects.filter(link__target__upload=obj).exists() or Decision.objects.filter(
            link__source_article__upload=obj
        ).exists():
            return [f"{obj}: reviewers decided links on its articles — hide it instead"]
        return []

    @reason_action(description="Hide selected uploads and their articles")
    def hide_uploads(self, request, queryset, data):
        return apply_each(
            queryset, lambda u, **kw: moderation.upload_hide(upload=u, **kw), by=request.user, reason=data["reason"], done="upload(s) hidden"
        )

    @reason_action(description="Unhide selected uploads and their articles")
    def unhide_uploads(self, request, queryset, data):
        return apply_each(
            queryset, lambda u, **kw: moderation.upload_unhide(upload=u, **kw), by=request.user, reason=data["reason"], done="upload(s) unhidden"
        )

    @reason_action(description="Re-run parsing for the articles of selected uploads")
    def reparse_uploads(self, request, queryset, data):
        result = moderation.articles_reparse(uploads=list(queryset), by=request.user, reason=data["reason"])
        return result.summary()

    @reason_action(description="Re-run detection for the articles of selected uploads")
    def redetect_uploads(self, request, queryset, data):
        report = moderation.articles_redetect(uploads=list(queryset), by=request.user, reason=data["reason"])
        return f"Detection re-run for {len(report.articles)} article(s)."


@admin.register(UploadFile)
class UploadFileAdmin(AuditedAdmin):
    list_display = ["original_name", "upload", "size", "processed", "download"]
    list_filter = ["processed"]
    search_fields = ["original_name", "sha256", "upload__id"]
    list_select_related = ["upload"]
    readonly_fields = ["upload", "download", "original_name", "size", "sha256", "manifest", "processed", "history"]
    exclude = ["file"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Download")
    def download(self, obj):
        return _download_link(obj)


@admin.register(UploadItem)
class UploadItemAdmin(ReadOnlyAdmin):
    list_display = ["display_name", "upload", "outcome", "article", "created_at"]
    list_filter = ["outcome"]
    search_fields = ["member_path", "reason", "upload_file__original_name"]
    list_select_related = ["upload", "upload_file", "article"]


# --- Articles ------------------------------------------------------------------------------------


class CreditInline(admin.TabularInline):
    model = Credit
    fk_name = "article"
    extra = 0
    fields = ["name", "outlet", "cue", "role", "start", "end", "sentence", "inherited"]
    readonly_fields = ["name", "cue", "start", "end", "sentence", "inherited"]
    autocomplete_fields = ["outlet"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(AuditedAdmin):
    show_full_result_count = False  # counting a large table on every page is slow
    list_display = ["__str__", "outlet", "published_at", "source_format", "language", "needs_review", "hidden",
                    "upload"]
    list_filter = ["hidden", "needs_review", "source_format", "language", "outlet__kind", "published_at"]
    search_fields = ["title", "byline", "url", "path", "outlet__name"]
    list_select_related = ["outlet", "upload"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["outlet"]
    readonly_fields = ["content_hash", "upload", "upload_file", "member_path", "source_format", "field_sources",
                       "hidden", "hidden_reason", "detected_at", "created_at", "updated_at", "history"]
    fields = ["title", "outlet", "url", "byline", "published_at", "date_uncertainty_hours", "language",
              "needs_review", "text", "raw_text", "path", *readonly_fields]
    inlines = [CreditInline]
    actions = ["hide_articles", "unhide_articles", "reparse_articles", "redetect_articles"]

    def has_add_permission(self, request):
        return False  # articles come from uploads

    def deletion_blockers(self, obj) -> list[str]:
        from provenance.review.models import Decision

        if Decision.objects.filter(link__target=obj).exists() or Decision.objects.filter(link__source_article=obj).exists():
            return [f"{obj}: reviewers decided links on it — hide it instead"]
        return []

    @reason_action(description="Hide selected articles")
    def hide_articles(self, request, queryset, data):
        return apply_each(
            queryset, lambda a, **kw: moderation.article_hide(article=a, **kw), by=request.user, reason=data["reason"], done="article(s) hidden"
        )

    @reason_action(description="Unhide selected articles")
    def unhide_articles(self, request, queryset, data):
        return apply_each(
            queryset, lambda a, **kw: moderation.article_unhide(article=a, **kw), by=request.user, reason=data["reason"], done="article(s) unhidden"
        )

    @reason_action(description="Re-run parsing for selected articles")
    def reparse_articles(self, request, queryset, data):
        result = moderation.articles_reparse(articles=list(queryset), by=request.user, reason=data["reason"])
        return result.summary()

    @reason_action(description="Re-run detection for selected articles")
    def redetect_articles(self, request, queryset, data):
        report = moderation.articles_redetect(articles=list(queryset), by=request.user, reason=data["reason"])
        return f"Detection re-run for {len(report.articles)} article(s)."


@admin.register(ArticleFingerprint)
class ArticleFingerprintAdmin(ReadOnlyAdmin):
    show_full_result_count = False  # counting a large table on every page is slow
    list_display = ["article", "band", "value"]
    list_filter = ["band"]
    search_fields = ["article__title", "=value"]
    list_select_related = ["article"]


@admin.register(Credit)
class CreditAdmin(AuditedAdmin):
    show_full_result_count = False  # counting a large table on every page is slow
    list_display = ["name", "outlet", "role", "cue", "article", "inherited"]
    list_filter = ["role", "inherited"]
    search_fields = ["name", "cue", "sentence", "outlet__name", "article__title"]
    list_select_related = ["outlet", "article"]
    autocomplete_fields = ["outlet", "article"]
    readonly_fields = ["history"]
