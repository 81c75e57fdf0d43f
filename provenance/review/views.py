"""Review workspace pages: dashboard, queue, chains, links, articles, outlets and annotations.

One template per page; htmx requests get a named fragment of it (`template#fragment`). Every form
also works without JavaScript: non-htmx posts redirect with a message.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import (
    HttpResponseClientRefresh,
    HttpResponseStopPolling,
    reswap,
    retarget,
    trigger_client_event,
)
from django_htmx.middleware import HtmxDetails

from provenance.accounts.roles import is_analyst, is_reviewer
from provenance.corpus.models import Article, Outlet
from provenance.review import evidence_cache, exporters, selectors
from provenance.review.audit import audit_history
from provenance.review.forms import (
    AnnotationForm,
    CorrectionForm,
    DecisionForm,
    QueueFilterForm,
    options_html,
    outlets_in_corpus,
)
from provenance.review.models import (
    Annotation,
    Chain,
    Link,
    ReasonCode,
    Verdict,
)
from provenance.review.services import (
    DecisionConflict,
    annotation_can_delete,
    annotation_create,
    annotation_delete,
    article_correct,
    chain_decide,
    link_decide,
)
from provenance.review.templatetags import evidence as ev


class HtmxHttpRequest(HttpRequest):
    """For type checkers: django-htmx's middleware adds `.htmx` to every request."""

    htmx: HtmxDetails


def analyst_required(view):
    """Every review page needs a role: a signed-in user in no group sees nothing (403)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_analyst(request.user):
            raise PermissionDenied("Your account has no role yet. Ask a moderator for access.")
        return view(request, *args, **kwargs)

    return wrapper


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return target
    return fallback


# --- Access helpers: one per object type -------------------------------------------------------


def _get_article_for_user(request, pk: int) -> Article:
    return get_object_or_404(selectors.articles_for(request.user).select_related("outlet", "upload"), pk=pk)


def _get_link_for_user(request, pk: int) -> Link:
    return get_object_or_404(
        selectors.links_for(request.user).with_related().defer(*selectors.LINK_ARTICLE_DEFER), pk=pk
    )


def _get_chain_for_user(request, pk: int) -> Chain:
    return get_object_or_404(
        selectors.chains_for(request.user).select_related("final_article__outlet", "decided_by", "locked_by")
        .defer("final_article__raw_text", "final_article__field_sources")
        .prefetch_related(*selectors.chain_prefetch()),
        pk=pk,
    )


def _get_outlet_for_user(request, slug: str) -> Outlet:
    return get_object_or_404(Outlet.objects.select_related("parent"), slug=slug)


def _get_annotation_for_user(request, pk: int) -> Annotation:
    annotation = get_object_or_404(
        Annotation.objects.select_related("author", "article", "chain", "link__target"), pk=pk
    )
    # A note is as visible as the thing it is attached to.
    if annotation.article_id:
        _get_article_for_user(request, annotation.article_id)
    if annotation.chain_id:
        _get_chain_for_user(request, annotation.chain_id)
    if annotation.link_id:
        _get_link_for_user(request, annotation.link_id)
    return annotation


# --- Shared context ----------------------------------------------------------------------------


def _counters_fragment(request) -> HttpResponse | None:
    """The queue counters alone, when an htmx request targets them: every page that shows them
    refreshes them in place after a decision (the `link-decided` event)."""
    if request.htmx and request.htmx.target == "queue-counters":
        return render(request, "review/queue.html#counters", {"counters": selectors.queue_counters(request.user)})
    return None


def _page_or_partial(request, template_name: str, target: str, partial: str) -> str:
    """The page's template, or only its `partial` when an htmx request targets the element `target`."""
    if request.htmx and request.htmx.target == target:
        return f"{template_name}#{partial}"
    return template_name


def _decision_context(request, link: Link, *, conflict: DecisionConflict | None = None, form=None,
                      compact: bool = False) -> dict:
    """The decision block of one link; `compact` (a queue row) shows the verdict buttons without reason and note."""
    return {
        "link": link,
        "can_decide": is_reviewer(request.user),
        "decision_form": form,
        "conflict": conflict,
        "reason_codes": ReasonCode.choices,
        "last_decision": conflict.decision if conflict else None,
        "next_url": request.POST.get("next") or request.get_full_path(),
        "compact": compact,
    }


