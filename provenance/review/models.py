"""Review: proposed provenance links and chains, reviewers' decisions, notes, and the audit trail."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from provenance.corpus.models import Article, Outlet


class Verdict(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"
    NEEDS_EVIDENCE = "needs_evidence", "Needs more evidence"
    DISPUTED = "disputed", "Disputed"


class ReasonCode(models.TextChoices):
    CREDIT_CLEAR = "credit_clear", "Credit is explicit"
    TEXT_MATCH = "text_match", "Shared text is convincing"
    DATES_FIT = "dates_fit", "Dates fit the direction"
    WRONG_DIRECTION = "wrong_direction", "Wrong direction"
    COMMON_SOURCE = "common_source", "Both copy a common source"
    BOILERPLATE = "boilerplate", "Only boilerplate in common"
    WRONG_OUTLET = "wrong_outlet", "Credit resolved to the wrong outlet"
    INSUFFICIENT = "insufficient", "Evidence is insufficient"
    OTHER = "other", "Other"


class LinkQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(target__hidden=False).exclude(source_article__hidden=True)

    def with_related(self):
        return self.select_related("source_article__outlet", "source_outlet", "target__outlet", "decided_by")


class Link(models.Model):
    """A directed provenance edge: source (an article, or an outlet not in the corpus) → target article."""

    class Kind(models.TextChoices):
        REPUBLICATION = "republication", "Republication"
        PARTIAL = "partial", "Partial reuse"
        ATTRIBUTION = "attribution", "Attribution"

    source_article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="outgoing_links"
    )
    source_outlet = models.ForeignKey(
        Outlet, null=True, blank=True, on_delete=models.CASCADE, related_name="outgoing_links"
    )
    target = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="incoming_links")
    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    score = models.FloatField(db_index=True)
    # {"credits": [...], "passages": [...], "dates": {...}, "containment": {...}, "direction": {...}}
    evidence = models.JSONField(default=dict, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=Verdict.choices, default=Verdict.PROPOSED, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason_code = models.CharField(max_length=30, choices=ReasonCode.choices, blank=True)
    decision_note = models.TextField(blank=True)
    # Optimistic locking: every decision bumps it; a decision made on an older version is a conflict.
    version = models.PositiveIntegerField(default=1)
    # Set when detection no longer finds the link; kept (not deleted) when a reviewer decided on it.
    stale = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source_article__isnull=False) | Q(source_outlet__isnull=False),
                name="link_has_a_source",
            ),
            models.UniqueConstraint(
                fields=["source_article", "target"],
                condition=Q(source_article__isnull=False),
                name="link_unique_article_pair",
            ),
            models.UniqueConstraint(
                fields=["source_outlet", "target"],
                condition=Q(source_article__isnull=True),
                name="link_unique_outlet_pair",
            ),
        ]
        permissions = [("decide_link", "Can confirm or reject links and chains")]

    def __str__(self) -> str:
        return f"{self.source_label} → {self.target}"

    def get_absolute_url(self) -> str:
        return reverse("link_detail", args=[self.pk])

    def clean(self):
        if self.source_article_id and self.source_article_id == self.target_id:
            raise ValidationError("An article cannot be its own source.")

    @property
    def source_label(self) -> str:
        if self.source_article_id:
            article = self.source_article
            return f"{article.outlet or 'Unknown outlet'}: {article.title or article.path}"
        return str(self.source_outlet)

    @property
    def source_outlet_or_article_outlet(self) -> Outlet | None:
        if self.source_article_id:
            return self.source_article.outlet
        return self.source_outlet

    @property
    def is_decided(self) -> bool:
        return self.status != Verdict.PROPOSED


class ChainQuerySet(models.QuerySet):
    def visible(self):
        """Chains with no hidden article among their nodes (hidden articles are for moderators only)."""
        return self.exclude(nodes__article__hidden=True)


class Chain(models.Model):
    """An ordered path origin → … → final article, supported by links."""

    # The node sequence as text ("o12>o3>a45"): one chain per path, recomputed in place.
    key = models.CharField(max_length=500, unique=True)
    final_article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="final_in_chains")
    links = models.ManyToManyField(Link, through="ChainLink", related_name="chains")
    score = models.FloatField(default=0, db_index=True)
    status = models.CharField(max_length=20, choices=Verdict.choices, default=Verdict.PROPOSED, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason_code = models.CharField(max_length=30, choices=ReasonCode.choices, blank=True)
    decision_note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    locked = models.BooleanField(default=False)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    locked_reason = models.TextField(blank=True)
    stale = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ChainQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "-id"]

    def __str__(self) -> str:
        return " → ".join(node.label for node in self.ordered_nodes())

    def get_absolute_url(self) -> str:
        return reverse("chain_detail", args=[self.pk])

    def ordered_nodes(self) -> list["ChainNode"]:
        nodes = getattr(self, "_prefetched_objects_cache", {}).get("nodes")
        if nodes is None:
            nodes = self.nodes.select_related("article__outlet", "outlet")
        return sorted(nodes, key=lambda node: node.position)


class ChainNode(models.Model):
    """One step of a chain: an article in the corpus, or an outlet only known from a credit."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="nodes")
    position = models.PositiveSmallIntegerField()
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    outlet = models.ForeignKey(Outlet, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["chain", "position"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "position"], name="chainnode_unique_position"),
            models.CheckConstraint(
                condition=Q(article__isnull=False) | Q(outlet__isnull=False), name="chainnode_has_subject"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.article_id:
            return f"{self.article.outlet or 'Unknown outlet'}: {self.article.title or self.article.path}"
        return str(self.outlet)

    @property
    def display_outlet(self) -> Outlet | None:
        return self.article.outlet if self.article_id else self.outlet


class ChainLink(models.Model):
    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="chain_links")
    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="chain_links")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["chain", "position"]
        constraints = [models.UniqueConstraint(fields=["chain", "link"], name="chainlink_unique")]


class Decision(models.Model):
    """One reviewer's verdict on a link or a chain. The link's status is derived from these."""

    link = models.ForeignKey(Link, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions")
    chain = models.ForeignKey(Chain, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions")
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    reason_code = models.CharField(max_length=30, choices=ReasonCode.choices, blank=True)
    note = models.TextField(blank=True)
    # A moderator's overturn replaces reviewers' decisions without deleting them.
    superseded = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(link__isnull=False) | Q(chain__isnull=False), name="decision_has_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer}: {self.get_verdict_display()}"


class Annotation(models.Model):
    """A note on a chain, a link, or a span of an article's text."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="annotations")
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="annotations"
    )
    chain = models.ForeignKey(Chain, null=True, blank=True, on_delete=models.CASCADE, related_name="annotations")
    link = models.ForeignKey(Link, null=True, blank=True, on_delete=models.CASCADE, related_name="annotations")
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    quote = models.TextField(blank=True, help_text="The selected text, as it was when annotated.")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False) | Q(chain__isnull=False) | Q(link__isnull=False),
                name="annotation_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"Note by {self.author} on {self.created_at:%Y-%m-%d}"


class AuditEvent(models.Model):
    """Append-only: who did what to which object, when, from what to what."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    action = models.CharField(max_length=60, db_index=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=500, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.actor or 'system'} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        # The trail is evidence: an event once written is never changed.
        if self.pk is not None:
            raise ValidationError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Audit events are append-only.")
