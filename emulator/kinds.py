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
# Sets the fields the server owns inside an object's own fields (a decision item's `itemID`), from its id.
Derive = Callable[[dict[str, Any], str], None]
# Problems with an update, given the stored fields and the new ones (an archived item stays archived).
CheckUpdate = Callable[[dict[str, Any], dict[str, Any]], list[str]]


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
    schema: str | None  # what look-ups show in `schemas` (None: no `schemas` at all)
    id_prefix: str
    fields: tuple[str, ...]  # every user-owned top-level field (name and description included)
    check: CheckFields
    offer_type: str | None = None
    defaults: Mapping[str, Any] = field(default_factory=dict)
    references: tuple[Reference, ...] = ()
    replace_with_put: bool = False  # PUT with a whole body updates, besides PATCH
    lookup_dates: str = "offset"  # look-up dates as ...+00:00 ("offset") or ...Z ("z")
    prepare: Prepare | None = None  # normalise fields before they are stored
    # Two kinds share a collection path, told apart by a boolean field of the body: (field, value).
    # The kind whose value is False also takes bodies without the field (the legacy kinds).
    flag: tuple[str, bool] | None = None
    patches: bool = True  # PATCH (JSON Patch) updates
    deletes: bool = True  # DELETE is documented
    schemas_bare: bool = False  # `schemas` is the bare string, not a list (Decisioning placements)
    uses_catalog: bool = False  # the body's `_<tenant>` object holds the catalog's custom attributes
    needs_schema_id: bool = False  # every call carries `x-schema-id` naming the sandbox's catalog schema
    put_takes_id: bool = False  # a PUT body may repeat the object's own id (the page's example does)
    server_paths: tuple[str, ...] = ()  # JSON Pointers inside the fields that the server owns
    derive: Derive | None = None
    check_update: CheckUpdate | None = None


def _upper_return_type(fields: dict[str, Any], config: ServiceConfig) -> None:
    """Store `returnType.type` upper-case, as the ranking formula look-up page shows it (unless configured not to)."""
    return_type = fields.get("returnType")
    if (
        config.return_type_case == "upper"
        and isinstance(return_type, dict)
        and isinstance(return_type.get("type"), str)
    ):
        fields["returnType"] = {**return_type, "type": return_type["type"].upper()}


_FORMULA_FIELDS = ("name", "description", "expression", "returnType", "definedOn", "exdFunction", "isPure")
_EXD_RULE = ("eligibility-rule",)
_ITEM = "/_experience/decisioning/"
_ITEM_ID = _ITEM + "decisionitem/itemID"
_FCAP_INDEX = _ITEM + "offeritem/fCapConstraintsLastIndex"


def _derive_item(fields: dict[str, Any], object_id: str) -> None:
    """A decision item's server-owned fields, as its look-up page shows them: `itemID` (= id) and
    `fCapConstraintsLastIndex` (0 on the page; the emulator keeps it there)."""
    decisioning = fields.get("_experience", {}).get("decisioning", {})
    decisioning.get("offeritem", {})["fCapConstraintsLastIndex"] = 0
    item = decisioning.get("decisionitem", {})
    item["itemID"] = object_id
    item.setdefault("itemLabels", [])
    item.setdefault("itemTags", [])


