"""Bytes to text: detect the encoding, refuse what is not text, repair mojibake only when sure."""

from __future__ import annotations

import re
import unicodedata

import charset_normalizer
import ftfy
import ftfy.fixes

from provenance.extract.types import ExtractError

_BOMS = [
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
]
# C0 controls other than tab, newline, carriage return and form feed; DEL and C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# Typical UTF-8-read-as-cp1252 sequences; ftfy runs only when one is present and it can undo it.
_C1 = re.compile(r"[\x80-\x9f]")
_MOJIBAKE_HINT = re.compile("[ÃÂâ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]")


def decode(data: bytes, *, declared: str | None = None) -> str:
    """Decode bytes to str, or raise ExtractError (NUL bytes, undecodable, not text)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _finish(data[len(bom) :].decode(encoding))
            except UnicodeDecodeError:
                raise ExtractError(f"the file starts with a {encoding} byte-order mark but is not {encoding}") from None
    if b"\x00" in data:
        raise ExtractError("the file contains NUL bytes: it is binary data, not text")
    if declared:
        try:
            return _finish(data.decode(declared))
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return _finish(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    matches = charset_normalizer.from_bytes(data[: 2 * 1024 * 1024])
    best = matches.best()
    if best is not None:
        # Short samples tie between single-byte cousins; Western news text is mostly cp1252.
        for match in matches:
            if match.encoding in {"cp1252", "latin_1", "iso8859_15"} and match.chaos <= best.chaos + 0.01:
                best = match
                break
    if best is None or best.chaos > 0.25:
        raise ExtractError("the bytes are not text in any encoding we can recognise")
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        raise ExtractError("the bytes are not text in any encoding we can recognise") from None
    return _finish(text)


def _finish(text: str) -> str:
    if _MOJIBAKE_HINT.search(text):
        fixed = ftfy.fix_encoding(text)
        # Only accept ftfy's repair when it removed the mojibake and did not introduce new oddities.
        if fixed != text and not _MOJIBAKE_HINT.search(fixed):
            text = fixed
    if _C1.search(text):
        # C1 controls in decoded text are almost always cp1252 punctuation read as Latin-1.
        text = ftfy.fixes.fix_c1_controls(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = len(_CONTROL.findall(text))
    if text and controls > max(8, len(text) // 20):
        raise ExtractError("the bytes decode to control characters, not readable text")
    return text


def strip_controls(text: str) -> str:
    return _CONTROL.sub("", text)


_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u061c]")


def normalise_for_hash(text: str) -> str:
    """The text two copies of one article share: NFKC, no zero-width or bidi characters, one space."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    return " ".join(text.split())
