"""Each kind's own field checks (beyond `name`, `description` and unknown keys, which validation does for all).

Sources and choices are in KINDS.md; the limits are the guardrails Adobe publishes.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from .validation import MAX_NAME_LENGTH, Checker, child, json_type

OFFER_STATUSES = ("draft", "approved", "archived")
DECISION_STATUSES = ("draft", "live")
COMPONENT_TYPES = ("html", "imagelink", "text", "json")
PROFILE_CONSTRAINT_TYPES = ("none", "eligibilityRule", "anySegments", "allSegments")
ORDER_EVALUATION_TYPES = ("static", "ranking-strategy")
FILTER_TYPES = ("any-tags", "all-tags", "offers")
RETURN_TYPES = ("integer",)

MAX_TAGS = 20  # "collection qualifier per offer or collection"
MAX_CAPPING_RULES = 10  # "frequency capping: max number of capping rules per offer"
MAX_OFFERS_PER_COLLECTION = 500
MAX_PLACEMENTS_PER_DECISION = 30
MAX_COLLECTIONS_PER_DECISION = 30
MAX_RULE_PQL_BYTES = 15_000
MAX_FORMULA_PQL_BYTES = 8_000

_REPRESENTATION_KEYS = ("channel", "placement", "components")
_COMPONENT_KEYS = ("type", "format", "language", "content", "deliveryURL", "linkURL")
_RETURN_METADATA_KEYS = (
    "decisionName",
    "offerName",
    "offerAttributes",
    "offerPriority",
    "placementName",
    "channelType",
    "contentType",
)
_CAPPING_KEYS = ("enabled", "limit", "startDate", "endDate", "scope", "entity", "repeat")


# -- shared parts ----------------------------------------------------------------------------------


def _representations(body: dict[str, Any], check: Checker) -> None:
    reps = check.array(body, "representations", required=True, min_items=1, item_noun="representation")
    for i, rep in enumerate(reps or []):
        path = child("representations", i)
        rep = check.element(rep, path, _REPRESENTATION_KEYS)
        if rep is None:
            continue
        check.string(rep, "channel", path, required=True)
        check.string(rep, "placement", path, required=True)
        components = check.array(rep, "components", path, required=True, min_items=1, item_noun="component")
        for j, component in enumerate(components or []):
            where = child(child(path, "components"), j)
            component = check.element(component, where, _COMPONENT_KEYS)
            if component is None:
                continue
            check.string(component, "type", where, required=True)
            check.string(component, "format", where, required=True)
            check.strings(component, "language", where)
            for key in ("content", "deliveryURL", "linkURL"):
                check.string(component, key, where, non_empty=False)


def _offer_common(body: dict[str, Any], check: Checker) -> None:
    """What fallback and personalized offers share: status, representations, characteristics, tags, rank."""
    check.string(body, "status", choices=OFFER_STATUSES)
    check.string_map(body, "characteristics")
    check.strings(body, "tags", max_items=MAX_TAGS, max_noun="collection qualifiers")
    rank = check.object(body, "rank", keys=("priority",))
    if rank is not None:
        check.integer(rank, "priority", "rank")
    _representations(body, check)


def _profile_constraint(constraint: dict[str, Any], path: str, check: Checker) -> None:
    """`profileConstraintType` and, for `eligibilityRule`, the rule id; other keys (segments) are kept."""
    kind = check.string(constraint, "profileConstraintType", path, choices=PROFILE_CONSTRAINT_TYPES)
    check.string(constraint, "eligibilityRule", path, required=kind == "eligibilityRule")


def _pql(body: dict[str, Any], key: str, max_bytes: int, check: Checker) -> None:
    """A `{type: PQL, format: pql/text, value}` expression of at most `max_bytes` UTF-8 bytes."""
    expression = check.object(body, key, required=True, keys=("type", "format", "value"))
    if expression is None:
        return
    check.string(expression, "type", key, required=True, choices=("PQL",))
    check.string(expression, "format", key, required=True, choices=("pql/text",))
    value = check.string(expression, "value", key, required=True)
    if value is not None and len(value.encode("utf-8")) > max_bytes:
        check.add(f"{key}.value must be at most {max_bytes} bytes of UTF-8, not {len(value.encode('utf-8'))}")


# -- one checker per kind --------------------------------------------------------------------------


def fallback_offer(body: dict[str, Any], check: Checker) -> None:
    """A fallback offer: representations, optional characteristics, tags, rank; selectionConstraint kept."""
    _offer_common(body, check)
    constraint = check.object(body, "selectionConstraint")
    if constraint is not None:
        for key in ("startDate", "endDate", "profileConstraintType"):
            check.string(constraint, key, "selectionConstraint", non_empty=False)


def personalized_offer(body: dict[str, Any], check: Checker) -> None:
    """A fallback offer's fields plus eligibility (dates, profile constraint, rule) and capping."""
    _offer_common(body, check)
    constraint = check.object(body, "selectionConstraint")
    if constraint is not None:
        check.string(constraint, "startDate", "selectionConstraint", non_empty=False)
        check.string(constraint, "endDate", "selectionConstraint", non_empty=False)
        _profile_constraint(constraint, "selectionConstraint", check)
    capping = check.object(body, "cappingConstraint", keys=("globalCap", "profileCap"))
    if capping is not None:
        check.integer(capping, "globalCap", "cappingConstraint", minimum=1)
        check.integer(capping, "profileCap", "cappingConstraint", minimum=1)
    rules = check.array(
        body, "frequencyCappingConstraints", max_items=MAX_CAPPING_RULES, max_noun="frequency capping rules"
    )
    for i, rule in enumerate(rules or []):
        path = child("frequencyCappingConstraints", i)
        rule = check.element(rule, path, _CAPPING_KEYS)
        if rule is None:
            continue
        check.integer(rule, "limit", path, required=True, minimum=1)
        check.string(rule, "scope", path, required=True, choices=("global", "profile"))
        check.string(rule, "entity", path, required=True, choices=("offer", "placement"))
        check.boolean(rule, "enabled", path)
        check.string(rule, "startDate", path, non_empty=False)
        check.string(rule, "endDate", path, non_empty=False)
        repeat = check.object(rule, "repeat", path, keys=("enabled", "unit", "unitCount"))
        if repeat is not None:
            check.boolean(repeat, "enabled", child(path, "repeat"))
            check.string(repeat, "unit", child(path, "repeat"))
            check.integer(repeat, "unitCount", child(path, "repeat"), minimum=1)


