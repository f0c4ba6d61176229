"""One pass over a workflow: scopes, expressions and per-step shell facts, shared by all rules.

Everything expensive (expression parsing, shell parsing) happens here once per file; rules
only filter the facts. Secrets flow across steps through ``GITHUB_ENV``/``GITHUB_OUTPUT`` and
across jobs through job ``outputs``, so steps are processed in order, jobs in file order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Final

from wabaguard.findings import Rule
from wabaguard.workflows.expressions import (
    Expr,
    ExpressionInfo,
    ExpressionSpan,
    Resolver,
    analyze_expression,
    find_expressions,
)
from wabaguard.workflows.model import (
    EnvEntry,
    Job,
    ModelError,
    Node,
    Route,
    Step,
    Workflow,
)
from wabaguard.workflows.shells.bash import analyze_script
from wabaguard.workflows.shells.facts import Placeholder, ScriptFacts
from wabaguard.workflows.taint import Taint, union

_WS = re.compile(r"\s+")


# Records built per step, expression and finding: slotted classes, immutable by contract
# (``Final``, checked by mypy) and compared by identity (see ``model.Step``).


class Finding:
    """A rule hit before conversion to the public ``WorkflowFinding``."""

    __slots__ = ("column", "detail", "end_column", "end_line", "line", "route", "rule")

    def __init__(
        self,
        rule: Rule,
        line: int,
        column: int,
        end_line: int,
        end_column: int,
        detail: str,
        route: Route,
    ) -> None:
        self.rule: Final = rule
        self.line: Final = line
        self.column: Final = column
        self.end_line: Final = end_line
        self.end_column: Final = end_column
        self.detail: Final = detail
        self.route: Final = route


class ExprSite:
    """One ``${{ … }}`` (or bare ``if:`` expression) in a scalar of the file."""

    __slots__ = ("info", "label", "node", "route", "span")

    def __init__(
        self, node: Node, route: Route, span: ExpressionSpan, info: ExpressionInfo, label: str
    ) -> None:
        self.node: Final = node
        self.route: Final = route
        self.span: Final = span
        self.info: Final = info
        self.label: Final = label


class FileWrite:
    __slots__ = ("end", "path", "start", "step", "taint")

    def __init__(self, step: StepFacts, path: str, taint: Taint, start: int, end: int) -> None:
        self.step: Final = step
        self.path: Final = path  # as written, joined with the step's working-directory
        self.taint: Final = taint
        self.start: Final = start
        self.end: Final = end


class StepFacts:
    __slots__ = (
        "env",
        "env_sources",
        "job",
        "placeholders",
        "script",
        "shell_family",
        "step",
        "traced_shell",
    )

    def __init__(
        self,
        job: Job,
        step: Step,
        env: Mapping[str, Taint],
        env_sources: Mapping[str, EnvEntry],
        shell_family: str,
        traced_shell: bool,
        placeholders: tuple[Placeholder, ...] = (),
        script: ScriptFacts | None = None,
    ) -> None:
        self.job: Final = job
        self.step: Final = step
        self.env: Final = env  # effective env: workflow + job + earlier GITHUB_ENV + step
        self.env_sources: Final = env_sources  # where each tainted env var was declared
        self.shell_family: Final = shell_family  # bash, sh, pwsh, cmd, python, other
        self.traced_shell: Final = traced_shell
        self.placeholders: Final = placeholders
        self.script: Final = script  # None: no run:, or a shell we do not analyse

    @property
    def run_node(self) -> Node:
        """The ``run:`` scalar (only for steps that have a script)."""
        assert self.step.run is not None
        return self.step.run

    @property
    def secrets_in_scope(self) -> bool:
        return any(not t.minted for t in self.env.values()) or (
            self.script is not None and self.script.uses_secret
        )


def label_of(source: str) -> str:
    text = _WS.sub(" ", source).strip()
    return text if len(text) <= 60 else text[:57] + "..."


def shell_family(shell: str) -> tuple[str, bool]:
    """(family, traced) of a ``shell:`` value such as ``bash -x {0}``."""
    words = shell.split()
    if not words:
        return "bash", False
    base = words[0].rsplit("/", 1)[-1].lower()
    if base.endswith(".exe"):
        base = base[:-4]
    traced = (
        any(
            w.startswith("-") and not w.startswith("--") and w[1:].isalpha() and "x" in w[1:]
            for w in words[1:]
        )
        or "xtrace" in words
    )
    if base in ("bash", "sh", "dash", "zsh", "ksh"):
        return ("sh" if base != "bash" else "bash"), traced
    if base in ("pwsh", "powershell"):
        return "pwsh", False
    if base == "cmd":
        return "cmd", False
    if base.startswith("python"):
        return "python", False
    return "other", False


class Analysis:
    def __init__(self, wf: Workflow) -> None:
        self.wf = wf
        self.doc = wf.doc
        self.steps: list[StepFacts] = []
        self.file_writes: list[FileWrite] = []
        self.job_outputs: dict[tuple[str, str], Taint] = {}
        self._global_env: dict[str, Taint] = {}
        self._expressions: list[ExprSite] | None = None
        self._by_route: dict[Route, list[StepFacts]] | None = None
        self._writes_by_job: dict[int, list[FileWrite]] | None = None
        self._secrets_by_job: dict[str, frozenset[str]] | None = None
        self._parsed: dict[str, Expr | None] = {}  # expression parse trees of this file
        self._secret_inputs = frozenset(name.lower() for name in wf.secret_inputs)
        self._families: dict[str, tuple[str, bool]] = {}  # shell_family() by shell: value
        self._run()

    # -- positions ----------------------------------------------------------------------------

    def finding(
        self, rule: Rule, node: Node, start: int, end: int, detail: str, route: Route
    ) -> Finding:
        """A finding at ``node.value[start:end]`` (a scalar), mapped to the file."""
        a, b = self.doc.value_span(node, start, end)
        return Finding(rule, *self.doc.span(a, b), detail, route)

    def finding_at(self, rule: Rule, node: Node, detail: str, route: Route) -> Finding:
        """A finding covering a whole node (a key, a scalar, a collection's first line)."""
        end = node.end
        if not node.is_scalar:
            newline = self.doc.text.find("\n", node.start, node.end)
            end = newline if newline >= 0 else node.end
        return Finding(rule, *self.doc.span(node.start, max(end, node.start + 1)), detail, route)

    # -- scopes -------------------------------------------------------------------------------

    def _env_taints(
        self, entries: tuple[EnvEntry, ...], outer: dict[str, Taint]
    ) -> dict[str, tuple[Taint, EnvEntry]]:
        out: dict[str, tuple[Taint, EnvEntry]] = {}
        if not entries:  # most steps have no env: no resolver to build
            return out
        resolver = self._resolver(outer, {})
        for entry in entries:
            taint: Taint | None = None
            for span in find_expressions(entry.value.value):
                text = entry.value.value[span.inner_start : span.inner_end]
                taint = union(taint, analyze_expression(text, resolver, self._parsed).taint)
            if taint is not None:
                out[entry.name] = (taint, entry)
        return out

    def _resolver(
        self, env: Mapping[str, Taint], step_outputs: Mapping[tuple[str, str], Taint]
    ) -> Resolver:
        secret_inputs = self._secret_inputs
        job_outputs = self.job_outputs

        def resolve(path: tuple[str, ...]) -> Taint | None:
            root = path[0]
            if root == "env" and len(path) >= 2:
                return env.get(path[1])
            if root == "inputs" and len(path) >= 2 and path[1].lower() in secret_inputs:
                return Taint(frozenset({f"inputs.{path[1]}"}))
            if root == "steps" and len(path) >= 4 and path[2] == "outputs":
                return step_outputs.get((path[1], path[3]))
            if root == "needs" and len(path) >= 4 and path[2] == "outputs":
                return job_outputs.get((path[1], path[3]))
            return None

        return resolve

    def _run(self) -> None:
        wf_env = self._env_taints(self.wf.env, {})
        base_env = {k: t for k, (t, _) in wf_env.items()}
        for name, taint in base_env.items():
            self._global_env[name] = taint
        for job in self.wf.jobs:
            job_env = self._env_taints(job.env, base_env)
            env_sources = {k: e for k, (_, e) in wf_env.items()}
            env_sources.update({k: e for k, (_, e) in job_env.items()})
            env = dict(base_env)
            env.update({k: t for k, (t, _) in job_env.items()})
            self._global_env.update(env)
            github_env: dict[str, Taint] = {}
            step_outputs: dict[tuple[str, str], Taint] = {}
            for step in job.steps:
                outer = {**env, **github_env}
                step_env = self._env_taints(step.env, outer)
                effective = outer  # a fresh dict: the step's own entries go on top
                sources = dict(env_sources)
                for name, (taint, entry) in step_env.items():
                    effective[name] = taint
                    sources[name] = entry
                    self._global_env[name] = taint
                # A step env entry that is not secret-bearing hides an outer one.
                for entry in step.env:
                    if entry.name not in step_env:
                        effective.pop(entry.name, None)
                shell = self._families.get(step.shell)
                if shell is None:
                    shell = self._families[step.shell] = shell_family(step.shell)
                family, traced = shell
                placeholders: tuple[Placeholder, ...] = ()
                script_facts: ScriptFacts | None = None
                if step.run is not None:
                    resolver = self._resolver(effective, step_outputs)
                    placeholders = self._placeholders(step.run, resolver)
                    script_facts = self._script(step.run, family, traced, placeholders, effective)
                facts = StepFacts(
                    job, step, effective, sources, family, traced, placeholders, script_facts
                )
                self._record_files(facts)
                self.steps.append(facts)
                script = facts.script
                if script is not None:
                    github_env.update(script.env_writes)
                    if step.id:
                        for name, taint in script.output_writes.items():
                            step_outputs[(step.id, name)] = taint
            self._job_outputs(job, step_outputs, env)

    def _placeholders(self, run: Node, resolver: Resolver) -> tuple[Placeholder, ...]:
        script = run.value
        out = []
        for span in find_expressions(script):
            source = script[span.inner_start : span.inner_end]
            info = analyze_expression(source, resolver, self._parsed)
            out.append(Placeholder(span.start, span.end, info.taint, label_of(source)))
        return tuple(out)

    def _script(
        self,
        run: Node,
        family: str,
        traced: bool,
        placeholders: tuple[Placeholder, ...],
        env: Mapping[str, Taint],
    ) -> ScriptFacts | None:
        try:
            if family in ("bash", "sh"):
                return analyze_script(run.value, placeholders, env, trace_from_start=traced)
            # The other families are imported on first use: most workflows only run bash.
            if family == "pwsh":
                from wabaguard.workflows.shells.powershell import analyze_pwsh

                return analyze_pwsh(run.value, placeholders, env)
            if family == "cmd":
                from wabaguard.workflows.shells.cmd import analyze_cmd

                return analyze_cmd(run.value, placeholders, env)
            if family == "python":
                from wabaguard.workflows.shells.python import analyze_python

                return analyze_python(run.value, placeholders, env)
        except RecursionError:
            raise ModelError("script nested too deeply to analyse", run.start) from None
        return None

    def _record_files(self, facts: StepFacts) -> None:
        """Files a step wrote secrets to, for the artifact and cache rules."""
        if facts.script is None:
            return
        workdir = facts.step.working_directory.strip().rstrip("/")
        for output in facts.script.outputs:
            if output.sink == "file" and output.path:
                path = output.path
                if workdir and not path.startswith(("/", "~", "$")):
                    path = f"{workdir}/{path}"
                self.file_writes.append(
                    FileWrite(facts, path, output.taint, output.start, output.end)
                )
        for marker in facts.script.markers:
            if marker.kind == "credential-file":
                taint = Taint(frozenset({marker.value}))
                self.file_writes.append(
                    FileWrite(facts, marker.value, taint, marker.start, marker.end)
                )

    def _job_outputs(
        self, job: Job, step_outputs: dict[tuple[str, str], Taint], env: dict[str, Taint]
    ) -> None:
        outputs = job.node.get("outputs")
        if outputs is None or not outputs.is_mapping:
            return
        resolver = self._resolver(env, step_outputs)
        for key, value in outputs.str_items():
            if not value.is_scalar:
                continue
            taint: Taint | None = None
            for span in find_expressions(value.value):
                text = value.value[span.inner_start : span.inner_end]
                taint = union(taint, analyze_expression(text, resolver, self._parsed).taint)
            if taint is not None:
                self.job_outputs[(job.id, key.value)] = taint

    def writes_before(self, facts: StepFacts) -> list[FileWrite]:
        """Files earlier steps of the same job wrote secrets to."""
        if self._writes_by_job is None:
            by_job: dict[int, list[FileWrite]] = {}
            for write in self.file_writes:
                by_job.setdefault(id(write.step.job), []).append(write)
            self._writes_by_job = by_job
        return [
            w
            for w in self._writes_by_job.get(id(facts.job), [])
            if w.step.step.index < facts.step.index
        ]

    def steps_by_route(self, route: Route) -> list[StepFacts]:
        """The step(s) at a YAML route (an anchored step may be analysed in several jobs)."""
        if self._by_route is None:
            by_route: dict[Route, list[StepFacts]] = {}
            for facts in self.steps:
                by_route.setdefault(facts.step.route, []).append(facts)
            self._by_route = by_route
        return self._by_route.get(route, [])

    def secrets_by_job(self) -> Mapping[str, frozenset[str]]:
        """Names of the secrets each job references (workflow ``env:`` counts for every job)."""
        if self._secrets_by_job is None:
            per_job: dict[str, set[str]] = {}
            everywhere: set[str] = set()
            for site in self.expressions():
                if site.info.taint is None:
                    continue
                names = {
                    s
                    for s in site.info.taint.sources
                    if s.startswith("secrets") and s.lower() != "secrets.github_token"
                }
                if site.route[:1] == ("env",):
                    everywhere |= names
                elif len(site.route) >= 2 and site.route[0] == "jobs":
                    per_job.setdefault(str(site.route[1]), set()).update(names)
            self._secrets_by_job = {
                job.id: frozenset(per_job.get(job.id, set()) | everywhere) for job in self.wf.jobs
            }
        return self._secrets_by_job

    # -- expressions anywhere -----------------------------------------------------------------

    def expressions(self) -> list[ExprSite]:
        """Every expression in every scalar of the file (shared anchor nodes once)."""
        if self._expressions is None:
            self._expressions = list(self._collect_expressions())
        return self._expressions

    def _collect_expressions(self) -> Iterator[ExprSite]:
        resolver = self._resolver(self._global_env, {})
        for node, route in expression_scalars(self.doc.root, self.doc.shared):
            value = node.value
            spans = find_expressions(value) if "${{" in value else []
            if not spans and route and route[-1] == "if" and "secrets" in value.lower():
                spans = [ExpressionSpan(0, len(value), 0, len(value), True)]
            for span in spans:
                source = value[span.inner_start : span.inner_end]
                info = analyze_expression(source, resolver, self._parsed)
                yield ExprSite(node, route, span, info, label_of(source))


def may_hold_expression(value: str, key: str | int | None) -> bool:
    """A ``${{ … }}``, or an ``if:`` that may be a bare expression over ``secrets``."""
    return "${{" in value or (key == "if" and "secrets" in value.lower())


def expression_scalars(root: Node, shared: bool = True) -> list[tuple[Node, Route]]:
    """``iter_scalars(root, ())`` filtered by ``may_hold_expression``, several times faster.

    Most scalars hold no expression: the test is inlined and a route is built only for a
    kept scalar or a collection. ``shared=False`` (no aliases in the document: every node is
    met once) skips tracking the nodes already seen.
    """
    if root.kind == "scalar":
        return [(root, ())] if may_hold_expression(root.value, None) else []
    out: list[tuple[Node, Route]] = []
    seen: set[int] | None = {id(root)} if shared else None
    # Child iterators, so each node is met in pre-order (where a shared node's first
    # meeting decides its route), without recursion.
    stack: list[tuple[Iterator[Any], Route, bool]] = [(_entries(root), (), root.kind == "mapping")]
    while stack:
        entries, where, in_mapping = stack[-1]
        for slot, child in entries:
            if seen is not None:
                if id(child) in seen:
                    continue
                seen.add(id(child))
            key: str | int = slot
            if in_mapping:
                key = slot.value if slot.kind == "scalar" else "?"
            if child.kind == "scalar":
                value = child.value
                if "${{" in value or (key == "if" and "secrets" in value.lower()):
                    out.append((child, (*where, key)))
            else:
                stack.append((_entries(child), (*where, key), child.kind == "mapping"))
                break
        else:
            stack.pop()
    return out


def _entries(node: Node) -> Iterator[Any]:
    """(key node, value) pairs of a mapping, (index, child) pairs of a sequence."""
    return iter(node.items) if node.kind == "mapping" else enumerate(node.children)
