"""Chains: paths origin → … → final article, read off the links.

Each article takes its best text source (a reviewer-confirmed link first, then the highest score)
as its parent. An article with no text source in the corpus ends its chain at the outlets it
credits: the outlet it says it republished (and, above it, the sources credited inside that
republished text), or the outlets it relays claims from. A final article is one that no other
article took as its parent.
"""

from dataclasses import dataclass, field

CONFIRMED = "confirmed"
MAX_PATHS_PER_FINAL = 4


@dataclass(frozen=True)
class Edge:
    link_id: int
    target_id: int
    score: float
    source_article_id: int | None = None
    source_outlet_id: int | None = None
    status: str = "proposed"
    role: str | None = None  # for outlet links: republished_from or source
    via_outlet_id: int | None = None  # a source credited inside text republished from this outlet


@dataclass
class ChainPath:
    nodes: list[tuple[str, int]]  # ("a", article id) or ("o", outlet id), origin first
    link_ids: list[int] = field(default_factory=list)
    score: float = 0.0

    @property
    def key(self) -> str:
        return ">".join(f"{kind}{node_id}" for kind, node_id in self.nodes)


def _rank(edge: Edge) -> tuple:
    return (edge.status != CONFIRMED, -edge.score, edge.link_id)


def best_parents(incoming: dict[int, list[Edge]]) -> dict[int, Edge]:
    """Each article's chosen text source."""
    parents = {}
    for target, edges in incoming.items():
        article_edges = sorted((e for e in edges if e.source_article_id), key=_rank)
        if article_edges:
            parents[target] = article_edges[0]
    return parents


def _paths(article_id: int, incoming: dict[int, list[Edge]], parents: dict[int, Edge], seen: frozenset) -> list[ChainPath]:
    here = ("a", article_id)
    parent = parents.get(article_id)
    if parent is not None and parent.source_article_id not in seen:
        upstream = _paths(parent.source_article_id, incoming, parents, seen | {article_id})
        return [
            ChainPath(p.nodes + [here], p.link_ids + [parent.link_id], min([p.score, parent.score] if p.link_ids else [parent.score]))
            for p in upstream
        ]
    edges = [e for e in incoming.get(article_id, []) if e.source_outlet_id and not e.source_article_id]
    republished = sorted((e for e in edges if e.role == "republished_from" and e.via_outlet_id is None), key=_rank)
    paths: list[ChainPath] = []
    if republished:
        via = republished[0]
        above = sorted((e for e in edges if e.via_outlet_id == via.source_outlet_id), key=_rank)
        for edge in above[:MAX_PATHS_PER_FINAL]:
            paths.append(
                ChainPath(
                    [("o", edge.source_outlet_id), ("o", via.source_outlet_id), here],
                    [edge.link_id, via.link_id],
                    min(edge.score, via.score),
                )
            )
        if not paths:
            paths.append(ChainPath([("o", via.source_outlet_id), here], [via.link_id], via.score))
        return paths
    sources = sorted((e for e in edges if e.role != "republished_from" and e.via_outlet_id is None), key=_rank)
    for edge in sources[:MAX_PATHS_PER_FINAL]:
        paths.append(ChainPath([("o", edge.source_outlet_id), here], [edge.link_id], edge.score))
    return paths or [ChainPath([here])]


def build_chains(incoming: dict[int, list[Edge]]) -> list[ChainPath]:
    """Every chain ending at a final article among the targets of `incoming`.

    `incoming` maps each article to the usable links into it (not rejected, not stale); it must
    cover whole connected groups of articles for the finals to be right.
    """
    parents = best_parents(incoming)
    used_as_parent = {edge.source_article_id for edge in parents.values()}
    chains: dict[str, ChainPath] = {}
    for article_id in sorted(incoming):
        if article_id in used_as_parent or not incoming[article_id]:
            continue
        for path in _paths(article_id, incoming, parents, frozenset()):
            if len(path.nodes) >= 2:
                chains.setdefault(path.key, path)
    return list(chains.values())
