"""List queries (any kind): `property` filters, `orderby` sorting, `limit` and keyset `start` cursors, paging links."""

from __future__ import annotations

import base64
import binascii
import functools
import json
import re
from dataclasses import dataclass
from typing import Any, Sequence
from urllib.parse import urlencode

from .errors import bad_request

_FIELD = r"[A-Za-z_@$][\w@$\-:.]*"
_OPS = r"==|!=|<=|>=|~|<|>"
_EXPRESSION = re.compile(rf"^(!?)({_FIELD})(?:({_OPS})(.*))?$", re.DOTALL)
# Split a `property` value on the commas that start another expression, so "x{1,3}" or "Smith, J" survive.
_SPLIT = re.compile(rf",(?=!?{_FIELD}(?:{_OPS}|,|$))")
_ORDER = re.compile(rf"^([+-]?)({_FIELD})$")

SortKey = tuple[int | float | str, ...]  # normalised value of one orderby field: (rank, value); (2,) means "missing"


@dataclass(frozen=True)
class PropertyFilter:
    """One `[!]field[op]value` expression; no op means "field exists"."""

    negate: bool
    path: tuple[str, ...]
    op: str | None
    value: str | None
    pattern: re.Pattern[str] | None = None

    def matches(self, doc: dict[str, Any]) -> bool:
        """Whether an object (look-up shape) satisfies the expression."""
        candidates = [c for c in resolve(doc, self.path) if c is not None]
        if self.op is None:
            result = bool(candidates)
        elif self.op == "!=":
            result = not any(_compare(c, "==", self.value or "", None) for c in candidates)
        else:
            result = any(_compare(c, self.op, self.value or "", self.pattern) for c in candidates)
        return result != self.negate


@dataclass(frozen=True)
class OrderField:
    """One `orderby` field, ascending unless prefixed with `-`."""

    path: tuple[str, ...]
    descending: bool


def _split_path(field: str, expression: str) -> tuple[str, ...]:
    path = tuple(field.split("."))
    if any(not segment for segment in path):
        raise bad_request(f"invalid property path in {expression!r}")
    return path


def parse_filters(values: Sequence[str]) -> list[PropertyFilter]:
    """Every `property` parameter (repeatable, comma-separated) as filters; 400 on a malformed one."""
    filters: list[PropertyFilter] = []
    for value in values:
        for expression in _SPLIT.split(value):
            match = _EXPRESSION.match(expression.strip())
            if not match:
                raise bad_request(
                    f"invalid property filter {expression!r}: expected [!]field[op]value "
                    "with op in ==, !=, <=, >=, <, >, ~"
                )
            negate, field, op, operand = match.groups()
            pattern = None
            if op == "~":
                try:
                    pattern = re.compile(operand)
                except re.error as exc:
                    raise bad_request(f"invalid regular expression in property filter {expression!r}: {exc}") from exc
            filters.append(PropertyFilter(negate == "!", _split_path(field, expression), op, operand, pattern))
    return filters


def parse_order(values: Sequence[str]) -> list[OrderField]:
    """Every `orderby` / `orderBy` parameter (comma lists) as sort fields; 400 on a malformed one."""
    fields: list[OrderField] = []
    for value in values:
        for item in value.split(","):
            match = _ORDER.match(item.strip())
            if not match:
                raise bad_request(f"invalid orderby field {item!r}: expected [-]field")
            fields.append(OrderField(_split_path(match.group(2), item), match.group(1) == "-"))
    return fields


def parse_limit(raw: str | None, default: int, maximum: int) -> int:
    """Page size: the default when absent, capped at the maximum; 400 unless a positive integer."""
    if raw is None:
        return min(default, maximum)
    try:
        limit = int(raw.strip())
    except ValueError:
        raise bad_request(f"limit must be a positive integer, not {raw!r}") from None
    if limit < 1:
        raise bad_request(f"limit must be a positive integer, not {raw!r}")
    return min(limit, maximum)


