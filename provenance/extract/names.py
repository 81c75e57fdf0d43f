"""Outlet names in text, looked up in the outlet directory word by word (no giant regex)."""

from __future__ import annotations

import re

from provenance.detect.outlets import OutletDirectory

_TOKEN = re.compile(r"[^\W_]+(?:[.&'’-][^\W_]+)*")


class NameFinder:
    def __init__(self, directory: OutletDirectory) -> None:
        self.directory = directory
        longest = max((len(name.split()) for name in directory.names()), default=1)
        self.max_words = min(max(longest, 1), 8)
        self._memo: dict[str, int | None] = {}

    def _resolve(self, surface: str) -> int | None:
        if surface not in self._memo:
            if len(self._memo) > 50_000:
                self._memo.clear()
            self._memo[surface] = self.directory.resolve(surface)
        return self._memo[surface]

    def _name(self, outlet_id: int | None) -> str | None:
        entry = self.directory.get(outlet_id) if outlet_id is not None else None
        return entry.name if entry else None

    def at(self, text: str, pos: int) -> str | None:
        """The outlet whose name or alias starts at text[pos] (after spaces), longest match first."""
        tokens = []
        for match in _TOKEN.finditer(text, pos, min(len(text), pos + 300)):
            if not tokens and text[pos : match.start()].strip(" \t\"'“‘([—–-"):
                return None
            tokens.append(match)
            if len(tokens) >= self.max_words:
                break
        for n in range(len(tokens), 0, -1):
            surface = text[tokens[0].start() : tokens[n - 1].end()]
            if len(surface) <= 4 and not surface.isupper():
                continue
            found = self._resolve(surface)
            if found is not None:
                return self._name(found)
        return None

    def domain(self, host: str) -> str | None:
        return self._name(self.directory.resolve_domain(host))

    def canonical(self, name: str) -> str | None:
        return self._name(self._resolve(name)) if name.strip() else None
