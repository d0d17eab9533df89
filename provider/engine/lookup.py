"""Finding our objects again in a sandbox: list filters any name survives, and a per-process index of a kind.

Adobe's ``property`` filter is ``[!]field[op]value`` and several are separated by commas in one
parameter, with ``~`` a regular expression (the documented example: ``id~.*1234.*``). A value with
a comma, an operator, a quote, a wildcard or a character outside ASCII cannot be trusted to one
``==`` expression. So the filter only narrows the listing, on a part every parser reads the
same way, and the exact comparison is always made here, on every field.

``SandboxIndex`` is what makes a killed run cost nothing: a create first looks, in one paged
listing of the kind per sandbox kept by the plugin process, for an object our client made that
is identical to its declaration and that no resource holds, and takes it instead of posting
again (``Writer.create``). Which objects it may take, and the limits of that rule, are in
``Writer._reusable``.
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING, Any, Optional

from ..core.spec import Endpoint, ResourceSpec
from ..errors import BadRequestError
from .claims import fingerprint
from .validation import canonical, with_known_family

if TYPE_CHECKING:
    from ..adobe.client import AdobeClient

# Characters an ``==`` expression carries unchanged through Adobe's filter parser and through ours.
_PLAIN = re.compile(r"[A-Za-z0-9_./:@-]+(?: [A-Za-z0-9_./:@-]+)*")
# A run a regular expression matches literally (no metacharacter), for a ``~`` filter on part of a value.
_LITERAL_RUN = re.compile(r"[A-Za-z0-9]+(?: [A-Za-z0-9]+)*")
_SHORTEST_USEFUL_RUN = 3
# Adobe's list answers are capped at a page size; the largest keeps an index to N / 100 requests.
INDEX_PAGE_SIZE = 100


def value_filter(key: str, value: str) -> Optional[str]:
    """One ``property`` expression that every object whose ``key`` equals ``value`` passes, or None for none.

    ``name==Spring sale`` when the value is plain; otherwise ``name~.*Spring.*`` on the longest run of
    letters and digits (the documented regular-expression form), or no filter at all.
    """
    if _PLAIN.fullmatch(value):
        return f"{key}=={value}"
    runs = sorted(_LITERAL_RUN.findall(value), key=len, reverse=True)
    if runs and len(runs[0]) >= _SHORTEST_USEFUL_RUN:
        return f"{key}~.*{runs[0]}.*"
    return None


def lookup_filters(spec: ResourceSpec, desired: dict[str, Any]) -> tuple[str, ...]:
    """The ``property`` filters that narrow a look-up for ``desired``: a superset of its matches, never fewer."""
    filters = []
    for key in spec.lookup_keys:
        value = desired.get(key)
        if isinstance(value, str):
            expression = value_filter(spec.filter_name(key), value)
            if expression is not None:
                filters.append(expression)
    return tuple(filters)


def _model_of(spec: ResourceSpec, desired: dict[str, Any]) -> dict[str, Any]:
    """The family flag of ``desired`` as the stack knows it (``{"exdRule": True}``), empty for a one-model kind."""
    family = spec.family
    return {} if family is None else {family.flag: desired.get(family.flag) is True}


def _model_filter(spec: ResourceSpec, model: dict[str, Any]) -> tuple[str, ...]:
    return tuple(f"{flag}==true" if value else f"{flag}!=true" for flag, value in model.items())


class SandboxIndex:
    """Objects of one kind in one sandbox that our client made, listed once per plugin process.

    Built on the first create of the kind in the sandbox, before any POST of it (creates wait for
    it), so it never holds an object this process is still creating. Entries leave it when a
    create takes them or a look-up finds them gone.
    """

    def __init__(
        self,
        spec: ResourceSpec,
        client: "AdobeClient",
        sandbox: str,
        client_id: str,
        endpoint: Endpoint,
        model: dict[str, Any],
    ) -> None:
        self._spec = spec
        self._lock = threading.Lock()
        self._by_fields: dict[str, list[dict[str, Any]]] = {}
        by_client = (f"createdByClientId=={client_id}",) if _PLAIN.fullmatch(client_id) else ()
        # A kind two models share lists one model's objects only, by the flag's filter: the list decides the
        # model (a look-up may read the flag false), so an object is never taken across models.
        by_model = _model_filter(spec, model)
        try:
            listed = list(client.list(endpoint, sandbox, filters=by_client + by_model, page_size=INDEX_PAGE_SIZE))
        except BadRequestError:
            if by_model:
                raise  # the model's filter cannot be dropped: without it the listing mixes both models
            # The client filter only narrows (the client is compared below): a service that refuses it is listed whole.
            listed = list(client.list(endpoint, sandbox, page_size=INDEX_PAGE_SIZE))
        for found in listed:
            if found.get("createdByClientId") != client_id:
                continue
            fields = with_known_family(spec, canonical(spec, found), model)
            self._by_fields.setdefault(fingerprint(fields), []).append(found)
        for candidates in self._by_fields.values():
            # Newest first: the orphans of a killed run are younger than what the stack already holds.
            candidates.sort(key=lambda found: str(found.get("created") or found.get("createdDate") or ""), reverse=True)
        self.size = sum(len(candidates) for candidates in self._by_fields.values())

    def candidates(self, desired: dict[str, Any]) -> list[dict[str, Any]]:
        """Listed objects identical to ``desired`` in every user field, newest first."""
        with self._lock:
            return list(self._by_fields.get(fingerprint(desired), ()))

    def forget(self, desired: dict[str, Any], object_id: str) -> None:
        """Drop an object from the index: taken by a create, or found gone."""
        with self._lock:
            kept = [found for found in self._by_fields.get(fingerprint(desired), ()) if found.get("id") != object_id]
            self._by_fields[fingerprint(desired)] = kept


class SandboxIndexes:
    """The plugin process's indexes, one per kind, sandbox and client, each listed once; safe between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._built: dict[tuple[Any, ...], SandboxIndex] = {}
        self._gates: dict[tuple[Any, ...], threading.Lock] = {}

    def get(
        self,
        spec: ResourceSpec,
        client: "AdobeClient",
        sandbox: str,
        client_id: str,
        endpoint: Endpoint,
        desired: dict[str, Any],
    ) -> SandboxIndex:
        """The index of ``spec``'s kind (and of ``desired``'s model, for a kind two models share) in ``sandbox``,
        through ``endpoint`` (its ``x-schema-id``): listed by the first caller, the others waiting for it."""
        model = _model_of(spec, desired)
        key = (spec.kind, sandbox, client_id, id(client), endpoint.schema_id or "", tuple(model.items()))
        with self._lock:
            index = self._built.get(key)
            if index is not None:
                return index
            gate = self._gates.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                index = self._built.get(key)
            if index is None:
                index = SandboxIndex(spec, client, sandbox, client_id, endpoint, model)
                with self._lock:
                    self._built[key] = index
            return index


INDEXES = SandboxIndexes()
