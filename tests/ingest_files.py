"""Test files built in code: HTML pages, ZIPs, WARCs, and the hostile corpus of issue 3. No Django."""

import functools
import io
import zipfile


# --- Building test files --------------------------------------------------------------------


ARTICLE_HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title} | Example Daily</title>
<meta property="og:site_name" content="Example Daily">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="2019-03-02T09:30:00+00:00">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>{title}</h1><p class="byline">By Jane Smith</p>
<p>{body} The port authority said shipping would return to normal within a week, and that no cargo had been lost during the dispute.</p>
<p>Union leaders said members had voted by a large majority to accept the offer, which raises pay by six per cent over two years.</p>
<p>Exporters welcomed the deal but warned that the backlog of containers would take time to clear, according to the chamber of commerce.</p>
</article><aside><h3>Related</h3><ul><li><a href="/a">Other story</a></li></ul></aside>
<footer>Copyright 2019 Example Daily</footer></body></html>"""


def html_page(title: str = "Harbour strike ends after three weeks", body: str = "Dock workers returned to work on Saturday.") -> bytes:
    return ARTICLE_HTML.format(title=title, body=body).encode()


def zip_bytes(members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name) if name.startswith("/") else name, data)
    return buffer.getvalue()


def warc_bytes(pages: list[tuple[str, bytes]], *, gzip: bool = False) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip)
    for url, payload in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=headers)
        writer.write_record(record)
    return buffer.getvalue()


def truncated_warc() -> bytes:
    whole = warc_bytes([("https://exampledaily.net/2019/03/02/cut", html_page("A page cut short in transit"))])
    return whole[: len(whole) - 400]


def malformed_warc() -> bytes:
    return b"WARC/1.0\r\nGarbage-Without-Colon\r\nMore garbage\r\n\r\n" + b"x" * 200 + b"\r\n\r\n"


def pathological_html(depth: int = 100_000) -> bytes:
    return b"<!DOCTYPE html><html><body>" + b"<div>" * depth + b"deep" + b"</div>" * depth + b"</body></html>"


def _words(size: int, seed: int) -> bytes:
    import random

    rng = random.Random(seed)
    vocabulary = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9))) for _ in range(2000)]
    out, length = [], 0
    while length < size:
        word = rng.choice(vocabulary)
        out.append(word)
        length += len(word) + 1
    return " ".join(out).encode()[:size]


# Settings the hostile corpus is built against (small, so the test is fast).
HOSTILE_LIMITS = {
    "UPLOAD_MAX_FILE_BYTES": 2 * 1024 * 1024,
    "ARCHIVE_MAX_TOTAL_BYTES": 3 * 1024 * 1024,
    "ARCHIVE_MAX_MEMBERS": 50,
    "ARCHIVE_MAX_RATIO": 100,
}


@functools.cache
def hostile_corpus() -> dict[str, tuple[bytes, str]]:
    """One file per bad-input case of issue 3: {name: (bytes, words its refusal must contain)}."""
    import random

    return {
        "disguised.txt": (b"\x89PNG\r\n\x1a\n" + bytes(200), "PNG image"),
        "empty.txt": (b"", "empty"),
        "undecodable.txt": (random.Random(7).randbytes(5000).replace(b"\x00", b"\x01"), "not text"),
        "nul-bytes.txt": (b"An article with a NUL\x00 byte in the middle of it. " * 20, "NUL"),
        "oversize.txt": (b"Words words words. " * (2_700_000 // 19), "limit"),
        "bomb-ratio.zip": (zip_bytes({"zeros.txt": bytes(5 * 1024 * 1024)}), "zip bomb"),
        "bomb-total.zip": (zip_bytes({f"part{i}.txt": _words(1024 * 1024, i) for i in range(4)}), "zip bomb"),
        "bomb-entries.zip": (zip_bytes({f"note{i}.txt": b"tiny" for i in range(60)}), "entries"),
        "traversal.zip": (zip_bytes({"../../etc/evil.txt": b"Escaping the archive is not allowed at all."}), "climbs out"),
        "absolute.zip": (zip_bytes({"/etc/evil.txt": b"An absolute path inside the archive."}), "absolute"),
        "nested.zip": (zip_bytes({"inner.zip": zip_bytes({"a.txt": b"Nested archive text."})}), "one level deep"),
        "truncated.warc": (truncated_warc(), "truncated"),
        "malformed.warc": (malformed_warc(), "malformed"),
        "pathological.html": (pathological_html(), "levels deep"),
        "unknown.pdf": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", "PDF document"),
    }