def _timeline(chain: Chain, links: list[Link]) -> ev.Timeline:
    return ev.chain_timeline(
        chain.ordered_nodes(), links,
        article_url=lambda a: reverse("article_detail", args=[a.pk]),
        outlet_url=lambda o: reverse("outlet_detail", args=[o.slug]),
        link_url=lambda l: f"#link-{l.pk}",
    )


# --- Dashboard ---------------------------------------------------------------------------------


@require_GET
@vary_on_headers("HX-Request")
@analyst_required
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    template_name = "review/dashboard.html"
    in_progress = list(selectors.uploads_in_progress(request.user)[:10])
    if request.htmx and request.htmx.target == "dashboard-uploads":
        response = render(request, template_name + "#uploads", {
            "uploads_in_progress": in_progress,
            "uploads_finished": selectors.uploads_recently_finished(request.user),
        })
        if not in_progress:
            # Nothing left to watch: stop polling (htmx stops on 286) after showing the final state.
            response.status_code = HttpResponseStopPolling.status_code
        return response
    if counters := _counters_fragment(request):
        return counters
    pairs = selectors.outlet_pairs(request.user)
    chart = ev.bar_chart(
        "Source → republisher, by links",
        [(f"{p.source or 'Unknown'} → {p.target or 'Unknown'}",
          reverse("outlet_detail", args=[p.target.slug]) if p.target else "", p.confirmed, p.proposed)
         for p in pairs],
        label_width=260,
    )
    context = {
        "uploads_in_progress": in_progress,
        "uploads_finished": selectors.uploads_recently_finished(request.user),
        "counters": selectors.queue_counters(request.user),
        "recent_decisions": selectors.recent_decisions(request.user),
        "chains_confirmed": list(selectors.chains_confirmed_since(request.user)[:10]),
        "chart": chart,
    }
    return render(request, template_name, context)


# --- Queue -------------------------------------------------------------------------------------

PAGE_SIZE = 25


@require_GET
@vary_on_headers("HX-Request")
@analyst_required
def queue(request: HtmxHttpRequest) -> HttpResponse:
    template_name = "review/queue.html"
    if counters := _counters_fragment(request):
        return counters
    data = request.GET.copy()
    data.setdefault("status", Verdict.PROPOSED)
    data.setdefault("show", "links")
    form = QueueFilterForm(data)
    if form.is_valid():
        cd = form.cleaned_data
        show = cd["show"] or "links"
        filters = selectors.QueueFilters(
            q=cd["q"], outlet=cd["outlet"], kind=cd["kind"], status=cd["status"],
            date_from=cd["date_from"], date_to=cd["date_to"], upload=cd["upload"],
        )
        if show == "chains":
            qs = selectors.queue_chains(request.user, filters)
        else:
            qs = selectors.queue_links(request.user, filters)
    else:
        # The errors and no results (as the audit log does): the whole queue under "invalid filter"
        # would pass for the filtered one.
        show = "chains" if data.get("show") == "chains" else "links"
        qs = Chain.objects.none() if show == "chains" else Link.objects.none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    options = {
        name: options_html(form.fields[name].choices, form[name].value())
        for name in ("show", "status", "kind", "outlet")
    }
    context = {
        "form": form,
        "options": options,
        "show": show,
        "page": page,
        "counters": selectors.queue_counters(request.user),
        "can_decide": is_reviewer(request.user),
        "reason_codes": ReasonCode.choices,
        "next_url": request.get_full_path(),
    }
    template_name = _page_or_partial(request, template_name, "queue-results", "results")
    return render(request, template_name, context)


# --- Links -------------------------------------------------------------------------------------


@require_GET
@vary_on_headers("HX-Request")
@analyst_required
def link_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    link = _get_link_for_user(request, pk)
    template_name = "review/link_detail.html"
    if request.htmx and request.htmx.target == f"link-{link.pk}-decision":
        return render(request, template_name + "#decision", _decision_context(request, link))
    if counters := _counters_fragment(request):
        return counters
    return render(request, template_name, _link_page_context(request, link))