def placement(body: dict[str, Any], check: Checker) -> None:
    """A placement: channel and component type, plus the request and response settings."""
    check.string(body, "componentType", required=True, choices=COMPONENT_TYPES)
    check.string(body, "channel", required=True)
    check.integer(body, "itemCount", minimum=1)
    check.boolean(body, "allowDuplicatePlacements")
    check.boolean(body, "returnContent")
    metadata = check.object(body, "returnMetaData", keys=_RETURN_METADATA_KEYS)
    if metadata is not None:
        for key in _RETURN_METADATA_KEYS:
            check.boolean(metadata, key, "returnMetaData")


def decision(body: dict[str, Any], check: Checker) -> None:
    """A decision: status, dates, a fallback offer and at least one criterion over placements and a collection."""
    check.string(body, "status", choices=DECISION_STATUSES)
    check.string(body, "startDate", non_empty=False)
    check.string(body, "endDate", non_empty=False)
    check.string(body, "fallback", required=True)
    criteria = check.array(body, "criteria", required=True, min_items=1, item_noun="criterion")
    placements: set[str] = set()
    collections: set[str] = set()
    for i, criterion in enumerate(criteria or []):
        path = child("criteria", i)
        criterion = check.element(
            criterion, path, ("description", "placements", "rank", "profileConstraint", "optionSelection")
        )
        if criterion is None:
            continue
        check.string(criterion, "description", path, non_empty=False)
        placements.update(
            check.strings(criterion, "placements", path, required=True, min_items=1, item_noun="placement") or []
        )
        selection = check.object(criterion, "optionSelection", path, required=True, keys=("description", "filter"))
        if selection is not None:
            filter_id = check.string(selection, "filter", child(path, "optionSelection"), required=True)
            collections.update([filter_id] if filter_id else [])
        _criterion_rank(criterion, path, check)
        constraint = check.object(criterion, "profileConstraint", path)
        if constraint is not None:
            _profile_constraint(constraint, child(path, "profileConstraint"), check)
    if len(placements) > MAX_PLACEMENTS_PER_DECISION:
        check.add(f"criteria name {len(placements)} placements; a decision holds at most {MAX_PLACEMENTS_PER_DECISION}")
    if len(collections) > MAX_COLLECTIONS_PER_DECISION:
        check.add(
            f"criteria name {len(collections)} collections; a decision holds at most {MAX_COLLECTIONS_PER_DECISION}"
        )