def resolve(doc: Any, path: Sequence[str]) -> list[Any]:
    """Values at a dot path; arrays on the way (or at the end) fan out, so `tags` or
    `representations.channel` yield one value per element."""
    current: list[Any] = [doc]
    for segment in path:
        following: list[Any] = []
        for item in current:
            if isinstance(item, dict) and segment in item:
                value = item[segment]
                following.extend(value if isinstance(value, list) else [value])
        current = following
    return current


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _compare(candidate: Any, op: str, operand: str, pattern: re.Pattern[str] | None) -> bool:
    """One field value against the operand: numbers numerically, everything else as text."""
    if op == "~":
        assert pattern is not None
        return pattern.search(_text(candidate)) is not None
    left: Any
    right: Any
    if isinstance(candidate, bool):
        left, right = _text(candidate), operand.strip().lower()
    elif isinstance(candidate, (int, float)):
        try:
            left, right = candidate, float(operand)
        except ValueError:
            return False
    else:
        left, right = _text(candidate), operand
    if op == "==":
        return bool(left == right)
    if op == "<":
        return bool(left < right)
    if op == ">":
        return bool(left > right)
    if op == "<=":
        return bool(left <= right)
    return bool(left >= right)  # ">="


def _sort_key(doc: dict[str, Any], path: Sequence[str]) -> SortKey:
    values = [v for v in resolve(doc, path) if v is not None]
    if not values:
        return (2,)
    value = values[0]
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, (int, float)):
        return (0, value)
    return (1, _text(value))


def _position_cmp(a: tuple[list[SortKey], int], b: tuple[list[SortKey], int], order: Sequence[OrderField]) -> int:
    """Compare two positions (sort keys, creation sequence); missing values always sort last."""
    for key_a, key_b, field in zip(a[0], b[0], order, strict=True):
        if key_a == key_b:
            continue
        if key_a[0] == 2 or key_b[0] == 2:
            return 1 if key_a[0] == 2 else -1
        result = 1 if key_a > key_b else -1
        return -result if field.descending else result
    return (a[1] > b[1]) - (a[1] < b[1])


def encode_cursor(keys: list[SortKey], seq: int) -> str:
    """An opaque `start` value: the sort position of the last item of a page."""
    raw = json.dumps({"k": [list(k) for k in keys], "s": seq}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, order: Sequence[OrderField]) -> tuple[list[SortKey], int]:
    """The position a `start` value names; 400 when it is not one we issued for this ordering."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        keys = [tuple(k) for k in data["k"]]
        seq = data["s"]
        valid = (
            isinstance(seq, int)
            and len(keys) == len(order)
            and all(
                k == (2,)
                or (
                    len(k) == 2
                    and ((k[0] == 0 and isinstance(k[1], (int, float))) or (k[0] == 1 and isinstance(k[1], str)))
                )
                for k in keys
            )
        )
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        valid = False
    if not valid:
        raise bad_request(f"invalid start cursor {cursor!r}")
    return keys, seq


@dataclass
class Page:
    """One page of a list answer."""

    results: list[dict[str, Any]]
    total: int
    next_cursor: str | None


def paginate(
    objects: Sequence[tuple[int, dict[str, Any]]],
    filters: Sequence[PropertyFilter],
    order: Sequence[OrderField],
    limit: int,
    start: str | None,
) -> Page:
    """Filter, sort and cut one page from (creation sequence, look-up shape) pairs.

    The cursor is keyset-based (the last item's sort values plus its creation sequence), so objects
    created or deleted between two page requests never make a later page repeat or skip an item
    that was there all along.
    """
    matching = [(seq, doc) for seq, doc in objects if all(f.matches(doc) for f in filters)]
    Positioned = tuple[tuple[list[SortKey], int], dict[str, Any]]
    positioned: list[Positioned] = [(([_sort_key(doc, f.path) for f in order], seq), doc) for seq, doc in matching]

    def compare(a: Positioned, b: Positioned) -> int:
        return _position_cmp(a[0], b[0], order)

    positioned.sort(key=functools.cmp_to_key(compare))
    if start is not None:
        after = decode_cursor(start, order)
        positioned = [p for p in positioned if _position_cmp(p[0], after, order) > 0]
    chosen = positioned[:limit]
    next_cursor = None
    if len(positioned) > limit:
        last_keys, last_seq = chosen[-1][0]
        next_cursor = encode_cursor(last_keys, last_seq)
    return Page([doc for _, doc in chosen], len(matching), next_cursor)


def links(query: Sequence[tuple[str, str]], next_cursor: str | None, collection: str) -> dict[str, Any]:
    """`_links`: `self` as asked, `next` with the same query plus `start` (only if more), both `collection?...`.

    `collection` is what comes before the query: `/offers` gives hrefs relative to the dps base URL,
    as the documented examples show.
    """
    kept = [(k, v) for k, v in query if k != "start"]
    result: dict[str, Any] = {"self": {"href": f"{collection}?" + urlencode(list(query))}}
    if next_cursor is not None:
        result["next"] = {"href": f"{collection}?" + urlencode(kept + [("start", next_cursor)])}
    return result
