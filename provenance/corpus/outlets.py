"""The outlet registry as the engines see it: an OutletDirectory built from the Outlet rows.

Built once per process and rebuilt when any outlet changes (a version number in the cache),
so a worker resolving thousands of credits does not query outlets for each.
"""

from django.core.cache import cache

from provenance.corpus.models import Outlet
from provenance.detect.outlets import OutletDirectory, OutletEntry

_VERSION_KEY = "outlet-directory-version"
_built: tuple[int, int, OutletDirectory] | None = None


def outlet_directory() -> OutletDirectory:
    global _built
    version = cache.get_or_set(_VERSION_KEY, 1, timeout=None)
    count = Outlet.objects.count()
    if _built is None or _built[0] != version or _built[1] != count:
        entries = [
            OutletEntry(
                id=row["id"],
                name=row["name"],
                aliases=tuple(row["aliases"] or ()),
                domains=tuple(row["domains"] or ()),
                kind=row["kind"],
                parent_id=row["parent_id"],
            )
            for row in Outlet.objects.values("id", "name", "aliases", "domains", "kind", "parent_id")
        ]
        _built = (version, count, OutletDirectory(entries))
    return _built[2]


def outlet_directory_changed() -> None:
    """Call after creating, editing, merging or deleting outlets."""
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 2, timeout=None)