def _link_page_context(request, link: Link, *, conflict: DecisionConflict | None = None) -> dict:
    return {
        **_decision_context(request, link, conflict=conflict),
        "evidence_html": evidence_cache.links_evidence_html([link])[link.pk],
        "decisions": selectors.verdict_history(link),
        "successors": selectors.successors(request.user, link),
        "events": audit_history(link)[:50],
        "chains": selectors.chains_for(request.user).filter(links=link).prefetch_related(*selectors.chain_prefetch()),
        "counters": selectors.queue_counters(request.user),
        "annotations": link.annotations.select_related("author"),
        "annotation_form": AnnotationForm(initial={"link": link.pk, "next": link.get_absolute_url()}),
    }


@require_POST
@vary_on_headers("HX-Request")
@analyst_required
def link_decide_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    link = _get_link_for_user(request, pk)
    if not is_reviewer(request.user):
        raise PermissionDenied("Analysts read and annotate; reviewers decide.")
    form = DecisionForm(request.POST)
    template_name = "review/link_detail.html#decision"
    # A queue row posts its compact form: its fragment comes back compact too.
    compact = request.POST.get("compact") == "1"
    if not form.is_valid():
        if request.htmx:
            return render(request, template_name, _decision_context(request, link, form=form, compact=compact),
                          status=422)
        messages.error(request, "The decision was not recorded: " + "; ".join(
            f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
        return HttpResponseRedirect(_safe_next(request, link.get_absolute_url()))
    cd = form.cleaned_data
    try:
        link = link_decide(
            link=link, reviewer=request.user, verdict=cd["verdict"], reason_code=cd["reason_code"],
            note=cd["note"], expected_version=cd["version"],
        )
    except DecisionConflict as conflict:
        current = conflict.link or _get_link_for_user(request, pk)
        # The reviewer's note is given back with the conflict: they may want to send it again.
        if request.htmx:
            context = _decision_context(request, current, conflict=conflict, compact=compact)
            return render(request, template_name, {**context, "typed_note": cd["note"]}, status=409)
        context = _link_page_context(request, current, conflict=conflict)
        return render(request, "review/link_detail.html", {**context, "typed_note": cd["note"]}, status=409)
    if request.htmx:
        response = render(request, template_name,
                          {**_decision_context(request, link, compact=compact), "just_decided": True})
        return trigger_client_event(response, "link-decided", {"id": link.pk, "status": link.status})
    messages.success(request, f"Link #{link.pk}: {link.get_status_display()}.")
    return HttpResponseRedirect(_safe_next(request, link.get_absolute_url()))


# --- Chains ------------------------------------------------------------------------------------


def _chain_context(request, chain: Chain, *, conflict: DecisionConflict | None = None) -> dict:
    return {
        "chain": chain,
        "can_decide": is_reviewer(request.user),
        "reason_codes": ReasonCode.choices,
        "chain_conflict": conflict,
        "chain_last_decision": conflict.decision if conflict else None,
    }


@require_GET
@vary_on_headers("HX-Request")
@analyst_required
def chain_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    chain = _get_chain_for_user(request, pk)
    template_name = "review/chain_detail.html"
    if counters := _counters_fragment(request):
        return counters
    if request.htmx and request.htmx.target == "chain-decision":
        return render(request, template_name + "#chain-decision", _chain_context(request, chain))
    links, related_links = selectors.chain_links(request.user, chain)
    evidence = evidence_cache.links_evidence_html([*links, *related_links])
    items = []
    for link in links:
        context = _decision_context(request, link)
        # A locked chain takes no decisions: do not offer buttons the server would refuse.
        context["can_decide"] = context["can_decide"] and not chain.locked
        items.append({**context, "evidence_html": evidence[link.pk]})
    # Text reuse around the chain that is not part of it (a later republisher, a sibling copy).
    related = [{**_decision_context(request, link), "evidence_html": evidence[link.pk]} for link in related_links]
    final = chain.final_article
    siblings = []
    for sibling in selectors.sibling_copies(request.user, chain):
        passages = evidence_cache.shared_passages(final, sibling)
        if passages:
            siblings.append({"article": sibling, "passages": passages})
    article_ids = [node.article_id for node in chain.ordered_nodes() if node.article_id]
    context = {
        **_chain_context(request, chain),
        "items": items,
        "related": related,
        "siblings": siblings,
        "origin": chain.ordered_nodes()[0].display_outlet if chain.ordered_nodes() else None,
        "timeline": _timeline(chain, links),
        "decided": sum(1 for l in links if l.is_decided),
        "counters": selectors.queue_counters(request.user),
        "annotations": Annotation.objects.filter(chain=chain).select_related("author"),
        "annotation_form": AnnotationForm(initial={"chain": chain.pk, "next": request.get_full_path()}),
        "decisions": selectors.verdict_history(chain),
        "successors": selectors.successors(request.user, chain),
        "article_ids": article_ids,
    }
    return render(request, template_name, context)


def _with_chain_status(response: HttpResponse, request, chain: Chain) -> HttpResponse:
    """Adds the page header's status badge, swapped out of band, to a chain-decision fragment."""
    badge = render_to_string("review/chain_detail.html#chain-status", {"chain": chain, "oob": True}, request)
    response.content = response.content + badge.encode()
    return response


@require_POST
@vary_on_headers("HX-Request")
@analyst_required
def chain_decide_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    chain = _get_chain_for_user(request, pk)
    if not is_reviewer(request.user):
        raise PermissionDenied("Analysts read and annotate; reviewers decide.")
    form = DecisionForm(request.POST)
    template_name = "review/chain_detail.html#chain-decision"
    if not form.is_valid():
        if request.htmx:
            return render(request, template_name, {**_chain_context(request, chain), "form_errors": form.errors},
                          status=422)
        messages.error(request, "The decision was not recorded: check the verdict.")
        return HttpResponseRedirect(chain.get_absolute_url())
    cd = form.cleaned_data
    try:
        chain = chain_decide(
            chain=chain, reviewer=request.user, verdict=cd["verdict"], reason_code=cd["reason_code"],
            note=cd["note"], expected_version=cd["version"], apply_to_links=cd["apply_to_links"],
        )
    except DecisionConflict as conflict:
        current = conflict.chain or chain
        if request.htmx:
            context = {**_chain_context(request, current, conflict=conflict), "typed_note": cd["note"]}
            return _with_chain_status(render(request, template_name, context, status=409), request, current)
        who = conflict.decision.reviewer if conflict.decision else None
        messages.error(request, f"Not recorded: {conflict.message}" + (f" Last decision by {who}." if who else ""))
        return HttpResponseRedirect(chain.get_absolute_url())
    if request.htmx and not cd["apply_to_links"]:
        response = _with_chain_status(render(request, template_name, _chain_context(request, chain)), request, chain)
        return trigger_client_event(response, "link-decided", {"chain": chain.pk, "status": chain.status})
    messages.success(request, f"Chain #{chain.pk}: {chain.get_status_display()}.")
    if request.htmx:
        # Its links changed too: reload the page so every link row shows its new state.
        return trigger_client_event(HttpResponseClientRefresh(), "link-decided", {"chain": chain.pk})
    return HttpResponseRedirect(chain.get_absolute_url())


# --- Export ------------------------------------------------------------------------------------


def _download(fmt: str, name: str, *, chain_ids=None) -> HttpResponse:
    """The export (docs/export-format.md) as a file to save; hidden articles are never in it."""
    if fmt not in exporters.DOWNLOADS:
        raise Http404("Unknown export format.")
    suffix, content_type = exporters.DOWNLOADS[fmt]
    response = HttpResponse(exporters.export_string(fmt, chain_ids=chain_ids),
                            content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{suffix}"'
    return response


@require_GET
@analyst_required
def chain_export(request: HtmxHttpRequest, pk: int, fmt: str) -> HttpResponse:
    chain = _get_chain_for_user(request, pk)
    return _download(fmt, f"provenance-chain-{chain.pk}", chain_ids=[chain.pk])


@require_GET
@analyst_required
def corpus_export(request: HtmxHttpRequest, fmt: str) -> HttpResponse:
    return _download(fmt, "provenance-corpus")


# --- Articles ----------------------------------------------------------------------------------


@require_GET
@vary_on_headers("HX-Request")
@analyst_required
def article_list(request: HtmxHttpRequest) -> HttpResponse:
    qs = selectors.articles_for(request.user).select_related("outlet").defer("text", "raw_text")
    query = request.GET.get("q", "").strip()[:200]
    outlet = request.GET.get("outlet", "").strip()
    if query:
        qs = selectors.article_search(qs, query)
    if outlet:
        qs = qs.filter(outlet__slug=outlet)
    page = Paginator(qs.order_by("-published_at", "-id"), 30).get_page(request.GET.get("page"))
    template_name = _page_or_partial(request, "review/article_list.html", "article-results", "results")
    return render(request, template_name, {
        "page": page, "q": query, "outlet": outlet, "outlets": outlets_in_corpus(),
    })


def _article_context(request, article: Article) -> dict:
    incoming, outgoing = selectors.article_links(request.user, article)
    annotations = list(article.annotations.select_related("author").order_by("start", "created_at"))
    credits = list(article.credits.select_related("outlet"))
    spans = ev.article_spans(credits=credits, incoming=incoming, outgoing=outgoing, annotations=annotations)
    fields = ev.metadata_rows(article)
    return {
        "article": article,
        "text_html": ev.highlight(article.text, spans),
        "incoming": incoming,
        "outgoing": outgoing,
        "chains": selectors.article_chains(request.user, article),
        "annotations": annotations,
        "annotation_form": AnnotationForm(initial={"article": article.pk, "next": request.get_full_path()}),
        "fields": fields,
        "can_decide": is_reviewer(request.user),
        "correction_form": CorrectionForm(initial=CorrectionForm.initial_for(article)),
    }


@require_GET
@vary_on_headers("HX-Request")
@analyst_required
def article_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = _get_article_for_user(request, pk)
    return render(request, "review/article_detail.html", _article_context(request, article))


@require_GET
@analyst_required
def article_raw(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = _get_article_for_user(request, pk)
    response = HttpResponse(article.raw_text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="article-{article.pk}.txt"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@vary_on_headers("HX-Request")
@analyst_required
def article_correct_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = _get_article_for_user(request, pk)
    if not is_reviewer(request.user):
        raise PermissionDenied("Only reviewers can correct articles.")
    form = CorrectionForm(request.POST)
    result = None
    error = ""
    if form.is_valid():
        try:
            result = article_correct(
                article=article, by=request.user, outlet_name=form.cleaned_data["outlet_name"],
                published_at=form.cleaned_data["published_at"], title=form.cleaned_data["title"],
                date_uncertainty_hours=form.cleaned_data["date_uncertainty_hours"],
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    status = 200 if result is not None else 422
    if request.htmx:
        context = {"article": article, "correction_form": form, "correction": result, "correction_error": error,
                   "can_decide": True}
        return render(request, "review/article_detail.html#correction", context, status=status)
    if result is None:
        context = _article_context(request, article)
        context.update({"correction_form": form, "correction_error": error})
        return render(request, "review/article_detail.html", context, status=status)
    if result.changed:
        changed = ", ".join(f"{name}: {old} → {new}" for name, (old, new) in result.fields.items())
        if result.detection_error:
            messages.warning(request, f"Corrected ({changed}). {result.detection_error}")
        else:
            messages.success(request, f"Corrected ({changed}). Detection re-ran: {_summary(result)}.")
    else:
        messages.info(request, "Metadata marked as checked." if result.checked
                      else "Nothing to correct: the values were the same.")
    return HttpResponseRedirect(article.get_absolute_url())


def _summary(result) -> str:
    parts = [
        f"{len(result.links_created)} new link(s)", f"{len(result.links_updated)} updated",
        f"{result.links_removed} removed", f"{len(result.links_stale)} now stale",
        f"{len(result.chains_created)} new chain(s)", f"{result.chains_removed} chain(s) removed",
    ]
    return ", ".join(parts)


# --- Outlets -----------------------------------------------------------------------------------


@require_GET
@vary_on_headers("HX-Request")
@analyst_required
def outlet_list(request: HtmxHttpRequest) -> HttpResponse:
    qs = selectors.outlets_with_counts(request.user).select_related("parent")
    query = request.GET.get("q", "").strip()[:100]
    qs = selectors.outlet_search(qs, query)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    template_name = _page_or_partial(request, "review/outlet_list.html", "outlet-results", "results")
    return render(request, template_name, {"page": page, "q": query})


@require_GET
@vary_on_headers("HX-Request")
@analyst_required
def outlet_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    outlet = _get_outlet_for_user(request, slug)
    relations = selectors.outlet_relations(request.user, outlet)

    def rows(pairs, side):
        out = []
        for p in pairs:
            other = p.source if side == "source" else p.target
            out.append((str(other or "Unknown outlet"), reverse("outlet_detail", args=[other.slug]) if other else "",
                        p.confirmed, p.proposed))
        return out

    articles = (
        selectors.articles_for(request.user).filter(outlet=outlet).defer("text", "raw_text").order_by("-published_at")
    )
    page = Paginator(articles, 20).get_page(request.GET.get("page"))
    context = {
        "outlet": outlet,
        "relations": relations,
        "sources_chart": ev.bar_chart("Republishes from", rows(relations.sources, "source")),
        "republishers_chart": ev.bar_chart("Republished by", rows(relations.republishers, "target")),
        "page": page,
        "subsidiaries": outlet.subsidiaries.all(),
        "chains": selectors.outlet_chains(request.user, outlet),
    }
    template_name = _page_or_partial(request, "review/outlet_detail.html", "outlet-articles", "articles")
    return render(request, template_name, context)


# --- Annotations -------------------------------------------------------------------------------


@require_POST
@vary_on_headers("HX-Request")
@analyst_required
def annotation_create_view(request: HtmxHttpRequest) -> HttpResponse:
    form = AnnotationForm(request.POST)
    if not form.is_valid():
        return _annotation_error(request, form, "; ".join(" ".join(v) for v in form.errors.values()))
    cd = form.cleaned_data
    article = _get_article_for_user(request, cd["article"]) if cd["article"] else None
    chain = _get_chain_for_user(request, cd["chain"]) if cd["chain"] else None
    link = _get_link_for_user(request, cd["link"]) if cd["link"] else None
    try:
        note = annotation_create(
            author=request.user, body=cd["body"], article=article, chain=chain, link=link,
            start=cd["start"], end=cd["end"], quote=cd["quote"],
        )
    except ValidationError as exc:
        return _annotation_error(request, form, " ".join(exc.messages))
    fallback = (article or chain or link).get_absolute_url()
    if request.htmx:
        response = render(request, "review/article_detail.html#note", {"note": note, "can_delete": True})
        return trigger_client_event(response, "note-added", {"id": note.pk})
    messages.success(request, "Note saved.")
    return HttpResponseRedirect(_safe_next(request, fallback) + f"#note-{note.pk}")


def _annotation_error(request, form, message: str) -> HttpResponse:
    if request.htmx:
        response = render(request, "review/article_detail.html#note-error", {"message": message}, status=422)
        return reswap(retarget(response, "#note-errors"), "innerHTML")
    messages.error(request, f"The note was not saved: {message}")
    fallback = reverse("dashboard")
    return HttpResponseRedirect(_safe_next(request, fallback))


@require_POST
@vary_on_headers("HX-Request")
@analyst_required
def annotation_delete_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    annotation = _get_annotation_for_user(request, pk)
    if not annotation_can_delete(annotation=annotation, user=request.user):
        raise PermissionDenied("Only the author or a moderator can delete this note.")
    fallback = (annotation.article or annotation.chain or annotation.link).get_absolute_url()
    annotation_delete(annotation=annotation, by=request.user)
    if request.htmx:
        return HttpResponse("")
    messages.success(request, "Note deleted.")
    return HttpResponseRedirect(_safe_next(request, fallback))
