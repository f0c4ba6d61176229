"""The detect-secrets adapter: supported versions, the internals it depends on, and that it
answers exactly as detect-secrets' own (private, settings-reading) pipeline does.

An upgrade of detect-secrets that renames, re-signs or changes any of these fails here, in
the suite, instead of silently in users' hooks.
"""

from __future__ import annotations

import inspect
import random
import re
import sys
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from detect_secrets.__version__ import VERSION
from detect_secrets.core import scan as ds_scan
from detect_secrets.settings import get_plugins, get_settings, transient_settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

import fakes
from wabaguard.credentials import ds_adapter
from wabaguard.credentials.builtin import BUILTIN_PLUGINS
from wabaguard.credentials.ds_pipeline import DetectSecretsPipeline

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
ALL_CLASSES = [b.class_name for b in BUILTIN_PLUGINS]


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text))


def test_installed_detect_secrets_is_a_supported_release() -> None:
    lowest, first_unsupported = ds_adapter.SUPPORTED_VERSIONS
    assert lowest <= _version(VERSION)[:2] < first_unsupported, VERSION


def test_the_supported_range_is_the_one_pyproject_declares() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    [spec] = [d for d in project["dependencies"] if d.startswith("detect-secrets")]
    bounds = dict(re.findall(r"(>=|<)\s*([0-9.]+)", spec))
    lowest, first_unsupported = ds_adapter.SUPPORTED_VERSIONS
    assert (_version(bounds[">="]), _version(bounds["<"])) == (lowest, first_unsupported)


