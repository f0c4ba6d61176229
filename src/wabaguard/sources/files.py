"""Reading a scanned file safely: never blocking, never leaving the tree, never loading a huge
file whole, and never losing a file to its encoding (BOMs, UTF-16 without a BOM, invalid
UTF-8 scanned with replacement characters, with a warning)."""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

from wabaguard.core.findings import ScanError
from wabaguard.sources import baseline_sniff
from wabaguard.sources.discovery import Candidate

SNIFF_BYTES = 8192
WHOLE_FILE_LIMIT = 8 * 1024 * 1024  # above this, stream line by line
# Wherever it is and whatever it is called: its hashes are no content (the hook passes it).
BASELINE_SKIP = "detect-secrets baseline, not scanned as content"


class Skip(Exception):
    """The file is not scanned, for a reason that is not an error (not a regular file...)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when ``head`` looks like mostly-ASCII UTF-16, else None."""
    pairs = len(head) // 2
    if pairs < 2:
        return None
    even_nuls = head[0 : 2 * pairs : 2].count(0)
    odd_nuls = head[1 : 2 * pairs : 2].count(0)
    if odd_nuls >= 0.9 * pairs and even_nuls <= 0.05 * pairs:
        return "utf-16-le"
    if even_nuls >= 0.9 * pairs and odd_nuls <= 0.05 * pairs:
        return "utf-16-be"
    return None


def decode_lines(data: bytes, path: str, errors: list[ScanError]) -> list[str]:
    """Bytes to lines (without line endings); raises ``Skip`` when the file is binary."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        text = data.decode("utf-32", "replace")
    elif data.startswith(codecs.BOM_UTF8):
        text = _decode_utf8(data[len(codecs.BOM_UTF8) :], path, errors)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", "replace")
    elif b"\0" in data[:SNIFF_BYTES]:
        encoding = _utf16_without_bom(data[:SNIFF_BYTES])
        if encoding is None:
            raise Skip("binary file")
        text = data.decode(encoding, "replace")
    else:
        text = _decode_utf8(data, path, errors)
    lines = text.split("\n")
    if "\r" in text:
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _decode_utf8(data: bytes, path: str, errors: list[ScanError]) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Scan it anyway (credentials are ASCII); say so, so nothing is silently lost.
        errors.append(
            ScanError(
                path,
                f"invalid UTF-8 at byte {exc.start}; scanned with undecodable bytes replaced",
                level="warning",
            )
        )
        return data.decode("utf-8", "replace")


def _stream_lines(fh: BinaryIO, path: str, errors: list[ScanError], limit: int) -> Iterator[str]:
    bad = False
    total = 0
    for raw in fh:
        total += len(raw)
        if total > limit:
            errors.append(
                ScanError(
                    path,
                    f"grew past the {limit}-byte limit while being read; the rest was not scanned",
                )
            )
            return
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            line = raw.decode("utf-8", "replace")
            if not bad:
                bad = True
                errors.append(
                    ScanError(
                        path,
                        "invalid UTF-8; scanned with undecodable bytes replaced",
                        level="warning",
                    )
                )
        yield line.rstrip("\r\n")


def _open_regular(candidate: Candidate) -> tuple[BinaryIO, os.stat_result]:
    """Open a candidate for reading, re-checking what discovery checked (it may have changed).

    Never blocks: a file replaced by a FIFO since discovery is opened non-blocking and then
    refused. Never leaves the tree: a path that now resolves outside it is refused.
    """
    if candidate.root is not None:
        real = os.path.realpath(candidate.abspath)
        if not (real == candidate.root or real.startswith(candidate.root.rstrip(os.sep) + os.sep)):
            raise Skip("resolves outside the scanned tree (changed during the scan)")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(candidate.abspath, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Skip("not a regular file")
        return os.fdopen(fd, "rb"), st
    except BaseException:
        os.close(fd)
        raise


@dataclass
class FileText:
    """An open file's lines: ``lines`` to iterate once; ``whole`` the same lines as a list
    when the file was read whole (small enough, or asked for), else None."""

    lines: Iterable[str]
    whole: list[str] | None
    size: int
    data: bytes | None = None  # the bytes, when read whole (for byte-level prefilters)


@contextmanager
def open_lines(
    candidate: Candidate, max_size: int, errors: list[ScanError], *, whole: bool = False
) -> Iterator[FileText]:
    """Open a candidate and give its lines; raises ``Skip`` for files not to scan (too large,
    binary, a detect-secrets baseline, no longer a regular file inside the tree). Problems
    that do not stop the scan (invalid UTF-8, growth while read) go to ``errors``."""
    path = candidate.relpath
    too_large = f"larger than the {max_size}-byte limit (--max-file-size)"
    fh, st = _open_regular(candidate)
    with fh:
        if st.st_size > max_size:
            raise Skip(too_large)
        if st.st_size <= WHOLE_FILE_LIMIT or whole:
            data = fh.read(max_size + 1)  # the file may have grown since fstat
            if len(data) > max_size:
                raise Skip(too_large)
            if baseline_sniff.is_detect_secrets_baseline(data):
                raise Skip(BASELINE_SKIP)
            lines = decode_lines(data, path, errors)
            yield FileText(lines, lines, st.st_size, data)
            return
        head = fh.read(SNIFF_BYTES)
        if b"\0" in head:
            raise Skip("binary file")
        if baseline_sniff.might_be_baseline(head) and baseline_sniff.is_detect_secrets_baseline(
            head + fh.read(max_size)
        ):
            raise Skip(BASELINE_SKIP)
        fh.seek(0)
        yield FileText(_stream_lines(fh, path, errors, max_size), None, st.st_size)
