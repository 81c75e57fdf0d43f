"""ZIP archives, one level deep, with the bomb limits enforced on the bytes actually inflated."""

from __future__ import annotations

import io
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from provenance.extract.types import ExtractError, Limits

_IGNORED = re.compile(r"(?:^|/)(?:__MACOSX/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)", re.IGNORECASE)
_CHUNK = 64 * 1024


@dataclass
class Member:
    path: str
    data: bytes | None
    error: str = ""


def _name_problem(name: str) -> str:
    if "\x00" in name:
        return "its name contains a NUL byte"
    unixy = name.replace("\\", "/")
    if unixy.startswith("/") or re.match(r"^[A-Za-z]:", unixy):
        return "its name is an absolute path"
    if ".." in unixy.split("/"):
        return "its name climbs out of the archive ('..')"
    return ""


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, budget: list[int], archive_size: int) -> bytes:
    """Inflate one member, counting real bytes; raise ExtractError on a bomb (whole archive)."""
    chunks: list[bytes] = []
    size = 0
    with zf.open(info) as handle:
        while True:
            chunk = handle.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            budget[0] += len(chunk)
            if budget[0] > limits.archive_max_total_bytes:
                raise ExtractError(
                    f"zip bomb refused: the archive inflates to more than {limits.archive_max_total_bytes:,} bytes"
                )
            if budget[0] > limits.ratio_floor_bytes and budget[0] > limits.archive_max_ratio * archive_size:
                raise ExtractError(
                    f"zip bomb refused: the archive inflates more than {limits.archive_max_ratio}× its size"
                )
            if size > limits.ratio_floor_bytes and size > limits.archive_max_ratio * max(info.compress_size, 1):
                raise ExtractError(
                    f"zip bomb refused: {info.filename} inflates more than {limits.archive_max_ratio}× its compressed size"
                )
            if size > limits.max_file_bytes:
                raise _MemberTooBig(size)
            chunks.append(chunk)
    return b"".join(chunks)


class _MemberTooBig(Exception):
    pass


def zip_members(data: bytes, limits: Limits) -> Iterator[Member]:
    """Members in archive order, each with its bytes or the reason it is refused.

    Raises ExtractError for problems that condemn the whole archive (damaged, bomb, too many entries):
    the archive is checked completely before anything is handed out, so nothing of a bomb is imported.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise ExtractError(f"the ZIP archive is damaged or unreadable ({exc})") from None
    if len(infos) > limits.archive_max_members:
        raise ExtractError(
            f"the ZIP archive has {len(infos):,} entries, more than the limit of {limits.archive_max_members:,}"
        )
    plan: list[tuple[zipfile.ZipInfo, str]] = []
    budget = [0]
    for info in infos:
        if info.is_dir() or _IGNORED.search(info.filename):
            continue
        problem = _name_problem(info.filename)
        mode = info.external_attr >> 16
        if not problem and stat.S_ISLNK(mode):
            problem = "it is a symbolic link"
        if not problem and info.flag_bits & 0x1:
            problem = "it is encrypted"
        if not problem:
            try:
                _read_member(zf, info, limits, budget, len(data))
            except _MemberTooBig:
                problem = f"it is larger than the {limits.max_file_bytes:,}-byte limit for one file"
            # zipfile's errors for a compression method it cannot read and for passwords both derive
            # from RuntimeError: that member is refused with a reason, the others still import.
            except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, OSError) as exc:
                problem = f"it is damaged or uses an unsupported compression ({exc})"
        plan.append((info, problem))
    for info, problem in plan:
        if problem:
            yield Member(info.filename, None, problem)
            continue
        yield Member(info.filename, _read_member(zf, info, limits, [0], len(data) * 10**6))
