"""What a value carries: which secrets, and whether the runner's masking can still see it."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Taint:
    """A secret-bearing value.

    ``sources`` are names such as ``secrets.WA_TOKEN`` or ``inputs.token``: never values.
    """

    sources: frozenset[str]
    inline: bool = False  # reached the script through a ``${{ }}`` expansion
    derived: bool = False  # transformed (base64, jq, substring…): exact-match masking misses it
    minted: bool = False  # a credential created in the job, not a registered secret
    dump: bool = False  # a dump of the whole environment

    def union(self, other: Taint | None) -> Taint:
        if other is None or other is self:
            return self
        return Taint(
            self.sources | other.sources,
            self.inline or other.inline,
            self.derived or other.derived,
            self.minted or other.minted,
            self.dump or other.dump,
        )

    def as_derived(self) -> Taint:
        return self if self.derived else replace(self, derived=True)

    def as_inline(self) -> Taint:
        return self if self.inline else replace(self, inline=True)

    def masked(self) -> Taint:
        """After ``::add-mask::`` the value is a registered secret like any other."""
        return replace(self, derived=False, minted=False)

    def describe(self) -> str:
        names = sorted(self.sources)
        if len(names) > 3:
            return ", ".join(names[:3]) + f" (+{len(names) - 3} more)"
        return ", ".join(names)


def union(a: Taint | None, b: Taint | None) -> Taint | None:
    if a is None:
        return b
    return a.union(b)


def _minted_sources(taint: Taint) -> frozenset[str]:
    return frozenset(s for s in taint.sources if s.startswith("minted:"))


def is_minted_only(taint: Taint) -> bool:
    return taint.minted and not (taint.sources - _minted_sources(taint))


def from_minting_only(taint: Taint) -> bool:
    """Made in the job (``$(gcloud auth print-access-token)``), masked or not."""
    return bool(taint.sources) and not (taint.sources - _minted_sources(taint))
