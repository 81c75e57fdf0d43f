"""Fingerprints: what the database index of candidates is built from.

Two signals, both stored as (band, value) rows and looked up through one index:
- MinHash over word 5-shingles, cut into LSH bands: near-duplicates (whole republications) share a band.
- Passage anchors: winnowed hashes of word 5-grams (the smallest hash in every window of `window`
  consecutive 5-grams). Any passage of at least 5 + window - 1 words that two texts share gives both
  the same anchor, so a newspaper that rewrites a few sentences of wire copy is still found.
Anchors go in bands >= ANCHOR_BAND_BASE, bucketed by their value so the (band, value) index serves
both lookups and each article keeps at most one anchor per bucket.
"""

from dataclasses import dataclass

import numpy as np

from provenance.detect.text import Tokens, shingle_hashes

SHINGLE = 5
NUM_PERM = 128
MINHASH_CHUNK = 8192  # shingles permuted at once: 8 MB per temporary matrix
BANDS = 32
ROWS = NUM_PERM // BANDS
ANCHOR_BAND_BASE = 100
ANCHOR_BUCKETS = 16000
# Topic anchors: winnowed pairs of consecutive content words ("noel edmonds", "house party"), which
# articles on one story share even when they share no sentence. Bands TOPIC_BAND_BASE.. (smallint).
TOPIC_BAND_BASE = ANCHOR_BAND_BASE + ANCHOR_BUCKETS
TOPIC_BUCKETS = 16000
ANCHOR_WINDOW = 4
TOPIC_WINDOW = 3
# Words of a text that go into its fingerprint. The index keeps one passage anchor per bucket, and
# the first 200,000 words of a text already fill 99% of the buckets (all of them by ~400,000 words):
# the rest of a longer text would change almost none of its anchor rows, yet cost every detection
# run that loads it (23 s and 450 MB for a 30 MB one-line text). News articles are far shorter
# (METER's longest: 1,115 words), so theirs are whole. See docs/benchmarks.md, "Hostile sizes".
MAX_FINGERPRINT_WORDS = 200_000
STOPWORDS = frozenset(
    "the a an and or of to in on at for with by from is was were be been are it its he she his her "
    "they them their this that as but not have has had said says i you we me my our your who which "
    "what when will would there than so if into about after before over up out no".split()
)

_MERSENNE = np.uint64((1 << 31) - 1)
_rng = np.random.default_rng(20151005)
_A = _rng.integers(1, (1 << 31) - 1, size=NUM_PERM, dtype=np.uint64)
_B = _rng.integers(0, (1 << 31) - 1, size=NUM_PERM, dtype=np.uint64)
_MASK63 = (1 << 63) - 1


@dataclass(frozen=True)
class Anchor:
    value: int
    position: int  # index of the first word of the 5-gram

    @property
    def band(self) -> int:
        return ANCHOR_BAND_BASE + self.value % ANCHOR_BUCKETS


@dataclass(frozen=True)
class Fingerprint:
    bands: tuple[int, ...]  # one LSH value per band 0..BANDS-1 (empty for texts too short to shingle)
    anchors: tuple[Anchor, ...]
    topics: tuple[int, ...] = ()

    def rows(self) -> list[tuple[int, int]]:
        """(band, value) pairs to store: LSH bands, then at most one anchor per bucket."""
        out = list(enumerate(self.bands))
        seen: set[int] = set()
        for anchor in self.anchors:
            if anchor.band not in seen:
                seen.add(anchor.band)
                out.append((anchor.band, anchor.value))
        for value in self.topics:
            band = TOPIC_BAND_BASE + value % TOPIC_BUCKETS
            if band not in seen:
                seen.add(band)
                out.append((band, value))
        return out


def minhash(hashes: list[int]) -> np.ndarray:
    """The smallest of each of the NUM_PERM permutations of the shingle hashes.

    Computed MINHASH_CHUNK shingles at a time, keeping the running minimum: the same
    signature as permuting them all at once, without a NUM_PERM x shingles matrix (1 KB per
    shingle, three times over with its temporaries: 13 GB for a 30 MB one-line text).
    """
    values = np.asarray(hashes, dtype=np.uint64) & np.uint64(0xFFFFFFFF)
    if not len(values):
        raise ValueError("minhash of no shingles")
    signature = np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    for start in range(0, len(values), MINHASH_CHUNK):
        chunk = values[start : start + MINHASH_CHUNK]
        # (a * x + b) mod p with a, b < 2^31 and x < 2^32 never overflows 64 bits.
        permuted = (np.outer(_A, chunk) + _B[:, None]) % _MERSENNE
        np.minimum(signature, permuted.min(axis=1), out=signature)
    return signature


def lsh_bands(signature: np.ndarray) -> tuple[int, ...]:
    bands = []
    for band in range(BANDS):
        rows = signature[band * ROWS : (band + 1) * ROWS]
        value = 1469598103934665603
        for row in rows.tolist():
            value = ((value ^ row) * 1099511628211) & _MASK63
        bands.append(value)
    return tuple(bands)


def winnow(hashes: list[int], window: int = ANCHOR_WINDOW) -> list[Anchor]:
    """The rightmost smallest hash of every window of consecutive hashes (Schleimer et al., 2003)."""
    if not hashes:
        return []
    if len(hashes) <= window:
        position = min(range(len(hashes)), key=lambda i: (hashes[i], -i))
        return [Anchor(hashes[position], position)]
    picked: list[Anchor] = []
    last = -1
    for start in range(len(hashes) - window + 1):
        best = start
        for i in range(start + 1, start + window):
            if hashes[i] <= hashes[best]:
                best = i
        if best != last:
            picked.append(Anchor(hashes[best], best))
            last = best
    return picked


def fingerprint(tokens: Tokens) -> Fingerprint:
    """The fingerprint of the text's first MAX_FINGERPRINT_WORDS words (all of any real article)."""
    words = tokens.words[:MAX_FINGERPRINT_WORDS]
    hashes = shingle_hashes(words, SHINGLE)
    if len(tokens) < SHINGLE:
        return Fingerprint(bands=(), anchors=())
    content = tuple(w for w in words if w not in STOPWORDS and not w.isdigit() and len(w) > 2)
    topics = tuple(sorted({a.value for a in winnow(shingle_hashes(content, 2), TOPIC_WINDOW)})) if len(content) >= 2 else ()
    return Fingerprint(bands=lsh_bands(minhash(hashes)), anchors=tuple(winnow(hashes)), topics=topics)


def jaccard_estimate(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(a == b))
