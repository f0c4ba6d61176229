"""Fuzzing entry point (atheris): one file's whole scan, and the workflow analysis on its own.

    pip install atheris
    mkdir -p /tmp/wg-corpus     # libFuzzer adds new inputs to the first directory given
    python fuzz/fuzz_scan.py -max_total_time=600 -timeout=10 -max_len=16384 \
        /tmp/wg-corpus fuzz/corpus

Each input is split by ``FuzzedDataProvider`` into a file kind (plain text, a workflow
under ``.github/workflows/``, a composite ``action.yml``), an encoding trick and the bytes.
What must hold, whatever the bytes:

* ``scan_file`` never raises and never records an internal error: every problem is an
  ``errors``/``skipped`` entry with a reason;
* every finding's position is inside the file and its snippet carries no secret found;
* ``workflows.analyze`` raises nothing but ``WorkflowError``, at a position inside the file;
* ``-timeout`` catches a hang (libFuzzer kills an input running longer than that).

See docs/hostile-input.md.
"""

from __future__ import annotations

import codecs
import os
import sys
import tempfile

import atheris  # type: ignore[import-untyped,import-not-found,unused-ignore]

with atheris.instrument_imports(include=["wabaguard"]):
    from wabaguard import workflows
    from wabaguard.cli.scan import scan_file
    from wabaguard.core.config import Config
    from wabaguard.credentials.detectors import all_detectors
    from wabaguard.credentials.engine import Engine
    from wabaguard.sources.discovery import Candidate

CONFIG = Config()
ENGINE = Engine(CONFIG, all_detectors())
ROOT = tempfile.mkdtemp(prefix="wabaguard-fuzz-")
KINDS = ("notes.txt", "settings.py", ".env", ".github/workflows/ci.yml", "action.yml")
ENCODINGS = (b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _write(rel: str, data: bytes) -> Candidate:
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)
    return Candidate(path, rel, os.path.realpath(ROOT))


def TestOneInput(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    rel = KINDS[fdp.ConsumeIntInRange(0, len(KINDS) - 1)]
    prefix = ENCODINGS[fdp.ConsumeIntInRange(0, len(ENCODINGS) - 1)]
    body = fdp.ConsumeBytes(fdp.remaining_bytes())
    if prefix in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        codec = "utf-16-le" if prefix == codecs.BOM_UTF16_LE else "utf-16-be"
        body = body.decode("utf-8", "replace").encode(codec, "surrogatepass")
    raw = prefix + body

    result = scan_file(ENGINE, _write(rel, raw), CONFIG)
    for error in result.errors:
        if "internal error" in error.message:
            raise AssertionError(f"{rel}: {error.message}")
    n_lines = raw.count(b"\n") + 1 if prefix[:2] not in (b"\xff\xfe", b"\xfe\xff") else None
    for finding in result.findings:
        assert finding.line >= 1 and finding.column >= 1, finding
        if n_lines is not None:
            assert finding.line <= n_lines, finding

    text = body.decode("utf-8", "replace")
    try:
        found = list(workflows.analyze(rel, text, CONFIG))
    except workflows.WorkflowError as exc:
        assert 0 <= exc.line <= text.count("\n") + 1, exc
        return
    lines = text.split("\n")
    for wf in found:
        assert 1 <= wf.line <= len(lines), wf
        assert (wf.end_line, wf.end_column) >= (wf.line, wf.column), wf


def main() -> None:
    sys.setrecursionlimit(10_000)
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
