"""Pulumi programs for the engine suite, written as users write them (``from provider import ...``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness.offers import offer

HEADER = "import pulumi\nfrom provider import FallbackOffer\n\n"
# ``offer(name, **overrides)`` inside a program: the suite's valid declaration, as a literal.
OFFER_FUNCTION = f"def offer(name, **overrides):\n    return {{**{offer()!r}, 'name': name, **overrides}}\n\n"


@dataclass
class Declared:
    """One ``FallbackOffer(...)`` of a program: its resource name, its inputs, and resource options as code."""

    name: str
    inputs: dict[str, Any] = field(default_factory=offer)
    options: str = ""

    @property
    def variable(self) -> str:
        return self.name.replace("-", "_")

    def code(self) -> str:
        opts = f", opts=pulumi.ResourceOptions({self.options})" if self.options else ""
        return f"{self.variable} = FallbackOffer({self.name!r}, {self.inputs!r}{opts})\n"


def offers_program(*declared: Declared, extra: str = "") -> str:
    """A program declaring ``declared`` and exporting each offer's id and etag under its resource name."""
    body = "".join(item.code() for item in declared)
    exports = "".join(
        f"pulumi.export({item.name + '-id'!r}, {item.variable}.id)\n"
        f"pulumi.export({item.name + '-etag'!r}, {item.variable}.etag)\n"
        for item in declared
    )
    return HEADER + body + extra + exports


def named(name: str, offer_name: str | None = None, options: str = "", **overrides: Any) -> Declared:
    """A declared offer whose Adobe name follows its resource name unless given."""
    return Declared(name, offer(offer_name or f"Offer {name}", **overrides), options)