def _resolve(dotted: str) -> Any:
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj: Any = import_module(".".join(parts[:split]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[split:]:
            obj = getattr(obj, attribute)
        return obj
    raise ModuleNotFoundError(dotted)


def _parameters(obj: Any) -> tuple[str, ...]:
    marks = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}
    return tuple(
        marks.get(p.kind, "") + name for name, p in inspect.signature(obj).parameters.items()
    )


@pytest.mark.parametrize(
    "name", sorted({**ds_adapter.MIRRORED, **ds_adapter.CALLED}), ids=lambda n: n
)
def test_each_internal_the_adapter_depends_on_exists_with_the_expected_signature(
    name: str,
) -> None:
    expected = {**ds_adapter.MIRRORED, **ds_adapter.CALLED}[name]
    assert _parameters(_resolve(name)) == expected


def test_the_docstring_lists_every_internal_it_depends_on() -> None:
    doc = " ".join((ds_adapter.__doc__ or "").split())
    for name in {**ds_adapter.MIRRORED, **ds_adapter.CALLED}:
        assert f"``{name}" in doc, name


def test_our_default_filters_are_detect_secrets_defaults_minus_is_invalid_file() -> None:
    with transient_settings({"plugins_used": []}) as settings:
        theirs = set(settings.filters)
    ours = {f.path for f in ds_adapter.DetectSecrets([])._filters}
    assert ours == theirs - {"detect_secrets.filters.common.is_invalid_file"}


# Lines that exercise the filters: allowlist pragmas (same line and next line), indirect
# references, templates, UUIDs, id-like names, sequential strings, non-alphanumeric values.
def _corpus() -> list[tuple[str, list[str], int]]:
    rng = random.Random(7)
    samples = [line for _, line in fakes.detect_secrets_samples(rng)]
    key = fakes.aws_access_key_id(seed=801)
    extra = [
        f'AWS = "{key}"  # pragma: allowlist secret',
        f'r = requests.get(URL, params={{"aws_key": "{key}"}})',
        'password = "${PASSWORD}"',
        'password = "{{ password }}"',
        f'api_key = "{fakes.uuid4(seed=802)}"',
        f'user_id = "{fakes.alnum(40, seed=803)}"',
        'secret = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"',
        'secret = "!!!!!!!!!!!!!!!!"',
        f'token = "{fakes.alnum(44, seed=804)}"',
        f"export TOKEN={fakes.alnum(44, seed=805)}",
        f"password: {fakes.alnum(24, seed=806)}",
    ]
    cases: list[tuple[str, list[str], int]] = []
    for path in ("app.py", "config.yaml", ".env", "notes.md"):
        for line in samples + extra:
            cases.append((path, ["x = 1", line, "y = 2"], 1))
        # The next-line pragma form: the line before the secret.
        cases.append((path, ["# pragma: allowlist nextline secret", samples[0]], 1))
    return cases


def _reference(
    cases: list[tuple[str, list[str], int]],
) -> list[list[tuple[str, str]]]:
    """What detect-secrets' own pipeline reports, configured in its global settings as the
    pipeline used to configure them (restored afterwards by ``transient_settings``)."""
    out: list[list[tuple[str, str]]] = []
    with transient_settings({"plugins_used": [{"name": n} for n in ALL_CLASSES]}) as settings:
        settings.disable_filters("detect_secrets.filters.common.is_invalid_file")
        plugins = {type(p).__name__: p for p in get_plugins()}
        for path, window, index in cases:
            line = window[index].rstrip()
            context = ds_adapter.code_snippet(window, index, 5)
            found: list[tuple[str, str]] = []
            if not ds_scan._is_filtered_out(
                required_filter_parameters=["line"], filename=path, line=line, context=context
            ):
                for name in ALL_CLASSES:
                    for secret in ds_scan._scan_line(
                        plugin=plugins[name],
                        filename=path,
                        line=line,
                        line_number=0,
                        context=context,
                    ):
                        if not ds_scan._is_filtered_out(
                            required_filter_parameters=["context"],
                            filename=path,
                            secret=secret.secret_value,
                            plugin=plugins[name],
                            line=line,
                            context=context,
                        ):
                            found.append((name, str(secret.secret_value)))
            out.append(sorted(found))
    return out


def test_the_adapter_answers_as_detect_secrets_own_pipeline() -> None:
    cases = _corpus()
    expected = _reference(cases)
    ds = ds_adapter.DetectSecrets(ALL_CLASSES)
    got: list[list[tuple[str, str]]] = []
    for path, window, index in cases:
        line = window[index].rstrip()
        context = ds_adapter.code_snippet(window, index, 5)
        found: list[tuple[str, str]] = []
        if not ds.is_filtered_out(("line",), filename=path, line=line, context=context):
            for name in ALL_CLASSES:
                plugin = ds.plugins[name]
                for secret in ds.scan_line(plugin, path, line, context):
                    if not ds.is_filtered_out(
                        ("context",),
                        filename=path,
                        secret=secret.secret_value,
                        plugin=plugin,
                        line=line,
                        context=context,
                    ):
                        found.append((name, str(secret.secret_value)))
        got.append(sorted(found))
    assert got == expected
    # The corpus exercises both outcomes: reported lines and filtered ones.
    assert sum(1 for f in expected if f) > 20
    assert sum(1 for f in expected if not f) > 10


def test_the_pipeline_reports_what_detect_secrets_reports() -> None:
    """The same comparison through the pipeline the engine uses (plugin, secret)."""
    cases = _corpus()
    expected = _reference(cases)
    pipeline = DetectSecretsPipeline(BUILTIN_PLUGINS)
    for (path, window, index), theirs in zip(cases, expected, strict=True):
        ours = pipeline.scan(path, window, index, window[index], BUILTIN_PLUGINS)
        if pipeline.is_allowlisted(path, window, index):  # the engine applies the pragma
            ours = []
        by_type = {b.rule.id: b.class_name for b in BUILTIN_PLUGINS}
        assert sorted((by_type[m.rule.id], m.baseline_secret) for m in ours) == theirs, window


def test_settings_json_is_what_detect_secrets_writes_for_the_same_configuration() -> None:
    names = [b.class_name for b in BUILTIN_PLUGINS if not b.generic] + ["KeywordDetector"]
    with transient_settings({"plugins_used": [{"name": n} for n in names]}) as settings:
        settings.disable_filters("detect_secrets.filters.common.is_invalid_file")
        theirs = get_settings().json()
    assert ds_adapter.DetectSecrets(names).settings_json() == theirs
    # Key order too: baselines are compared byte for byte in reviews.
    ours = ds_adapter.DetectSecrets(names).settings_json()
    assert [list(p) for p in ours["plugins_used"]] == [list(p) for p in theirs["plugins_used"]]


def test_plugins_are_detect_secrets_built_ins_only() -> None:
    classes = ds_adapter.plugin_classes()
    assert set(ALL_CLASSES) <= set(classes)
    assert all(cls.__module__.startswith("detect_secrets.plugins.") for cls in classes.values())


def test_no_plugin_instance_can_verify() -> None:
    from detect_secrets.constants import VerifiedResult

    ds = ds_adapter.DetectSecrets(ALL_CLASSES)
    for plugin in ds.plugins.values():
        assert plugin.verify("anything") == VerifiedResult.UNVERIFIED


# -- the indirect-reference heuristic, searched from its operator ------------------------------

_REFERENCE_ALPHABET = "ab_.-=!:() []\t\v\"'x1"


@pytest.mark.parametrize(
    "line",
    [
        "secret = get_secret_key()",
        "secret = request.headers['apikey']",
        "token := os.Getenv(x)",
        "if key !== cfg.get(a) {",
        "pass" + 'word = "v4lue"',  # split: this file must scan clean
        "key: value",
        "a == b(",
        "x = [1]",
        "x =\v a(b)",
        "f(" * 400 + "=a()",
        "k = v(" + "x" * 1000 + ")",
    ],
)
def test_indirect_reference_agrees_with_detect_secrets(line: str) -> None:
    from detect_secrets.filters.heuristic import is_indirect_reference as upstream

    from wabaguard.credentials.ds_adapter import is_indirect_reference

    assert is_indirect_reference(line) is upstream(line)


@hypothesis_settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_REFERENCE_ALPHABET, max_size=60))
def test_indirect_reference_agrees_on_any_line(line: str) -> None:
    from detect_secrets.filters.heuristic import is_indirect_reference as upstream

    from wabaguard.credentials.ds_adapter import is_indirect_reference

    assert is_indirect_reference(line) is upstream(line)
