"""Finding ``${{ }}`` and deciding what an expression carries."""

from __future__ import annotations

import pytest

from wabaguard.workflows.expressions import (
    ExpressionSyntaxError,
    analyze_expression,
    find_expressions,
    parse,
)
from wabaguard.workflows.taint import Taint


def test_find_expressions_spans() -> None:
    text = "a ${{ x }} b ${{ '}}' }}c"
    spans = find_expressions(text)
    assert [(s.start, s.end, s.closed) for s in spans] == [(2, 10, True), (13, 24, True)]
    assert text[spans[1].inner_start : spans[1].inner_end] == " '}}' "


def test_unterminated_expression_runs_to_the_end() -> None:
    [span] = find_expressions("x ${{ secrets.A and more")
    assert not span.closed and span.end == len("x ${{ secrets.A and more")


def _env(path: tuple[str, ...]) -> Taint | None:
    if path == ("env", "TOKEN"):
        return Taint(frozenset({"secrets.API_TOKEN"}))
    return None


@pytest.mark.parametrize(
    ("source", "sources"),
    [
        ("secrets.API_TOKEN", {"secrets.API_TOKEN"}),
        ("SECRETS.api_token", {"secrets.api_token"}),
        ("secrets['DB']", {"secrets.DB"}),
        ("secrets.deploy-token", {"secrets.deploy-token"}),
        ("github.token", {"github.token"}),
        ("secrets.github_token", {"secrets.GITHUB_TOKEN"}),
        ("format('{0}:{1}', 'u', secrets.P)", {"secrets.P"}),
        ("join(fromJSON(secrets.LIST), ',')", {"secrets.LIST"}),
        ("toJSON(secrets.X)", {"secrets.X"}),
        ("secrets.A || 'fallback'", {"secrets.A"}),
        ("github.event_name == 'push' && secrets.A || ''", {"secrets.A"}),
        ("env.TOKEN", {"secrets.API_TOKEN"}),
        ("env['TOKEN']", {"secrets.API_TOKEN"}),
        # values that do not carry the secret
        ("github.sha", set()),
        ("env.OTHER", set()),
        ("secrets.A != ''", set()),
        ("!secrets.A", set()),
        ("contains(secrets.A, 'x')", set()),
        ("secrets.A && 'on' || 'off'", set()),
        ("hashFiles('**/lock')", set()),
        ("inputs.token", set()),  # only composite actions' credential inputs carry secrets
    ],
)
def test_taint(source: str, sources: set[str]) -> None:
    info = analyze_expression(source, _env)
    assert info.parsed
    assert (set(info.taint.sources) if info.taint else set()) == sources


@pytest.mark.parametrize(
    ("source", "all_secrets", "dynamic", "from_json"),
    [
        ("toJSON(secrets)", True, False, False),
        ("toJson(secrets)", True, False, False),
        ("format('{0}', TOJSON(secrets))", True, False, False),
        ("toJSON(secrets.X)", False, False, False),
        ("secrets[format('T_{0}', matrix.env)]", False, True, False),
        ("secrets[inputs.name]", False, True, False),
        ("secrets['LITERAL']", False, False, False),
        ("fromJSON(secrets.CREDS).password", False, False, True),
        ("fromJson(secrets.CREDS)['user']", False, False, True),
        ("fromJSON(env.TOKEN).x", False, False, True),
        ("fromJSON(github.event.inputs.cfg).x", False, False, False),
    ],
)
def test_red_flags(source: str, all_secrets: bool, dynamic: bool, from_json: bool) -> None:
    info = analyze_expression(source, _env)
    assert (info.all_secrets, info.dynamic_index, info.from_json_secret) == (
        all_secrets,
        dynamic,
        from_json,
    )


@pytest.mark.parametrize("source", ["secrets.", "a ==", "(((x", "'open", "a $ b", "f(,)"])
def test_syntax_errors(source: str) -> None:
    with pytest.raises(ExpressionSyntaxError):
        parse(source)


def test_unparseable_expression_still_reports_secrets() -> None:
    info = analyze_expression("secrets.A ==")
    assert not info.parsed
    assert info.taint is not None and info.taint.sources == {"secrets.A"}


def test_deep_nesting_falls_back() -> None:
    info = analyze_expression("(" * 1_000 + "secrets.A" + ")" * 1_000)
    assert not info.parsed and info.taint is not None