def _criterion_rank(criterion: dict[str, Any], path: str, check: Checker) -> None:
    rank = check.object(criterion, "rank", path, keys=("priority", "order"))
    if rank is None:
        return
    where = child(path, "rank")
    check.integer(rank, "priority", where)
    order = check.object(rank, "order", where, keys=("orderEvaluationType", "rankingStrategy"))
    if order is not None:
        evaluation = check.string(
            order, "orderEvaluationType", child(where, "order"), required=True, choices=ORDER_EVALUATION_TYPES
        )
        check.string(order, "rankingStrategy", child(where, "order"), required=evaluation == "ranking-strategy")


def collection_qualifier(body: dict[str, Any], check: Checker) -> None:
    """A collection qualifier has only a name and a description."""


def collection(body: dict[str, Any], check: Checker) -> None:
    """A collection: a filter type and the qualifier or offer ids it names."""
    filter_type = check.string(body, "filterType", required=True, choices=FILTER_TYPES)
    by_offers = filter_type == "offers"
    check.strings(
        body,
        "ids",
        required=True,
        min_items=1,
        item_noun="id",
        max_items=MAX_OFFERS_PER_COLLECTION if by_offers else MAX_TAGS,
        max_noun="offers" if by_offers else "collection qualifiers",
    )
    check.strings(body, "labels")


def decision_rule(body: dict[str, Any], check: Checker) -> None:
    """A decision rule: a PQL condition and, kept as sent, what it is defined on."""
    _pql(body, "condition", MAX_RULE_PQL_BYTES, check)
    check.object(body, "definedOn")


def _ranking_formula_fields(body: dict[str, Any], check: Checker) -> None:
    _pql(body, "expression", MAX_FORMULA_PQL_BYTES, check)
    return_type = check.object(body, "returnType", required=True, keys=("type",))
    if return_type is not None:
        value = check.string(return_type, "type", "returnType", required=True)
        if value is not None and value.strip() and value.lower() not in RETURN_TYPES:
            check.add(f"returnType.type must be one of {', '.join(RETURN_TYPES)} (any case), not {value!r}")
    check.object(body, "definedOn")
    check.boolean(body, "isPure")


# -- Adobe's Decisioning kinds (KINDS.md, "The Decisioning kinds") ---------------------------------------

ITEM_STATUSES = ("draft", "approved", "archived")
ITEM_CONSTRAINT_TYPES = ("none", "eligibilityRule")
STRATEGY_ORDER_TYPES = ("static", "scoringFunction")
EXD_PLACEMENT_STATUSES = ("active", "archived")
EMAIL_CHANNEL = "https://ns.adobe.com/xdm/channel-types/email"
MAX_ITEM_BYTES = 1024  # guardrails page: "decision item size: 1 KB, including custom attributes"
ITEM_SERVER_FIELDS = ("itemID", "fCapConstraintsLastIndex")

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_ISO_DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$")
_OFFERITEM_KEYS = ("lifecycleStatus", "frequencyCappingConstraints") + ("fCapConstraintsLastIndex",)
_DECISIONITEM_KEYS = (
    "itemName",
    "itemDescription",
    "itemPriority",
    "itemCalendarConstraints",
    "itemCatalogID",
    "itemConstraints",
    "itemTags",
    "itemLabels",
    "itemID",
)


def _date_time(obj: dict[str, Any], key: str, path: str, check: Checker) -> str | None:
    value = check.string(obj, key, path)
    if value is not None and not _ISO_DATE_TIME.match(value):
        check.add(f"{child(path, key)} must be an ISO-8601 date-time, not {value!r}")
        return None
    return value


def _uuids(obj: dict[str, Any], key: str, path: str, check: Checker, noun: str) -> None:
    for i, value in enumerate(check.strings(obj, key, path) or []):
        if not _UUID.match(value):
            check.add(f"{child(child(path, key), i)} must be a {noun} (a UUID), not {value!r}")


