"""Alignment: the passages two texts share, with character offsets in both, and how much of each
text lies in the other.

Greedy string tiling over words: every maximal run of at least `min_words` equal words is a
candidate tile; the longest tiles are taken first and a word belongs to at most one tile on each
side. Tiles a few words apart are then joined into passages (a copy that changes one word of a
sentence still shares the sentence).
"""

from dataclasses import dataclass, field

import numpy as np

from provenance.detect.text import Tokens

MIN_WORDS = 5
MAX_POSITIONS = 30  # a k-gram repeated more often than this in one text is not a useful seed
JOIN_GAP = 4


@dataclass(frozen=True)
class Tile:
    a: int  # first word in text a
    b: int  # first word in text b
    length: int


@dataclass(frozen=True)
class Passage:
    """A shared passage: word ranges and character spans in both texts."""

    a_words: tuple[int, int]
    b_words: tuple[int, int]
    a_span: tuple[int, int]
    b_span: tuple[int, int]
    words: int  # words actually matched inside the passage

    def as_dict(self) -> dict:
        return {
            "source_start": self.a_span[0],
            "source_end": self.a_span[1],
            "target_start": self.b_span[0],
            "target_end": self.b_span[1],
            "words": self.words,
        }


@dataclass
class Alignment:
    tiles: list[Tile]
    a_len: int
    b_len: int
    a_covered: np.ndarray = field(repr=False)
    b_covered: np.ndarray = field(repr=False)
    passages: list[Passage] = field(default_factory=list)

    @property
    def shared_words(self) -> int:
        return int(self.b_covered.sum())

    @property
    def a_in_b(self) -> float:
        """Share of text a's words found in b."""
        return float(self.a_covered.sum()) / self.a_len if self.a_len else 0.0

    @property
    def b_in_a(self) -> float:
        return float(self.b_covered.sum()) / self.b_len if self.b_len else 0.0

    @property
    def longest(self) -> int:
        return max((tile.length for tile in self.tiles), default=0)

    def swapped(self) -> "Alignment":
        tiles = [Tile(t.b, t.a, t.length) for t in self.tiles]
        passages = [Passage(p.b_words, p.a_words, p.b_span, p.a_span, p.words) for p in self.passages]
        return Alignment(tiles, self.b_len, self.a_len, self.b_covered, self.a_covered, passages)


def _maximal_matches(a: tuple[str, ...], b: tuple[str, ...], k: int) -> list[Tile]:
    index: dict[tuple[str, ...], list[int]] = {}
    for i in range(len(a) - k + 1):
        positions = index.setdefault(a[i : i + k], [])
        if len(positions) <= MAX_POSITIONS:
            positions.append(i)
    matches = []
    for j in range(len(b) - k + 1):
        positions = index.get(b[j : j + k])
        if not positions or len(positions) > MAX_POSITIONS:
            continue
        for i in positions:
            if i > 0 and j > 0 and a[i - 1] == b[j - 1]:
                continue  # not maximal: the same match started one word earlier
            length = k
            while i + length < len(a) and j + length < len(b) and a[i + length] == b[j + length]:
                length += 1
            matches.append(Tile(i, j, length))
    return matches


def align(
    a: Tokens,
    b: Tokens,
    *,
    min_words: int = MIN_WORDS,
    a_ignore: np.ndarray | None = None,
    b_ignore: np.ndarray | None = None,
) -> Alignment:
    """Shared passages of a and b. Words flagged in a_ignore/b_ignore (boilerplate) never count."""
    a_covered = np.zeros(len(a), dtype=bool)
    b_covered = np.zeros(len(b), dtype=bool)
    tiles: list[Tile] = []
    if len(a) >= min_words and len(b) >= min_words:
        matches = _maximal_matches(a.words, b.words, min_words)
        matches.sort(key=lambda t: (-t.length, t.b, t.a))
        for tile in matches:
            a_slice = slice(tile.a, tile.a + tile.length)
            b_slice = slice(tile.b, tile.b + tile.length)
            if a_covered[a_slice].any() or b_covered[b_slice].any():
                # Keep the longest free stretch of a partly taken match.
                free = ~(a_covered[a_slice] | b_covered[b_slice])
                best_start, best_len, run_start = 0, 0, None
                for offset, ok in enumerate(free.tolist() + [False]):
                    if ok and run_start is None:
                        run_start = offset
                    elif not ok and run_start is not None:
                        if offset - run_start > best_len:
                            best_start, best_len = run_start, offset - run_start
                        run_start = None
                if best_len < min_words:
                    continue
                tile = Tile(tile.a + best_start, tile.b + best_start, best_len)
                a_slice = slice(tile.a, tile.a + tile.length)
                b_slice = slice(tile.b, tile.b + tile.length)
            if a_ignore is not None and a_ignore[a_slice].mean() > 0.5:
                continue
            if b_ignore is not None and b_ignore[b_slice].mean() > 0.5:
                continue
            a_covered[a_slice] = True
            b_covered[b_slice] = True
            tiles.append(tile)
    tiles.sort(key=lambda t: t.b)
    alignment = Alignment(tiles, len(a), len(b), a_covered, b_covered)
    alignment.passages = _join(tiles, a, b)
    return alignment


def _join(tiles: list[Tile], a: Tokens, b: Tokens) -> list[Passage]:
    passages: list[Passage] = []
    group: list[Tile] = []

    def close() -> None:
        if not group:
            return
        a_first = min(t.a for t in group)
        a_last = max(t.a + t.length for t in group)
        b_first = group[0].b
        b_last = group[-1].b + group[-1].length
        passages.append(
            Passage(
                a_words=(a_first, a_last),
                b_words=(b_first, b_last),
                a_span=a.span(a_first, a_last),
                b_span=b.span(b_first, b_last),
                words=sum(t.length for t in group),
            )
        )

    for tile in tiles:
        if group:
            last = group[-1]
            b_gap = tile.b - (last.b + last.length)
            a_gap = tile.a - (last.a + last.length)
            if 0 <= b_gap <= JOIN_GAP and 0 <= a_gap <= JOIN_GAP:
                group.append(tile)
                continue
            close()
            group = []
        group.append(tile)
    close()
    return passages
