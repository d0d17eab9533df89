"""Whether a sandbox holds exactly the declared objects, each managed by exactly one resource of the state.

What issue 20 asks after a killed run and ``pulumi cancel`` + ``pulumi up``: no orphan (an object no resource
manages), no duplicate (a second object for one declaration, or one object claimed by two resources), nothing
missing. The e2e suite (at 50 offers) and the kill-proof benchmark (at 1,000) both check it with this.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable

__all__ = ["Ownership", "ownership"]


@dataclass(frozen=True)
class Ownership:
    """How the state's resources and the sandbox's objects pair up, counted."""

    resources: int
    objects: int
    duplicates: int  # objects beyond the first of one name, plus resources beyond the first that hold one id
    orphans: int  # objects of the sandbox that no resource holds
    missing: int  # resources whose object the sandbox does not hold

    def problems(self, declared: int) -> list[str]:
        """What differs from ``declared`` objects each held by exactly one resource (empty when nothing)."""
        found = []
        if self.resources != declared:
            found.append(f"the state holds {self.resources} resources, not {declared}")
        if self.objects != declared:
            found.append(f"the sandbox holds {self.objects} objects, not {declared}")
        if self.duplicates:
            found.append(f"{self.duplicates} duplicate(s) (one declaration's second object, or one object held twice)")
        if self.orphans:
            found.append(f"{self.orphans} orphan(s): objects no resource manages")
        if self.missing:
            found.append(f"{self.missing} resource(s) whose object the sandbox does not hold")
        return found


def ownership(resource_ids: Iterable[str], objects: Iterable[tuple[str, str]]) -> Ownership:
    """Pair the state's resource ids with the sandbox's objects, given as (id, name)."""
    held = Counter(resource_ids)
    on_server = list(objects)
    ids = Counter(object_id for object_id, _ in on_server)
    names = Counter(name for _, name in on_server)
    return Ownership(
        resources=sum(held.values()),
        objects=len(on_server),
        duplicates=sum(n - 1 for n in names.values()) + sum(n - 1 for n in held.values()),
        orphans=sum(n for object_id, n in ids.items() if object_id not in held),
        missing=sum(n for resource_id, n in held.items() if resource_id not in ids),
    )