def _capping_rules(obj: dict[str, Any], path: str, check: Checker) -> None:
    rules = check.array(obj, "frequencyCappingConstraints", path, max_items=MAX_CAPPING_RULES, max_noun="capping rules")
    for i, rule in enumerate(rules or []):
        where = child(child(path, "frequencyCappingConstraints"), i)
        rule = check.element(rule, where, _CAPPING_KEYS)
        if rule is None:
            continue
        check.integer(rule, "limit", where, required=True, minimum=1)
        check.string(rule, "scope", where, required=True, choices=("global", "profile"))
        check.string(rule, "entity", where, required=True, choices=("offer", "placement"))
        check.boolean(rule, "enabled", where)
        check.string(rule, "startDate", where, non_empty=False)
        check.string(rule, "endDate", where, non_empty=False)
        check.object(rule, "repeat", where)


def decision_item(body: dict[str, Any], check: Checker) -> None:
    """A decision item: `_experience.decisioning.{offeritem, decisionitem}` and the catalog's custom attributes."""
    root = "_experience"
    experience = check.object(body, root, required=True, keys=("decisioning",))
    decisioning = check.object(experience or {}, "decisioning", root, required=experience is not None)
    base = child(root, "decisioning")
    if decisioning is not None:
        check.known_keys(decisioning, ("offeritem", "decisionitem"), base)
        offer_item = check.object(decisioning, "offeritem", base, required=True, keys=_OFFERITEM_KEYS)
        if offer_item is not None:
            where = child(base, "offeritem")
            check.string(offer_item, "lifecycleStatus", where, required=True, choices=ITEM_STATUSES)
            _capping_rules(offer_item, where, check)
        item = check.object(decisioning, "decisionitem", base, required=True, keys=_DECISIONITEM_KEYS)
        if item is not None:
            _decision_item_fields(item, child(base, "decisionitem"), check)
        for where, node in ((child(base, "offeritem"), offer_item), (child(base, "decisionitem"), item)):
            for key in ITEM_SERVER_FIELDS:
                if node is not None and key in node:
                    check.add(f"{child(where, key)} is managed by the server and cannot be set")
    catalog = check.catalog
    if catalog is not None and catalog.key in body:
        catalog.check(body[catalog.key], check)
    size = len(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    if size > MAX_ITEM_BYTES:
        check.add(f"the decision item is {size} bytes of JSON; a decision item holds at most {MAX_ITEM_BYTES}")


def _decision_item_fields(item: dict[str, Any], where: str, check: Checker) -> None:
    check.string(item, "itemName", where, required=True, max_length=MAX_NAME_LENGTH)
    check.string(item, "itemDescription", where, non_empty=False)
    check.integer(item, "itemPriority", where, required=True, minimum=0)
    check.string(item, "itemCatalogID", where)
    check.strings(item, "itemLabels", where)
    _uuids(item, "itemTags", where, check, "Unified Tag id")
    calendar = check.object(item, "itemCalendarConstraints", where, keys=("startDate", "endDate"))
    if calendar is not None:
        at = child(where, "itemCalendarConstraints")
        start, end = _date_time(calendar, "startDate", at, check), _date_time(calendar, "endDate", at, check)
        if start and end and _instant(start) > _instant(end):
            check.add(f"{at}.endDate must not be before its startDate")
    constraints = check.object(item, "itemConstraints", where, keys=("profileConstraintType", "eligibilityRule"))
    if constraints is not None:
        at = child(where, "itemConstraints")
        kind = check.string(constraints, "profileConstraintType", at, required=True, choices=ITEM_CONSTRAINT_TYPES)
        check.string(constraints, "eligibilityRule", at, required=kind == "eligibilityRule")
        if kind == "none" and "eligibilityRule" in constraints:
            check.add(f"{at}.eligibilityRule must be absent when profileConstraintType is none")


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def item_collection(body: dict[str, Any], check: Checker) -> None:
    """An item collection: rules over item attributes (`uiModel`, a string holding JSON) and Unified Tags."""
    constraints = check.array(body, "constraints", required=True, min_items=1, item_noun="rule")
    for i, constraint in enumerate(constraints or []):
        where = child("constraints", i)
        constraint = check.element(constraint, where, ("itemCatalogId", "uiModel"))
        if constraint is None:
            continue
        check.string(constraint, "itemCatalogId", where)
        ui_model = check.string(constraint, "uiModel", where, required=True)
        if ui_model is not None:
            _ui_model(ui_model, child(where, "uiModel"), check)
    _uuids(body, "tags", "", check, "Unified Tag id")


def _ui_model(text: str, where: str, check: Checker) -> None:
    """`uiModel` must hold a JSON object; a rule on a custom attribute must name one the catalog schema defines."""
    try:
        model = json.loads(text)
    except json.JSONDecodeError as exc:
        check.add(f"{where} must be a string holding JSON: {exc.msg}")
        return
    if not isinstance(model, dict):
        check.add(f"{where} must hold a JSON object, not {json_type(model)}")
        return
    value = model.get("value")
    left = value.get("left") if isinstance(value, dict) else None
    catalog = check.catalog
    if catalog is None or not isinstance(left, str) or not left.startswith(catalog.key + "."):
        return
    spec: Any = {"type": "object", "properties": catalog.attributes}
    for segment in left.split(".")[1:]:
        spec = spec.get("properties", {}).get(segment) if isinstance(spec, dict) else None
        if spec is None:
            check.add(f"{where} names {left}, which is not an attribute of the catalog schema")
            return


def selection_strategy(body: dict[str, Any], check: Checker) -> None:
    """A selection strategy: an item collection, an optional eligibility rule, and a ranking method."""
    selection = check.object(body, "optionSelection", required=True, keys=("filter",))
    if selection is not None:
        check.string(selection, "filter", "optionSelection", required=True)
    rank = check.object(body, "rank", required=True, keys=("priority", "order"))
    if rank is not None:
        check.integer(rank, "priority", "rank")
        order = check.object(rank, "order", "rank", required=True, keys=("orderEvaluationType", "function"))
        if order is not None:
            evaluation = check.string(
                order, "orderEvaluationType", "rank.order", required=True, choices=STRATEGY_ORDER_TYPES
            )
            check.string(order, "function", "rank.order", required=evaluation == "scoringFunction")
            if evaluation == "static" and "function" in order:
                check.add("rank.order.function must be absent when orderEvaluationType is static")
    constraint = check.object(body, "profileConstraint", keys=("profileConstraintType", "eligibilityRule"))
    if constraint is not None:
        kind = check.string(
            constraint, "profileConstraintType", "profileConstraint", required=True, choices=ITEM_CONSTRAINT_TYPES
        )
        check.string(constraint, "eligibilityRule", "profileConstraint", required=kind == "eligibilityRule")


def _flag(body: dict[str, Any], key: str, expected: bool, check: Checker, required: bool) -> None:
    """The flag telling a Decisioning rule or formula from a legacy one: absent or `expected` only."""
    if key not in body:
        if required:
            check.add(f"{key} is required and must be true (it makes this a Decisioning object)")
        return
    if body[key] is not expected:
        check.add(f"{key} must be {str(expected).lower()} here, not {json.dumps(body[key])}: {_FLAG_REASON}")


_FLAG_REASON = "a rule's or formula's model (Decisioning or legacy) is fixed when it is created"


def eligibility_rule(body: dict[str, Any], check: Checker) -> None:
    """A Decisioning eligibility rule: a legacy decision rule's fields plus `exdRule: true`."""
    _flag(body, "exdRule", True, check, required=True)
    decision_rule(body, check)


def legacy_decision_rule(body: dict[str, Any], check: Checker) -> None:
    """A legacy decision rule (`exdRule` absent or false)."""
    _flag(body, "exdRule", False, check, required=False)
    decision_rule(body, check)


def exd_ranking_formula(body: dict[str, Any], check: Checker) -> None:
    """A Decisioning ranking formula: a ranking formula with `exdFunction: true`."""
    _flag(body, "exdFunction", True, check, required=True)
    _ranking_formula_fields(body, check)


def legacy_ranking_formula(body: dict[str, Any], check: Checker) -> None:
    """A legacy ranking formula (`exdFunction` absent or false)."""
    _flag(body, "exdFunction", False, check, required=False)
    _ranking_formula_fields(body, check)


def exd_placement(body: dict[str, Any], check: Checker) -> None:
    """A Decisioning placement: the email channel, a channel configuration, Unified Tags and a status."""
    channel = check.string(body, "channel", required=True)
    if channel is not None and channel.strip() and channel != EMAIL_CHANNEL:
        check.add(f"channel must be {EMAIL_CHANNEL} (Decisioning placements are email-only), not {channel!r}")
    configuration = check.string(body, "channelConfiguration")
    if configuration is not None and not _UUID.match(configuration):
        check.add(f"channelConfiguration must be a channel configuration id (a UUID), not {configuration!r}")
    _uuids(body, "tags", "", check, "Unified Tag id")
    check.string(body, "status", choices=EXD_PLACEMENT_STATUSES)
