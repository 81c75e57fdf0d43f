"""Admin for review: links, chains, decisions, notes and the (read-only) audit trail."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html

from provenance.admin_site import AuditedAdmin, ReadOnlyAdmin, ReasonForm, apply_each, reason_action
from provenance.review import moderation
from provenance.review.models import (
    Annotation,
    AuditEvent,
    Chain,
    ChainLink,
    ChainNode,
    Decision,
    Link,
    Verdict,
)

VERDICT_CHOICES = [(v.value, v.label) for v in moderation.FINAL_VERDICTS]


class OverturnForm(ReasonForm):
    verdict = forms.ChoiceField(choices=VERDICT_CHOICES, help_text="The status the moderator sets.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["verdict", "reason"])


DECISION_FIELDS = ["status", "decided_by", "decided_at", "reason_code", "decision_note", "version"]


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    fields = ["created_at", "reviewer", "verdict", "reason_code", "note", "superseded"]
    readonly_fields = fields
    can_delete = False
    ordering = ["created_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AnnotationInline(admin.TabularInline):
    model = Annotation
    extra = 0
    fields = ["author", "body", "quote", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


# --- Links ---------------------------------------------------------------------------------------


@admin.register(Link)
class LinkAdmin(AuditedAdmin):
    show_full_result_count = False  # counting a large table on every page is slow
    list_display = ["id", "source_label", "target_label", "kind", "score", "status", "stale", "decided_by", "decided_at"]
    list_display_links = ["id", "source_label"]
    list_filter = ["status", "kind", "stale", "decided_at"]
    search_fields = ["target__title", "source_article__title", "source_outlet__name", "target__outlet__name",
                     "source_article__outlet__name", "decision_note"]
    list_select_related = ["source_article__outlet", "source_outlet", "target__outlet", "decided_by"]
    autocomplete_fields = ["source_article", "source_outlet", "target"]
    # Statuses change through decisions and moderator actions (with reasons), never by editing the field.
    readonly_fields = [*DECISION_FIELDS, "kind", "score", "evidence", "reasons", "stale", "created_at", "updated_at",
                       "history"]
    inlines = [DecisionInline, AnnotationInline]
    actions = ["bulk_confirm", "bulk_reject", "overturn"]

    def has_add_permission(self, request):
        return False  # links are proposed by detection

    @admin.display(description="Source")
    def source_label(self, obj):
        return obj.source_label

    @admin.display(description="Copy", ordering="target__published_at")
    def target_label(self, obj):
        return f"{obj.target.outlet or 'Unknown outlet'}: {obj.target}"

    def deletion_blockers(self, obj) -> list[str]:
        if obj.decisions.exists():
            return [f"Link #{obj.pk}: reviewers decided it — overturn the decision instead"]
        return []

    @reason_action(description="Confirm selected links")
    def bulk_confirm(self, request, queryset, data):
        result = moderation.links_bulk_decide(links=list(queryset), by=request.user, verdict=Verdict.CONFIRMED,
                                              reason=data["reason"])
        return result.summary("confirmed")

    @reason_action(description="Reject selected links")
    def bulk_reject(self, request, queryset, data):
        result = moderation.links_bulk_decide(links=list(queryset), by=request.user, verdict=Verdict.REJECTED,
                                              reason=data["reason"])
        return result.summary("rejected")

    @reason_action(description="Overturn the decision on selected links", form_class=OverturnForm)
    def overturn(self, request, queryset, data):
        for link in queryset:
            moderation.link_overturn(link=link, by=request.user, verdict=data["verdict"], reason=data["reason"])
        return f"{queryset.count()} link(s) set to {dict(VERDICT_CHOICES)[data['verdict']].lower()}."


# --- Chains --------------------------------------------------------------------------------------


class ChainNodeInline(admin.TabularInline):
    model = ChainNode
    extra = 0
    fields = ["position", "article", "outlet"]
    readonly_fields = fields
    can_delete = False
    ordering = ["position"]

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article__outlet", "outlet")


class ChainLinkInline(admin.TabularInline):
    model = ChainLink
    extra = 0
    fields = ["position", "link", "link_status", "link_score"]
    readonly_fields = fields
    can_delete = False
    ordering = ["position"]

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(
            "link__source_article__outlet", "link__source_outlet", "link__target__outlet"
        )

    @admin.display(description="Status")
    def link_status(self, obj):
        return obj.link.get_status_display()

    @admin.display(description="Score")
    def link_score(self, obj):
        return f"{obj.link.score:.2f}"


@admin.register(Chain)
class ChainAdmin(AuditedAdmin):
    show_full_result_count = False  # counting a large table on every page is slow
    list_display = ["id", "path", "status", "score", "locked", "stale", "decided_by", "updated_at"]
    list_filter = ["status", "locked", "stale", "updated_at"]
    search_fields = ["key", "final_article__title", "nodes__outlet__name", "nodes__article__title"]
    list_select_related = ["decided_by"]
    readonly_fields = ["key", "final_article", "score", *DECISION_FIELDS, "locked", "locked_by", "locked_reason",
                       "stale", "created_at", "updated_at", "history"]
    inlines = [ChainNodeInline, ChainLinkInline, DecisionInline, AnnotationInline]
    actions = ["lock_chains", "reopen_chains", "overturn"]

    def has_add_permission(self, request):
        return False  # chains are built by detection

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("nodes__article__outlet", "nodes__outlet").distinct()

    @admin.display(description="Chain")
    def path(self, obj):
        return format_html("{}", " → ".join(str(node.display_outlet or node.label) for node in obj.ordered_nodes()))

    def deletion_blockers(self, obj) -> list[str]:
        if obj.decisions.exists():
            return [f"Chain #{obj.pk}: reviewers decided it — overturn the decision or lock it instead"]
        return []

    @reason_action(description="Lock selected chains (no further decisions)")
    def lock_chains(self, request, queryset, data):
        return apply_each(queryset, lambda c, **kw: moderation.chain_lock(chain=c, **kw), by=request.user,
                          reason=data["reason"], done="chain(s) locked")

    @reason_action(description="Reopen selected chains")
    def reopen_chains(self, request, queryset, data):
        return apply_each(queryset, lambda c, **kw: moderation.chain_reopen(chain=c, **kw), by=request.user,
                          reason=data["reason"], done="chain(s) reopened")

    @reason_action(description="Overturn the decision on selected chains", form_class=OverturnForm)
    def overturn(self, request, queryset, data):
        for chain in queryset:
            moderation.chain_overturn(chain=chain, by=request.user, verdict=data["verdict"], reason=data["reason"])
        return f"{queryset.count()} chain(s) set to {dict(VERDICT_CHOICES)[data['verdict']].lower()}."


@admin.register(ChainNode)
class ChainNodeAdmin(ReadOnlyAdmin):
    list_display = ["chain", "position", "article", "outlet"]
    search_fields = ["article__title", "outlet__name", "chain__key"]
    list_select_related = ["chain", "article__outlet", "outlet"]


@admin.register(ChainLink)
class ChainLinkAdmin(ReadOnlyAdmin):
    list_display = ["chain", "position", "link"]
    search_fields = ["chain__key", "link__target__title"]
    list_select_related = ["chain", "link__source_article__outlet", "link__source_outlet", "link__target__outlet"]


# --- Decisions, notes, audit ---------------------------------------------------------------------


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    """Decisions are the record of who said what: overturned ones are marked superseded, never edited."""

    show_full_result_count = False  # counting a large table on every page is slow
    list_display = ["created_at", "reviewer", "verdict", "link", "chain", "reason_code", "superseded"]
    list_filter = ["verdict", "superseded", "reason_code", "created_at"]
    search_fields = ["reviewer__username", "note", "link__target__title"]
    list_select_related = ["reviewer", "link__source_article__outlet", "link__source_outlet", "link__target__outlet",
                           "chain"]
    date_hierarchy = "created_at"


@admin.register(Annotation)
class AnnotationAdmin(AuditedAdmin):
    list_display = ["__str__", "author", "subject", "quote_start", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["body", "quote", "author__username", "article__title"]
    list_select_related = ["author", "article", "chain", "link"]
    readonly_fields = ["author", "article", "chain", "link", "start", "end", "quote", "created_at", "updated_at",
                       "history"]

    def has_add_permission(self, request):
        return False  # notes are written on the article, chain and link pages

    @admin.display(description="On")
    def subject(self, obj):
        if obj.article_id:
            return f"Article #{obj.article_id}"
        if obj.chain_id:
            return f"Chain #{obj.chain_id}"
        return f"Link #{obj.link_id}"

    @admin.display(description="Quote")
    def quote_start(self, obj):
        return (obj.quote[:60] + "…") if len(obj.quote) > 60 else obj.quote


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    show_full_result_count = False  # counting a large table on every page is slow
    list_display = ["created_at", "actor", "action", "content_type", "object_id", "object_repr", "reason"]
    list_filter = ["action", "content_type", "created_at"]
    search_fields = ["action", "object_repr", "object_id", "reason", "actor__username"]
    list_select_related = ["actor", "content_type"]
    date_hierarchy = "created_at"
