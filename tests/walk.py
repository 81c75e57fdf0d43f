"""Walk every URL pattern of the app and fill its parameters with real objects.

Shared by the URL-walk security test and the stored-XSS test. A pattern whose parameters cannot
be filled is reported, never skipped silently.
"""

import re
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from provenance.corpus.models import ArticleFingerprint, UploadFile, UploadItem
from provenance.review.audit import audit_record
from provenance.review.models import Annotation, Decision
from tests.factories import (
    AnnotationFactory,
    ArticleFactory,
    CreditFactory,
    LinkFactory,
    OutletFactory,
    UploadFactory,
    make_chain,
)


@dataclass
class Route:
    name: str  # "namespace:name", or the route text for unnamed patterns
    url: str
    callback: object
    admin_model: type | None = None


@dataclass
class World:
    """One of everything, linked the way real data is."""

    objects: dict = field(default_factory=dict)

    def __getitem__(self, key):
        return self.objects[key]


def build_world(*, moderator, reviewer, analyst, text: dict | None = None) -> World:
    """Rows for every model; `text` overrides user-supplied strings (the XSS test fills them with payloads)."""
    t = {
        "outlet_name": "RIA Novosti", "outlet_alias": "RIA", "outlet_notes": "State news agency",
        "title": "Militants flee", "body": "Scores of militants fled, RIA reported.", "byline": "By Staff",
        "url": "https://ria.ru/a/1", "raw": "Militants flee\nScores of militants fled, RIA reported.",
        "file_name": "ria.txt", "upload_note": "Batch from Monday", "annotation": "Check the wire copy",
        "quote": "Scores", "decision_note": "credit is explicit", "reason": "Duplicate outlet",
        **(text or {}),
    }
    outlet = OutletFactory(name=t["outlet_name"], slug="ria-novosti", aliases=[t["outlet_alias"]],
                           domains=["ria.ru"], notes=t["outlet_notes"])
    upload = UploadFactory(uploader=analyst, note=t["upload_note"], given_outlet=outlet, given_url="https://ria.ru/a/1")
    upload_file = UploadFile(upload=upload, original_name=t["file_name"], size=10)
    upload_file.file.save("x.txt", ContentFile(t["raw"].encode()), save=True)
    source = ArticleFactory(outlet=outlet, title=t["title"], text=t["body"] + " source", byline=t["byline"],
                            url=t["url"], raw_text=t["raw"], upload=upload, upload_file=upload_file,
                            path=t["file_name"])
    target = ArticleFactory(outlet=OutletFactory(name="RT", slug="rt"), title=t["title"] + " (copy)",
                            text=t["body"] + " copy", byline=t["byline"], url=t["url"], raw_text=t["raw"])
    UploadItem.objects.create(upload=upload, upload_file=upload_file, outcome="created", article=source,
                              reason=t["upload_note"])
    ArticleFingerprint.objects.create(article=source, band=1, value=123)
    credit = CreditFactory(article=target, outlet=outlet, name=t["outlet_name"], sentence=t["body"])
    link = LinkFactory(source_article=source, target=target, reasons=[t["decision_note"]],
                       decision_note=t["decision_note"], decided_by=reviewer, decided_at=timezone.now(),
                       status="disputed")
    outlet_link = LinkFactory(source_article=None, source_outlet=outlet, target=source, kind="attribution")
    chain = make_chain(outlet_link, link)
    chain.decision_note = t["decision_note"]
    chain.save()
    Decision.objects.create(link=link, reviewer=reviewer, verdict="confirmed", note=t["decision_note"])
    Decision.objects.create(link=link, reviewer=moderator, verdict="rejected", note=t["decision_note"])
    Decision.objects.create(chain=chain, reviewer=reviewer, verdict="confirmed", note=t["decision_note"])
    annotation = AnnotationFactory(author=analyst, article=source, start=0, end=6, quote=t["quote"],
                                   body=t["annotation"])
    Annotation.objects.create(author=reviewer, link=link, body=t["annotation"])
    Annotation.objects.create(author=reviewer, chain=chain, body=t["annotation"])
    event = audit_record(actor=moderator, action="outlet.merge", obj=outlet, before={"name": t["outlet_name"]},
                         after={"aliases": [t["outlet_alias"]]}, reason=t["reason"])
    return World(objects={
        "outlet": outlet, "upload": upload, "upload_file": upload_file, "source": source, "target": target,
        "credit": credit, "link": link, "outlet_link": outlet_link, "chain": chain, "annotation": annotation,
        "event": event, "users": [moderator, reviewer, analyst],
    })


