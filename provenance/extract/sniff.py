"""What a file really is, from its bytes (never from its name or the Content-Type it came with)."""

from __future__ import annotations

import json
import re
import zlib

TEXT, HTML, ZIP, WARC, JSONL = "text", "html", "zip", "warc", "jsonl"

# Magic numbers of types we refuse, with the words used to name them in a refusal.
_MAGIC: list[tuple[bytes, int, str]] = [
    (b"%PDF-", 0, "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", 0, "a PNG image"),
    (b"\xff\xd8\xff", 0, "a JPEG image"),
    (b"GIF87a", 0, "a GIF image"),
    (b"GIF89a", 0, "a GIF image"),
    (b"RIFF", 0, "a RIFF file (WebP image, WAV or AVI)"),
    (b"7z\xbc\xaf\x27\x1c", 0, "a 7-Zip archive"),
    (b"Rar!\x1a\x07", 0, "a RAR archive"),
    (b"BZh", 0, "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", 0, "an XZ-compressed file"),
    (b"\x28\xb5\x2f\xfd", 0, "a Zstandard-compressed file"),
    (b"MZ", 0, "a Windows executable"),
    (b"\x7fELF", 0, "an ELF executable"),
    (b"SQLite format 3\x00", 0, "an SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "a Microsoft Office (OLE) document"),
    (b"ustar", 257, "a tar archive"),
    (b"OggS", 0, "an Ogg media file"),
    (b"fLaC", 0, "a FLAC audio file"),
    (b"ID3", 0, "an MP3 audio file"),
]

_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]"
    rb"|<meta[\s>]|<title[\s>]|<article[\s>]|<div[\s>]|<p[\s>]|<h1[\s>]|<section[\s>]|<main[\s>])",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TAGS = re.compile(rb"</?(?:html|head|body|div|p|span|a|h[1-6]|article|section|br|script|meta)\b", re.I)


class SniffResult(str):
    """The detected type; .label names it for a person (e.g. 'a PNG image')."""

    label: str

    def __new__(cls, kind: str, label: str):
        obj = super().__new__(cls, kind)
        obj.label = label
        return obj


def sniff(data: bytes) -> SniffResult:
    """Detect the type: text, html, zip, warc, jsonl; anything else is 'refused' with a label."""
    head = data[:4096]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return SniffResult(ZIP, "a ZIP archive")
    if head.startswith(b"\x1f\x8b"):
        inner = _gunzip_head(data)
        if inner.startswith(b"WARC/"):
            return SniffResult(WARC, "a WARC web archive (gzip)")
        if inner[257:262] == b"ustar":
            return SniffResult("refused", "a gzip-compressed tar archive")
        return SniffResult("refused", "a gzip-compressed file")
    if head.startswith(b"WARC/"):
        return SniffResult(WARC, "a WARC web archive")
    for magic, offset, label in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            if magic == b"RIFF" and head[8:12] == b"WEBP":
                label = "a WebP image"
            return SniffResult("refused", label)
    text_head = _strip_bom(head)
    if _HTML_START.match(text_head):
        return SniffResult(HTML, "an HTML page")
    if _looks_like_jsonl(data):
        return SniffResult(JSONL, "JSON lines")
    if _looks_like_json(data):
        return SniffResult("refused", "a JSON document (JSON lines, one article object per line, are accepted)")
    if len(_HTML_TAGS.findall(text_head)) >= 5:
        return SniffResult(HTML, "an HTML page")
    return SniffResult(TEXT, "text")


def _strip_bom(data: bytes) -> bytes:
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if data.startswith(bom):
            data = data[len(bom) :]
            if bom != b"\xef\xbb\xbf":
                data = data.replace(b"\x00", b"")
            break
    return data


def _gunzip_head(data: bytes, size: int = 1024) -> bytes:
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[:65536], size)
    except zlib.error:
        return b""


def _looks_like_jsonl(data: bytes) -> bool:
    head = _strip_bom(data[:65536]).lstrip()
    if not head.startswith(b"{"):
        return False
    first = head.split(b"\n", 1)[0].strip()
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


def _looks_like_json(data: bytes) -> bool:
    head = _strip_bom(data[:16]).lstrip()
    if head[:1] not in (b"{", b"[") or len(data) > 20 * 1024 * 1024:
        return False
    try:
        json.loads(_strip_bom(data))
    except ValueError:
        return False
    return True


def is_gzip(data: bytes) -> bool:
    return data[:2] == b"\x1f\x8b"


__all__ = ["sniff", "SniffResult", "TEXT", "HTML", "ZIP", "WARC", "JSONL", "is_gzip"]
