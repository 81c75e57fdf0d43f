"""An outlet directory in plain Python: names, aliases and domains resolved to outlet ids.

Built from the Outlet rows by the Django side (provenance.corpus.outlets.outlet_directory) and
handed to the engines, which never touch the database.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit


def normalise_name(name: str) -> str:
    """Case, accents, punctuation and a leading 'the' do not distinguish outlet names."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"[’'`]s\b", "", text)
    text = re.sub(r"[^\w]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def normalise_domain(value: str) -> str:
    value = value.strip().lower()
    if "//" in value:
        value = urlsplit(value).hostname or ""
    value = value.split("/")[0].split(":")[0].rstrip(".")
    return value[4:] if value.startswith("www.") else value


@dataclass(frozen=True)
class OutletEntry:
    id: int
    name: str
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    kind: str = "other"
    parent_id: int | None = None


@dataclass
class OutletDirectory:
    entries: list[OutletEntry] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_id = {entry.id: entry for entry in self.entries}
        self._by_name: dict[str, int] = {}
        self._by_domain: dict[str, int] = {}
        # Canonical names win over aliases when two outlets claim the same string.
        for entry in self.entries:
            for alias in entry.aliases:
                key = normalise_name(alias)
                if key:
                    self._by_name.setdefault(key, entry.id)
        for entry in self.entries:
            key = normalise_name(entry.name)
            if key:
                self._by_name[key] = entry.id
            for domain in entry.domains:
                self._by_domain.setdefault(normalise_domain(domain), entry.id)
        self._pattern: re.Pattern | None = None

    def get(self, outlet_id: int) -> OutletEntry | None:
        return self._by_id.get(outlet_id)

    def resolve(self, name: str) -> int | None:
        """The outlet a name or alias stands for, or None."""
        return self._by_name.get(normalise_name(name))

    def resolve_domain(self, url_or_host: str) -> int | None:
        """The outlet that owns a URL's host, trying parent domains too (news.example.com → example.com)."""
        host = normalise_domain(url_or_host)
        while host:
            if host in self._by_domain:
                return self._by_domain[host]
            if "." not in host:
                return None
            host = host.split(".", 1)[1]
        return None

    def names(self) -> list[str]:
        """Every name and alias, longest first (so 'RIA Novosti' matches before 'RIA')."""
        found = {name for entry in self.entries for name in (entry.name, *entry.aliases) if name.strip()}
        return sorted(found, key=lambda name: (-len(name), name))

    @property
    def pattern(self) -> re.Pattern:
        """One regex matching any known name or alias as whole words (case-sensitive for short acronyms)."""
        if self._pattern is None:
            parts = []
            for name in self.names():
                escaped = re.escape(name).replace(r"\ ", r"\s+")
                # Short all-caps names (RT, AP, FNA) match only as written, to avoid 'rt' in words.
                if len(name) <= 4 and name.isupper():
                    parts.append(f"(?-i:{escaped})")
                else:
                    parts.append(escaped)
            body = "|".join(parts) or r"(?!x)x"
            self._pattern = re.compile(rf"(?<![\w@#/.-])(?:{body})(?![\w-])", re.IGNORECASE)
        return self._pattern