# URL name → the object whose pk fills <pk>.
PK_OBJECTS = {
    "upload_detail": "upload", "upload_file_download": "upload_file",
    "article_detail": "source", "article_raw": "source", "article_correct": "source",
    "chain_detail": "chain", "chain_decide": "chain", "chain_export": "chain",
    "link_detail": "link", "link_decide": "link", "moderation_resolve": "link", "moderation_resolve_chain": "chain",
    "annotation_delete": "annotation",
}


def _params(pattern) -> list[str]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters is not None and hasattr(pattern.pattern, "_route"):
        return list(converters)
    return list(pattern.pattern.regex.groupindex)


def iter_patterns(patterns=None, prefix="", namespace=""):
    """(namespace, pattern, route text) for every URLPattern, through every include."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = ":".join(filter(None, [namespace, entry.namespace])) if entry.namespace else namespace
            yield from iter_patterns(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield namespace, entry, prefix + str(entry.pattern)


def _admin_model(callback):
    model_admin = getattr(callback, "model_admin", None)
    return model_admin.model if model_admin is not None else None


def _fill(name: str, params: list[str], callback, world: World, route: str):
    """kwargs for reverse(), or None when the pattern takes no parameters we know how to fill."""
    from django.contrib.contenttypes.models import ContentType

    kwargs = {}
    model = _admin_model(callback)
    for param in params:
        if param == "pk" and name in PK_OBJECTS:
            kwargs[param] = world[PK_OBJECTS[name]].pk
        elif param == "slug" and name == "outlet_detail":
            kwargs[param] = world["outlet"].slug
        elif param == "object_id" and model is not None:
            obj = model._default_manager.order_by("pk").first()
            if obj is None:
                raise LookupError(f"no {model.__name__} row to fill {route}")
            kwargs[param] = obj.pk
        elif param == "id" and "auth/user" in route:  # the user admin's password change
            kwargs[param] = world["users"][1].pk
        elif param == "app_label":
            kwargs[param] = "corpus"
        elif param == "content_type_id":
            kwargs[param] = ContentType.objects.get_for_model(world["source"]).pk
        elif param == "object_id":
            kwargs[param] = world["source"].pk
        elif param == "fmt":  # the downloads: JSON is the richest format
            kwargs[param] = "json"
        elif param == "url":  # the admin's catch-all
            kwargs[param] = "no-such-page/"
        else:
            raise LookupError(f"don't know how to fill <{param}> in {route} ({name or 'unnamed'})")
    return kwargs


def all_routes(world: World) -> tuple[list[Route], list[str]]:
    """Every URL of the app with real parameters, and the patterns that could not be filled."""
    routes, unfilled = [], []
    for namespace, pattern, route in iter_patterns():
        name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or "")
        params = _params(pattern)
        try:
            kwargs = _fill(pattern.name or "", params, pattern.callback, world, route)
        except LookupError as exc:
            unfilled.append(str(exc))
            continue
        if name:
            url = reverse(name, kwargs=kwargs)
        elif params == ["url"]:
            url = "/" + route.split("(?P<url>")[0].replace("^", "") + kwargs["url"]
        elif "(?P<" not in route and "^" not in route:
            url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route)
        else:
            unfilled.append(f"unnamed regex pattern: {route}")
            continue
        routes.append(Route(name=name or route, url=url, callback=pattern.callback,
                            admin_model=_admin_model(pattern.callback)))
    return routes, unfilled
