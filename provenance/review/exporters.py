"""Export of the corpus's provenance findings: JSON, CSV (one row per link) and W3C PROV-JSON.

The format is documented in docs/export-format.md; other tools read it, so change it only additively.
Hidden articles (and the links and chains that touch them) are never exported.
"""

import csv
import io
import json
from typing import IO

from provenance.corpus.models import Article
from provenance.review.models import Chain, ChainNode, Link

FORMATS = ("json", "csv", "prov")
CSV_COLUMNS = [
    "id", "source_article", "source_outlet", "target_article", "target_outlet", "kind", "score", "status",
    "stale", "reasons",
]


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_data(chain_ids=None) -> dict:
    """{"articles": [...], "links": [...], "chains": [...]} for every visible article; with `chain_ids`,
    only those chains, their links and the articles on them or at either end of their links."""
    article_rows = Article.objects.visible()
    link_rows = Link.objects.visible()
    chain_rows = Chain.objects.all()
    if chain_ids is not None:
        chain_rows = chain_rows.filter(id__in=chain_ids)
        link_rows = link_rows.filter(chains__id__in=chain_ids).distinct()
        on_chains = set(ChainNode.objects.filter(chain_id__in=chain_ids, article__isnull=False)
                        .values_list("article_id", flat=True))
        for source, target in link_rows.values_list("source_article_id", "target_id"):
            on_chains.update(i for i in (source, target) if i)
        article_rows = article_rows.filter(id__in=on_chains)
    articles = [
        {
            "id": a.id,
            "path": a.path,
            "url": a.url,
            "outlet": a.outlet.name if a.outlet_id else None,
            "title": a.title,
            "published_at": _iso(a.published_at),
            "text": a.text,
        }
        for a in article_rows.select_related("outlet").order_by("id")
    ]
    links = [
        {
            "id": link.id,
            "source": {
                "article": link.source_article_id,
                "outlet": (
                    link.source_article.outlet.name
                    if link.source_article_id and link.source_article.outlet_id
                    else (link.source_outlet.name if link.source_outlet_id else None)
                ),
            },
            "target": {"article": link.target_id},
            "kind": link.kind,
            "score": round(link.score, 4),
            "status": link.status,
            "stale": link.stale,
            "reasons": list(link.reasons or []),
        }
        for link in link_rows.with_related().order_by("id")
    ]
    hidden_chains = set(
        ChainNode.objects.filter(article__hidden=True).values_list("chain_id", flat=True)
    )
    chains = []
    for chain in chain_rows.prefetch_related("nodes__article__outlet", "nodes__outlet").order_by("id"):
        if chain.id in hidden_chains:
            continue
        chains.append(
            {
                "id": chain.id,
                "status": chain.status,
                "stale": chain.stale,
                "score": round(chain.score, 4),
                "nodes": [
                    {
                        "article": node.article_id,
                        "outlet": (
                            node.article.outlet.name
                            if node.article_id and node.article.outlet_id
                            else (node.outlet.name if node.outlet_id else None)
                        ),
                    }
                    for node in chain.ordered_nodes()
                ],
            }
        )
    return {"articles": articles, "links": links, "chains": chains}


def write_json(data: dict, out: IO[str]) -> None:
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")


def write_csv(data: dict, out: IO[str]) -> None:
    outlets = {a["id"]: a["outlet"] for a in data["articles"]}
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for link in data["links"]:
        writer.writerow(
            [
                link["id"],
                link["source"]["article"] if link["source"]["article"] is not None else "",
                link["source"]["outlet"] or "",
                link["target"]["article"],
                outlets.get(link["target"]["article"]) or "",
                link["kind"],
                link["score"],
                link["status"],
                "true" if link["stale"] else "false",
                " | ".join(link["reasons"]),
            ]
        )


def prov_document(data: dict):
    """A W3C PROV document: articles are entities derived from their sources; outlets are agents."""
    from prov.model import ProvDocument

    doc = ProvDocument()
    doc.add_namespace("prv", "https://provenance.example.org/ns#")
    doc.add_namespace("article", "https://provenance.example.org/article/")
    doc.add_namespace("outlet", "https://provenance.example.org/outlet/")
    doc.add_namespace("link", "https://provenance.example.org/link/")
    doc.add_namespace("chain", "https://provenance.example.org/chain/")

    def outlet_id(name: str) -> str:
        return "outlet:" + "".join(ch if ch.isalnum() else "_" for ch in name)

    agents: set[str] = set()

    def agent(name: str):
        ident = outlet_id(name)
        if ident not in agents:
            agents.add(ident)
            doc.agent(ident, {"prov:label": name, "prov:type": "prov:Organization"})
        return ident

    for article in data["articles"]:
        attributes = {"prov:label": article["title"] or article["path"], "prv:path": article["path"]}
        if article["url"]:
            attributes["prv:url"] = article["url"]
        if article["published_at"]:
            attributes["prv:publishedAt"] = article["published_at"]
        entity = doc.entity(f"article:{article['id']}", attributes)
        if article["outlet"]:
            doc.wasAttributedTo(entity, agent(article["outlet"]))
    for link in data["links"]:
        attributes = {
            "prv:kind": link["kind"],
            "prv:score": link["score"],
            "prv:status": link["status"],
            "prv:reasons": " | ".join(link["reasons"]),
        }
        target = f"article:{link['target']['article']}"
        if link["source"]["article"] is not None:
            doc.wasDerivedFrom(target, f"article:{link['source']['article']}", identifier=f"link:{link['id']}",
                               other_attributes=attributes)
        elif link["source"]["outlet"]:
            # The source article is not in the corpus: the copy is attributed to the credited outlet.
            doc.wasAttributedTo(target, agent(link["source"]["outlet"]), identifier=f"link:{link['id']}",
                                other_attributes=attributes)
    for chain in data["chains"]:
        members = []
        for node in chain["nodes"]:
            members.append(f"article:{node['article']}" if node["article"] is not None else None)
        collection = doc.collection(
            f"chain:{chain['id']}",
            {"prv:status": chain["status"],
             "prv:nodes": " > ".join(
                 f"article:{n['article']}" if n["article"] is not None else outlet_id(n["outlet"] or "unknown")
                 for n in chain["nodes"])},
        )
        for member in members:
            if member:
                doc.hadMember(collection, member)
    return doc


def write_prov(data: dict, out: IO[str]) -> None:
    out.write(prov_document(data).serialize(format="json", indent=2))
    out.write("\n")


def export(fmt: str, out: IO[str], *, chain_ids=None) -> dict:
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}: choose one of {', '.join(FORMATS)}.")
    data = export_data(chain_ids)
    {"json": write_json, "csv": write_csv, "prov": write_prov}[fmt](data, out)
    return data


def export_string(fmt: str, *, chain_ids=None) -> str:
    buffer = io.StringIO()
    export(fmt, buffer, chain_ids=chain_ids)
    return buffer.getvalue()


# What a download is called and served as, per format.
DOWNLOADS = {
    "json": ("json", "application/json"),
    "csv": ("csv", "text/csv"),
    "prov": ("prov.json", "application/json"),
}
