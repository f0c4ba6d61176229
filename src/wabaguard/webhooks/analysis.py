"""Handlers and what they reach: the links the rules follow, over the language-neutral model."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from wabaguard.core.findings import Confidence, Rule, Severity
from wabaguard.webhooks import vocabulary as vocab
from wabaguard.webhooks.model import Function, Module, Site

_WEBHOOK_WORDS = re.compile(r"web_?hook|hook|callback|inbound|incoming", re.IGNORECASE)
_PATH_IS_URL = frozenset({"nextjs", "php"})
_META_WORDS = re.compile(r"whats_?app|\bwa\b|meta|facebook|instagram|messenger|\bfb\b", re.I)
# Controller actions that send or list rather than receive (a "WebhookController" has both).
_NOT_A_RECEIVER = re.compile(r"send|^(?:get|list|fetch|create|update|delete|show|index)", re.I)
MAX_DEPTH = 4  # helpers of helpers: deeper chains are rare and cost more than they find


@dataclass(frozen=True)
class Hit:
    rule: Rule
    site: Site
    detail: str
    identity: str  # what the fingerprint keys on: function name and fact, not the line
    handler: Function | None = None
    confidence: Confidence | None = None
    # A hardcoded secret's raw value: masked by the finding constructor, never shown.
    secret: str = field(default="", repr=False)
    severity: Severity | None = None  # milder than the rule by nature (a verify token)
    notes: tuple[str, ...] = ()
    fix: str = ""  # the framework's fix, when the rule has its own (else the verification's)
    role: str = ""  # a hardcoded secret's role: "app secret" or "verify token"


class Analysis:
    def __init__(self, module: Module) -> None:
        self.module = module
        self.by_name: dict[str, list[Function]] = {}
        self.by_owner: dict[str, list[Function]] = {}
        for fn in module.functions:
            if fn.name:
                self.by_name.setdefault(fn.name, []).append(fn)
            if fn.owner:
                self.by_owner.setdefault(fn.owner, []).append(fn)
        self._called = {name for fn in module.functions for name in fn.calls}
        self._attached = {name for fn in module.functions for name in fn.middleware}
        self._attached |= module.mounts
        self._subscription_paths = {
            fn.route.path for fn in module.functions if fn.evidence and fn.route and fn.route.path
        }

    def resolve(self, name: str) -> list[Function]:
        """A function by name, or a class's methods (a NestJS guard, a Laravel middleware)."""
        return self.by_name.get(name) or self.by_owner.get(name) or []

    def reach(self, fn: Function) -> list[Function]:
        """The function, the helpers it calls and the middleware around it, transitively."""
        seen = {id(fn)}
        order = [fn]
        frontier = [fn]
        first = True
        for _ in range(MAX_DEPTH):
            names: set[str] = set()
            for current in frontier:
                names |= current.calls | current.middleware
            if first:
                names |= self.module.mounts
                first = False
            frontier = []
            for name in sorted(names):
                for target in self.resolve(name):
                    if id(target) not in seen:
                        seen.add(id(target))
                        order.append(target)
                        frontier.append(target)
        return order

    def unresolved_verifier(self, functions: Iterable[Function]) -> str:
        """A verifier-like name reached but not defined here (imported): the benefit of doubt."""
        for fn in functions:
            for name in sorted(fn.calls | fn.middleware):
                if vocab.VERIFIER_NAME.search(name) and not self.resolve(name):
                    return name
        for name in sorted(self.module.mounts):
            if vocab.VERIFIER_NAME.search(name) and not self.resolve(name):
                return name
        return ""

    def is_verifier(self, name: str) -> bool:
        targets = self.resolve(name)
        if not targets:
            return bool(vocab.SIGNATURE_CHECK_NAME.search(name))
        return any(t.returns_verdict or t.verifies for t in targets)

    def handlers(self) -> Iterator[Function]:
        """Functions that take the POST payload of a WhatsApp webhook."""
        for fn in self.module.functions:
            if not fn.reads_payload:
                continue
            if fn.name and fn.name in self._attached:
                continue  # a decorator, guard or middleware, not the endpoint
            route = fn.route
            if route is not None and route.methods and "POST" not in route.methods:
                continue
            if route is None and fn.name and fn.name in self._called:
                continue  # a helper the handler calls
            reach = self.reach(fn)
            evidence = any(f.evidence for f in reach)
            # The file's other functions answer the handshake: this route is the webhook only
            # if it is named like one (an API endpoint beside it takes JSON bodies too).
            if evidence or (route is not None and self.module.evidence and self._named(fn)):
                yield fn

    def _named(self, fn: Function) -> bool:
        """A route in a webhook file that is itself the WhatsApp webhook, by its names."""
        route = fn.route
        if route is None or _NOT_A_RECEIVER.search(fn.name):
            return False
        if route.path:
            # Several providers' webhooks in one file: the path must be the handshake's, or
            # say whose it is.
            if route.path in self._subscription_paths:
                return True
            return bool(_META_WORDS.search(route.path) and _WEBHOOK_WORDS.search(route.path))
        words = f"{fn.owner} {fn.name}"
        if route.framework in _PATH_IS_URL:
            words += f" {self.module.path}"  # app/api/whatsapp/webhook/route.ts, webhook.php
        return _WEBHOOK_WORDS.search(words) is not None

    def verifying(self, fn: Function) -> bool:
        """The function checks a signature (rather than signing an outgoing request)."""
        return bool(fn.compares or fn.header_256 or fn.header_sha1 or fn.takes_signature)

    def signature_related(self, fn: Function) -> bool:
        return bool(
            fn.header_256 or fn.header_sha1 or fn.takes_signature or any(m.keyed for m in fn.macs)
        )


def describe(fn: Function) -> str:
    name = f"`{fn.name}`" if fn.name and not fn.name.startswith("<") else "this handler"
    if fn.name == "<script>":
        name = "this script"
    if fn.route is not None and fn.route.framework:
        return f"{name} ({fn.route.framework})"
    return name