def _archived_stays_archived(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The UI's rule: an archived decision item cannot go back to draft or approved."""

    def status(fields: dict[str, Any]) -> Any:
        return fields.get("_experience", {}).get("decisioning", {}).get("offeritem", {}).get("lifecycleStatus")

    if status(old) == "archived" and status(new) != "archived":
        return ["_experience.decisioning.offeritem.lifecycleStatus: an archived decision item cannot change status"]
    return []


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
        ("name", "description", "condition", "definedOn", "exdRule"),
        validators.legacy_decision_rule,
        flag=("exdRule", False),
        replace_with_put=True,
    ),
    Kind(
        "ranking-formula",
        "ranking formula",
        "ranking-formulas",
        _SCHEMA_BASE + "ranking-function",
        "dps:ranking-function:",
        _FORMULA_FIELDS,
        validators.legacy_ranking_formula,
        replace_with_put=True,
        lookup_dates="z",
        prepare=_upper_return_type,
        flag=("exdFunction", False),
    ),
    # -- Adobe's Decisioning model (KINDS.md, "The Decisioning kinds") --
    Kind(
        "decision-item",
        "decision item",
        "offer-items",
        None,
        "dps:offer-item:",
        ("_experience",),
        validators.decision_item,
        lookup_dates="z",
        uses_catalog=True,
        needs_schema_id=True,
        server_paths=(_ITEM_ID, _FCAP_INDEX),
        derive=_derive_item,
        check_update=_archived_stays_archived,
        references=(Reference("_experience.decisioning.decisionitem.itemConstraints.eligibilityRule", _EXD_RULE),),
    ),
    Kind(
        "item-collection",
        "item collection",
        "item-collections",
        "https://ns.adobe.com/experience/decisioning/item-collection;version=1.2",
        "dps:item-collection:",
        ("name", "description", "constraints", "tags"),
        validators.item_collection,
        defaults={"tags": []},
        lookup_dates="z",
        uses_catalog=True,
    ),
    Kind(
        "selection-strategy",
        "selection strategy",
        "selection-strategies",
        _SCHEMA_BASE + "selection-strategy;version=0.2",
        "dps:selection-strategy:",
        ("name", "description", "rank", "profileConstraint", "optionSelection"),
        validators.selection_strategy,
        lookup_dates="z",
        references=(
            Reference("optionSelection.filter", ("item-collection",)),
            Reference("profileConstraint.eligibilityRule", _EXD_RULE),
            Reference("rank.order.function", ("exd-ranking-formula",)),
        ),
    ),
    Kind(
        "eligibility-rule",
        "eligibility rule",
        "offer-rules",
        _SCHEMA_BASE + "eligibility-rule;version=0.3",
        "dps:eligibility-rule:",
        ("name", "description", "condition", "definedOn", "exdRule"),
        validators.eligibility_rule,
        flag=("exdRule", True),
        replace_with_put=True,
        lookup_dates="z",
    ),
    Kind(
        "exd-ranking-formula",
        "Decisioning ranking formula",
        "ranking-formulas",
        _SCHEMA_BASE + "ranking-function",
        "dps:ranking-function:",
        _FORMULA_FIELDS,
        validators.exd_ranking_formula,
        replace_with_put=True,
        lookup_dates="z",
        prepare=_upper_return_type,
        flag=("exdFunction", True),
    ),
    Kind(
        "exd-placement",
        "Decisioning placement",
        "exd-placements",
        "exd-placement",
        "dps:exd-placement:",
        ("name", "description", "channel", "channelConfiguration", "tags", "status"),
        validators.exd_placement,
        defaults={"status": "active"},
        lookup_dates="z",
        schemas_bare=True,
        replace_with_put=True,
        patches=False,
        deletes=False,
        put_takes_id=True,
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
            "rules-and-formulas",
            ("decision-rule", "ranking-formula", "eligibility-rule", "exd-ranking-formula"),
            10_000,
            "decision rules and ranking formulas",
        ),
        Guardrail("decision-items", ("decision-item",), 10_000, "decision items"),
        Guardrail("item-collections", ("item-collection",), 10_000, "item collections"),
        Guardrail("exd-placements", ("exd-placement",), 1_000, "Decisioning placements"),
    )
}


def kind_named(name: str) -> Kind:
    """The kind with this stable name; ValueError listing the names otherwise."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown kind {name!r}; expected one of {', '.join(BY_NAME)}") from None


def collection_paths() -> list[str]:
    """Every collection path, once (the two offer types share `offers`, rules and formulas their paths)."""
    return list(dict.fromkeys(kind.path for kind in KINDS))


def path_kinds(path: str) -> tuple[Kind, ...]:
    """Every kind stored under a collection path."""
    return tuple(kind for kind in KINDS if kind.path == path)


def puts_replace(path: str) -> bool:
    """Whether PUT on an item of this collection replaces it."""
    return any(kind.replace_with_put for kind in path_kinds(path))


def item_methods(path: str) -> list[str]:
    """The methods an item route of this collection answers (GET always)."""
    kinds = path_kinds(path)
    methods = ["GET"]
    methods += ["PATCH"] if any(k.patches for k in kinds) else []
    methods += ["PUT"] if any(k.replace_with_put for k in kinds) else []
    methods += ["DELETE"] if any(k.deletes for k in kinds) else []
    return methods


def kind_at(path: str, offer_type: str | None) -> Kind | None:
    """The kind a request to this collection path (and `offer-type`) addresses, or None.

    Where two kinds share a path (told apart by a flag), this is the legacy one: `kinds_at` gives both.
    """
    if path == "offers":
        return OFFER_TYPES.get(offer_type or "")
    return next((kind for kind in KINDS if kind.path == path), None)


def kinds_at(path: str, offer_type: str | None) -> tuple[Kind, ...]:
    """Every kind a request to this collection path may address: one, or the two a flag tells apart."""
    if path == "offers":
        return (resolve(path, offer_type),)
    return path_kinds(path)


def kind_for_body(path: str, offer_type: str | None, body: Any) -> Kind:
    """The kind a create (or seed) body belongs to: by `offer-type`, or by the flag of a shared path."""
    kinds = kinds_at(path, offer_type)
    if len(kinds) == 1:
        return kinds[0]
    flagged = isinstance(body, dict)
    for kind in kinds:
        assert kind.flag is not None
        field_name, value = kind.flag
        if flagged and (body.get(field_name) is True) == value:
            return kind
    return next(kind for kind in kinds if kind.flag is not None and not kind.flag[1])


def siblings(kind: Kind) -> tuple[Kind, ...]:
    """The kinds that share this kind's collection path (itself included), apart from the offer types."""
    return (kind,) if kind.offer_type else path_kinds(kind.path)


def resolve(path: str, offer_type: str | None) -> Kind:
    """The kind a request addresses; 400 when `/offers` comes without a supported `offer-type`."""
    kind = kind_at(path, offer_type)
    if kind is not None:
        return kind
    supported = " and ".join(OFFER_TYPES)
    if offer_type is None or not offer_type.strip():
        raise bad_request(f"the offer-type query parameter is required (supported: {supported})")
    raise bad_request(f"offer-type {offer_type!r} is not supported here; the supported offer-types are {supported}")
