"""Emission scopes: parse `territorial`, `scope1`, `scope1+2`, ...

Their national weights are in aggregate/settings.py (method §7 O4)."""

from __future__ import annotations


class ScopeError(ValueError):
    """A scope string that cannot be read."""


def parse_scope(text: str) -> frozenset[str]:
    """`scope1+2` -> {scope1, scope2}; `scope1+scope3` -> {scope1, scope3}; `territorial`."""
    text = str(text).strip().lower().replace(" ", "")
    if text == "territorial":
        return frozenset({"territorial"})
    parts = [p for p in text.split("+") if p]
    found = set()
    for part in parts:
        digit = part.removeprefix("scope")
        if digit not in ("1", "2", "3"):
            raise ScopeError(f"expected territorial, scope1, scope2, scope3 or a combination like "
                             f"scope1+2, found '{text[:40]}'")
        found.add(f"scope{digit}")
    if not found:
        raise ScopeError("empty scope")
    return frozenset(found)


def scope_key(scopes: frozenset[str]) -> str:
    """Canonical text of a scope set: `territorial`, `scope1`, `scope1+2`, `scope1+2+3`."""
    if scopes == {"territorial"}:
        return "territorial"
    return "scope" + "+".join(sorted(s.removeprefix("scope") for s in scopes))
