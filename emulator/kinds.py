"""The Offer Library family, each kind declared once: where it lives, its schema, ids, checks and references.

KINDS.md says which Experience League page each entry comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from . import validators
from .errors import bad_request
from .settings import ServiceConfig
from .validation import Checker

_SCHEMA_BASE = "https://ns.adobe.com/experience/offer-management/"
# A kind's own field checks, and a hook that normalises its fields before they are stored.
CheckFields = Callable[[dict[str, Any], Checker], None]
Prepare = Callable[[dict[str, Any], ServiceConfig], None]


@dataclass(frozen=True)
class Reference:
    """A property naming other objects by id: a dot path (arrays fan out) and the kinds it may name.

    `when` restricts the reference to bodies it is true for (a collection's `ids` name qualifiers or offers).
    """

    path: str
    kinds: tuple[str, ...]
    when: Callable[[dict[str, Any]], bool] | None = None

    def applies_to(self, fields: dict[str, Any]) -> bool:
        """Whether this reference holds for an object with these fields."""
        return self.when is None or self.when(fields)


@dataclass(frozen=True)
class Guardrail:
    """A published limit on how many objects of some kinds one sandbox holds (those `counts` is true for)."""

    name: str
    kinds: tuple[str, ...]
    limit: int
    noun: str
    counts: Callable[[dict[str, Any]], bool] | None = None

    def counted(self, kind: str, fields: dict[str, Any]) -> bool:
        """Whether an object of `kind` with these fields counts against this limit."""
        return kind in self.kinds and (self.counts is None or self.counts(fields))


@dataclass(frozen=True)
class Kind:
    """One kind of Offer Library object and everything that sets it apart from the others."""

    name: str  # stable name for the Python API, seed files and the log
    title: str  # for messages: "no placement with id ..."
    path: str  # collection path below /data/core/dps
    schema: str
    id_prefix: str
    fields: tuple[str, ...]  # every user-owned top-level field (name and description included)
    check: CheckFields
    offer_type: str | None = None
    defaults: Mapping[str, Any] = field(default_factory=dict)
    references: tuple[Reference, ...] = ()
    replace_with_put: bool = False  # PUT with a whole body updates, besides PATCH
    lookup_dates: str = "offset"  # look-up dates as ...+00:00 ("offset") or ...Z ("z")
    prepare: Prepare | None = None  # normalise fields before they are stored


def _upper_return_type(fields: dict[str, Any], config: ServiceConfig) -> None:
    """Store `returnType.type` upper-case, as the ranking formula look-up page shows it (unless configured not to)."""
    return_type = fields.get("returnType")
    if (
        config.return_type_case == "upper"
        and isinstance(return_type, dict)
        and isinstance(return_type.get("type"), str)
    ):
        fields["returnType"] = {**return_type, "type": return_type["type"].upper()}


_OFFER_FIELDS = (
    "name",
    "description",
    "status",
    "representations",
    "characteristics",
    "selectionConstraint",
    "rank",
    "tags",
)
_OFFER_REFERENCES = (
    Reference("representations.placement", ("placement",)),
    Reference("tags", ("collection-qualifier",)),
)

KINDS: tuple[Kind, ...] = (
    Kind(
        "fallback-offer",
        "fallback offer",
        "offers",
        _SCHEMA_BASE + "fallback-offer;version=0.8",
        "dps:fallback-offer:",
        _OFFER_FIELDS,
        validators.fallback_offer,
        offer_type="fallback",
        defaults={"status": "draft"},
        references=_OFFER_REFERENCES,
    ),
    Kind(
        "personalized-offer",
        "personalized offer",
        "offers",
        _SCHEMA_BASE + "personalized-offer;version=0.15",
        "dps:personalized-offer:",
        _OFFER_FIELDS + ("cappingConstraint", "frequencyCappingConstraints"),
        validators.personalized_offer,
        offer_type="personalized",
        defaults={"status": "draft"},
        references=_OFFER_REFERENCES + (Reference("selectionConstraint.eligibilityRule", ("decision-rule",)),),
    ),
    Kind(
        "placement",
        "placement",
        "placements",
        _SCHEMA_BASE + "offer-placement;version=0.5",
        "dps:offer-placement:",
        (
            "name",
            "description",
            "componentType",
            "channel",
            "itemCount",
            "allowDuplicatePlacements",
            "returnContent",
            "returnMetaData",
        ),
        validators.placement,
    ),
    Kind(
        "decision",
        "decision",
        "offer-decisions",
        _SCHEMA_BASE + "offer-activity;version=0.8",
        "dps:offer-activity:",
        ("name", "description", "status", "startDate", "endDate", "fallback", "criteria"),
        validators.decision,
        defaults={"status": "draft"},
        references=(
            Reference("fallback", ("fallback-offer",)),
            Reference("criteria.placements", ("placement",)),
            Reference("criteria.optionSelection.filter", ("collection",)),
            Reference("criteria.rank.order.rankingStrategy", ("ranking-formula",)),
            Reference("criteria.profileConstraint.eligibilityRule", ("decision-rule",)),
        ),
    ),
    Kind(
        "collection-qualifier",
        "collection qualifier",
        "tags",
        _SCHEMA_BASE + "tag;version=0.1",
        "dps:tag:",
        ("name", "description"),
        validators.collection_qualifier,
    ),
    Kind(
        "collection",
        "collection",
        "offer-collections",
        _SCHEMA_BASE + "offer-filter;version=0.4",
        "dps:offer-filter:",
        ("name", "description", "filterType", "ids", "labels"),
        validators.collection,
        references=(
            Reference("ids", ("collection-qualifier",), lambda f: f.get("filterType") != "offers"),
            Reference("ids", ("personalized-offer",), lambda f: f.get("filterType") == "offers"),
        ),
    ),
    Kind(
        "decision-rule",
        "decision rule",
        "offer-rules",
        _SCHEMA_BASE + "eligibility-rule;version=0.3",
        "dps:eligibility-rule:",
        ("name", "description", "condition", "definedOn"),
        validators.decision_rule,
    ),
    Kind(
        "ranking-formula",
        "ranking formula",
        "ranking-formulas",
        _SCHEMA_BASE + "ranking-function",
        "dps:ranking-function:",
        ("name", "description", "expression", "returnType", "definedOn", "exdFunction", "isPure"),
        validators.ranking_formula,
        replace_with_put=True,
        lookup_dates="z",
        prepare=_upper_return_type,
    ),
)
BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}
OFFER_TYPES: dict[str, Kind] = {kind.offer_type: kind for kind in KINDS if kind.offer_type}

GUARDRAILS: dict[str, Guardrail] = {
    g.name: g
    for g in (
        Guardrail("offers", ("fallback-offer", "personalized-offer"), 10_000, "offers"),
        Guardrail("decisions", ("decision",), 10_000, "decisions"),
        Guardrail("live-decisions", ("decision",), 1_000, "live decisions", lambda f: f.get("status") == "live"),
        Guardrail("placements", ("placement",), 1_000, "placements"),
        Guardrail("collections", ("collection",), 10_000, "collections"),
        Guardrail("collection-qualifiers", ("collection-qualifier",), 1_000, "collection qualifiers"),
        Guardrail(
            "rules-and-formulas", ("decision-rule", "ranking-formula"), 10_000, "decision rules and ranking formulas"
        ),
    )
}


def kind_named(name: str) -> Kind:
    """The kind with this stable name; ValueError listing the names otherwise."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown kind {name!r}; expected one of {', '.join(BY_NAME)}") from None


def collection_paths() -> list[str]:
    """Every collection path, once (the two offer types share `offers`)."""
    return list(dict.fromkeys(kind.path for kind in KINDS))


def puts_replace(path: str) -> bool:
    """Whether PUT on an item of this collection replaces it."""
    return any(kind.replace_with_put for kind in KINDS if kind.path == path)


def kind_at(path: str, offer_type: str | None) -> Kind | None:
    """The kind a request to this collection path (and `offer-type`) addresses, or None."""
    if path == "offers":
        return OFFER_TYPES.get(offer_type or "")
    return next((kind for kind in KINDS if kind.path == path), None)


def resolve(path: str, offer_type: str | None) -> Kind:
    """The kind a request addresses; 400 when `/offers` comes without a supported `offer-type`."""
    kind = kind_at(path, offer_type)
    if kind is not None:
        return kind
    supported = " and ".join(OFFER_TYPES)
    if offer_type is None or not offer_type.strip():
        raise bad_request(f"the offer-type query parameter is required (supported: {supported})")
    raise bad_request(f"offer-type {offer_type!r} is not supported here; the supported offer-types are {supported}")
