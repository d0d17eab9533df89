"""Validation of a body against its kind, as the real service does: every problem at once, each with its path."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from .errors import validation_failed

if TYPE_CHECKING:
    from .catalog import Catalog
    from .kinds import Kind

SERVER_FIELDS = frozenset(
    {
        "id",
        "etag",
        "created",
        "modified",
        "createdDate",
        "lastModifiedDate",
        "schemas",
        "createdBy",
        "lastModifiedBy",
        "createdByClientId",
        "lastModifiedByClientId",
        "sandboxId",
        "datasetId",
    }
)
MAX_NAME_LENGTH = 256


def json_type(value: Any) -> str:
    """JSON type name of a value, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def child(path: str, key: str | int) -> str:
    """The path of a property (`a.b`) or array element (`a[0]`) below `path` ("" is the body itself)."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class Checker:
    """Collects problems; each `check_*` looks at `obj[key]` and names it by its path below `path`.

    The helpers return the value when it has the right JSON type (so callers can look inside it),
    else None; a missing optional key is no problem.
    """

    def __init__(self, catalog: Catalog | None = None) -> None:
        self.problems: list[str] = []
        self.catalog = catalog  # the sandbox's item catalog, for kinds whose bodies it shapes (decision items)

    def add(self, message: str) -> None:
        """Record one problem."""
        self.problems.append(message)

    def _get(
        self, obj: dict[str, Any], key: str, path: str, required: bool, expected: type, noun: str
    ) -> tuple[Any, str] | None:
        """`obj[key]` and its path when present and of the expected type, else None (recording any problem)."""
        where = child(path, key)
        if key not in obj:
            if required:
                self.add(f"{where} is required")
            return None
        return (obj[key], where) if self._is(obj[key], where, expected, noun) else None

    def _is(self, value: Any, where: str, expected: type, noun: str) -> bool:
        """Whether `value` is of the expected type (booleans are no integers); a problem is recorded if not."""
        if isinstance(value, expected) and not (isinstance(value, bool) and expected is not bool):
            return True
        self.add(f"{where} must be {noun}, not {json_type(value)}")
        return False

    def string(
        self,
        obj: dict[str, Any],
        key: str,
        path: str = "",
        required: bool = False,
        non_empty: bool = True,
        max_length: int | None = None,
        choices: Iterable[str] | None = None,
    ) -> str | None:
        """A string property; optionally non-blank, bounded, or one of `choices`."""
        found = self._get(obj, key, path, required, str, "a string")
        if found is None:
            return None
        value, where = found
        allowed = tuple(choices) if choices is not None else None
        if allowed is not None and value not in allowed:
            self.add(f"{where} must be one of {', '.join(allowed)}, not {value!r}")
        elif non_empty and not value.strip():
            self.add(f"{where} must not be empty")
        elif max_length is not None and len(value) > max_length:
            self.add(f"{where} must be at most {max_length} characters")
        return str(value)

    def integer(
        self, obj: dict[str, Any], key: str, path: str = "", required: bool = False, minimum: int | None = None
    ) -> int | None:
        """An integer property (booleans are not integers), optionally at least `minimum`."""
        found = self._get(obj, key, path, required, int, "an integer")
        if found is None:
            return None
        value, where = found
        if minimum is not None and value < minimum:
            self.add(f"{where} must be at least {minimum}, not {value}")
        return int(value)

    def boolean(self, obj: dict[str, Any], key: str, path: str = "", required: bool = False) -> None:
        """A true/false property."""
        self._get(obj, key, path, required, bool, "a boolean")

    def object(
        self, obj: dict[str, Any], key: str, path: str = "", required: bool = False, keys: Iterable[str] | None = None
    ) -> dict[str, Any] | None:
        """An object property; with `keys`, any other key in it is a problem."""
        found = self._get(obj, key, path, required, dict, "an object")
        return None if found is None else self.element(*found, keys=keys)

    def element(self, value: Any, path: str, keys: Iterable[str] | None = None) -> dict[str, Any] | None:
        """A value (an array element, a property) that must be an object, with only `keys` when given."""
        if not self._is(value, path, dict, "an object"):
            return None
        if keys is not None:
            self.known_keys(value, keys, path)
        return value

    def known_keys(self, value: dict[str, Any], keys: Iterable[str], path: str) -> None:
        """Every key of `value` must be one of `keys`."""
        allowed = frozenset(keys)
        for name in value:
            if name not in allowed:
                self.add(f"{child(path, name)} is not a known property")

    def array(
        self,
        obj: dict[str, Any],
        key: str,
        path: str = "",
        required: bool = False,
        min_items: int = 0,
        item_noun: str = "item",
        max_items: int | None = None,
        max_noun: str | None = None,
    ) -> list[Any] | None:
        """An array property with at least `min_items` (and at most `max_items`) elements."""
        found = self._get(obj, key, path, required, list, "an array")
        if found is None:
            return None
        value, where = found
        if len(value) < min_items:
            self.add(f"{where} must contain at least one {item_noun}")
        if max_items is not None and len(value) > max_items:
            self.add(f"{where} must contain at most {max_items} {max_noun or item_noun + 's'}, not {len(value)}")
        return value

    def strings(
        self,
        obj: dict[str, Any],
        key: str,
        path: str = "",
        required: bool = False,
        min_items: int = 0,
        item_noun: str = "item",
        max_items: int | None = None,
        max_noun: str | None = None,
    ) -> list[str] | None:
        """An array of strings, sized like `array`."""
        if key in obj and not (isinstance(obj[key], list) and all(isinstance(item, str) for item in obj[key])):
            self.add(f"{child(path, key)} must be an array of strings")
            return None
        return self.array(obj, key, path, required, min_items, item_noun, max_items, max_noun)

    def string_map(self, obj: dict[str, Any], key: str, path: str = "") -> None:
        """An object whose values are all strings (an offer's `characteristics`)."""
        value = self.object(obj, key, path)
        for name, item in (value or {}).items():
            if not isinstance(item, str):
                self.add(f"{child(child(path, key), name)} must be a string, not {json_type(item)}")


def problems_of(kind: Kind, body: Any, catalog: Catalog | None = None) -> list[str]:
    """Every problem with a body of `kind` (empty when it is valid); `catalog` shapes decision items."""
    if not isinstance(body, dict):
        return [f"the {kind.title} must be a JSON object, not {json_type(body)}"]
    check = Checker(catalog)
    known = set(kind.fields) | ({catalog.key} if kind.uses_catalog and catalog is not None else set())
    for key in body:
        if key in SERVER_FIELDS:
            check.add(f"{key} is managed by the server and cannot be set")
        elif key not in known:
            check.add(f"{key} is not a known property of a {kind.title}")
    if "name" in kind.fields:
        check.string(body, "name", required=True, max_length=MAX_NAME_LENGTH)
        check.string(body, "description", non_empty=False)
    kind.check(body, check)
    return check.problems


def validated(kind: Kind, body: Any, catalog: Catalog | None = None) -> dict[str, Any]:
    """The fields to store (defaults made explicit), or ApiError 400 naming every problem."""
    problems = problems_of(kind, body, catalog)
    if problems:
        raise validation_failed(problems)
    stored = dict(body)
    for key, value in kind.defaults.items():
        stored.setdefault(key, value)
    return stored
