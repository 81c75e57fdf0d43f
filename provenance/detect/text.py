"""Words with their character offsets: the unit every other detection step works on."""

import hashlib
import re
import unicodedata
from array import array
from dataclasses import dataclass

import numpy as np

_WORD = re.compile(r"\w+", re.UNICODE)
# Characters OCR and typesetting swap for each other; folding them makes copies line up.
_FOLD = str.maketrans({"ß": "ss", "ı": "i"})


@dataclass(frozen=True)
class Tokens:
    """The normalised words of a text, with each word's start and end offset in the original."""

    words: tuple[str, ...]
    starts: np.ndarray
    ends: np.ndarray

    def __len__(self) -> int:
        return len(self.words)

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Character span of words first..last-1."""
        return int(self.starts[first]), int(self.ends[last - 1])


def fold_word(word: str) -> str:
    if word.isascii():
        return word.lower()  # what the folding below makes of an ASCII word, 15 times faster
    word = unicodedata.normalize("NFKD", word)
    word = "".join(ch for ch in word if not unicodedata.combining(ch))
    return word.casefold().translate(_FOLD)


def tokenize(text: str) -> Tokens:
    # Offsets go in 8-byte arrays, not lists of Python ints (36 bytes each): a 30 MB text has 4 million words.
    words, starts, ends = [], array("q"), array("q")
    for match in _WORD.finditer(text):
        words.append(fold_word(match.group()))
        starts.append(match.start())
        ends.append(match.end())
    return Tokens(tuple(words), np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64))


def stable_hash(value: str) -> int:
    """A 63-bit hash that is the same in every process (Python's hash() is salted)."""
    digest = hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def shingle_hashes(words: tuple[str, ...], size: int) -> list[int]:
    """Stable hashes of every run of `size` consecutive words (one per start position)."""
    if len(words) < size:
        return [stable_hash(" ".join(words))] if words else []
    return [stable_hash(" ".join(words[i : i + size])) for i in range(len(words) - size + 1)]
