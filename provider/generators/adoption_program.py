"""Python source for a stack that adopts a sandbox's existing objects: pure functions, no I/O.

``render_program`` turns objects of every kind, as the Offer Library API lists them, into one
Pulumi program that declares each with ``<Kind>(...)`` in args form, carrying its adopt input.
Only the canonical user-owned fields appear, so the first ``pulumi up`` adopts everything
without a PATCH and the next preview shows no diff. Kinds come in reference order, and a
reference to an exported object is written as that object's variable's ``.id``.

Names: each object gets a Python identifier derived from its name (ASCII snake_case) and a Pulumi
resource name (the identifier with ``-`` for ``_``), unique over the whole program. They never
depend on list order:

- a name the previous export of the same directory gave an object (``previous_names``) is kept;
- otherwise, among objects whose names give the same identifier, the oldest (then lowest id) gets
  it bare and the others get ``_<6 hex of sha256(id)>``; objects created later never rename it.
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import keyword
import math
import re
import textwrap
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional, Sequence

from ..core.model import canonical_timestamp
from ..core.schema import Shape, blocks_of, fields_of, snake_case
from ..core.spec import SANDBOX_NAME, ResourceSpec
from ..engine.validation import canonical, validate
from ..resources import SPECS
from ..resources.fallback_offer import FALLBACK_OFFER

LINE_LENGTH = 88
INDENT = "    "
MAX_IDENTIFIER_LENGTH = 60
SUFFIX_LENGTH = 6
FALLBACK_IDENTIFIER = "offer"
GENERATED_MARK = "python -m provider.export"
# Names the generated module may import from provider, and names a variable must not shadow.
IMPORTED_NAMES = tuple(
    sorted(
        {spec.kind for spec in SPECS}
        | {f"{spec.kind}Args" for spec in SPECS}
        | {f"{block.__name__}Args" for spec in SPECS for block in blocks_of(spec.model)}
    )
)
RESERVED_IDENTIFIERS = frozenset(
    {"pulumi", "provider"}
    | set(IMPORTED_NAMES)
    | set(keyword.kwlist)
    | set(keyword.softkwlist)
    | {name for name in dir(builtins) if not name.startswith("_")}
)

# Letters NFKD does not decompose into ASCII, spelled the usual way.
_TRANSLITERATIONS = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
    }
)
_CAMEL_LOWER_UPPER = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_CAMEL_ACRONYM = re.compile(r"(?<=[A-Z])(?=[A-Z][a-z])")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


# -- names ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Naming:
    """What one object is called in the program: its variable and its Pulumi resource name."""

    variable: str
    resource_name: str


def base_identifier(name: str) -> str:
    """An object's name as lowercase ASCII snake_case, safe as a Python variable.

    Accents are transliterated (NFKD), other non-ASCII characters dropped, camelCase split; a
    result that is empty becomes ``offer``; one that starts with a digit, or is a keyword, a
    builtin or a name the module imports, gets the prefix ``offer_``.
    """
    ascii_text = unicodedata.normalize("NFKD", str(name).translate(_TRANSLITERATIONS))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii")
    ascii_text = _CAMEL_ACRONYM.sub("_", _CAMEL_LOWER_UPPER.sub("_", ascii_text))
    identifier = _NON_ALNUM.sub("_", ascii_text.lower()).strip("_")
    if len(identifier) > MAX_IDENTIFIER_LENGTH:
        identifier = identifier[:MAX_IDENTIFIER_LENGTH].rstrip("_")
    if not identifier:
        return FALLBACK_IDENTIFIER
    if identifier[0].isdigit() or identifier in RESERVED_IDENTIFIERS:
        return f"{FALLBACK_IDENTIFIER}_{identifier}"
    return identifier


def id_suffix(object_id: str, length: int = SUFFIX_LENGTH) -> str:
    """A short, stable suffix derived from an object's id alone."""
    return hashlib.sha256(object_id.encode("utf-8")).hexdigest()[:length]


def resource_name_for(variable: str) -> str:
    """The Pulumi resource name of a variable: ``spring_sale`` -> ``spring-sale``."""
    return variable.replace("_", "-")


def usable_variable(variable: str) -> bool:
    """Whether a name may be a variable of the generated module."""
    return variable.isidentifier() and variable not in RESERVED_IDENTIFIERS and not variable.startswith("__")


def assign_names(
    objects: Sequence[Mapping[str, Any]], previous: Optional[Mapping[str, Naming]] = None
) -> dict[str, Naming]:
    """A unique variable and resource name for every object, keyed by its id; see the module docstring."""
    previous = previous or {}
    names: dict[str, Naming] = {}
    taken_variables: set[str] = set()
    taken_resources: set[str] = set()

    def take(object_id: str, naming: Naming) -> None:
        names[object_id] = naming
        taken_variables.add(naming.variable)
        taken_resources.add(naming.resource_name)

    def free(variable: str) -> bool:
        return variable not in taken_variables and resource_name_for(variable) not in taken_resources

    by_id = {str(obj["id"]): obj for obj in objects}
    for object_id in sorted(by_id):
        kept = previous.get(object_id)
        if (
            kept is not None
            and usable_variable(kept.variable)
            and kept.resource_name
            and kept.variable not in taken_variables
            and kept.resource_name not in taken_resources
        ):
            take(object_id, kept)

    groups: dict[str, list[Mapping[str, Any]]] = {}
    for object_id, obj in by_id.items():
        if object_id not in names:
            groups.setdefault(base_identifier(str(obj.get("name", ""))), []).append(obj)
    for members in groups.values():
        members.sort(key=lambda obj: (_created_key(obj), str(obj["id"])))

    # The oldest object of each group gets the bare identifier (unless an earlier export took it) ...
    for base in sorted(groups):
        if free(base):
            take(str(groups[base][0]["id"]), Naming(base, resource_name_for(base)))
    # ... and every other one a suffix from its own id, longer only in the unlikely case of a clash.
    for base in sorted(groups):
        for obj in groups[base]:
            object_id = str(obj["id"])
            if object_id in names:
                continue
            length = SUFFIX_LENGTH
            while not free(candidate := f"{base}_{id_suffix(object_id, length)}"):
                length += 2
                if length > 64:
                    candidate = _first_free_numbered(f"{base}_{id_suffix(object_id, 64)}", free)
                    break
            take(object_id, Naming(candidate, resource_name_for(candidate)))
    return names


def _first_free_numbered(stem: str, free: Any) -> str:
    number = 2
    while not free(f"{stem}_{number}"):
        number += 1
    return f"{stem}_{number}"


def _created_key(obj: Mapping[str, Any]) -> str:
    """Sorts by creation instant; an object without a readable date sorts after every dated one."""
    created = obj.get("created") or obj.get("createdDate")
    if not isinstance(created, str):
        return "\uffff"
    try:
        return canonical_timestamp(created)
    except ValueError:
        return "\uffff" + created


def previous_names(source: str) -> dict[str, Naming]:
    """The names an earlier export (possibly edited since) gave each adopted object, keyed by its id.

    Reads assignments ``<variable> = FallbackOffer("<resource name>", FallbackOfferArgs(...,
    adopt_offer_id="<id>"))`` (or a dict with ``"adoptOfferId"``), for every kind; anything else is
    ignored, and so is a file that does not parse.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    found: dict[str, Naming] = {}
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            continue
        call = node.value
        spec = _KINDS.get(_called_name(call) or "") if isinstance(call, ast.Call) else None
        if spec is None or not isinstance(call, ast.Call) or not call.args:
            continue
        resource = call.args[0]
        args = (
            call.args[1] if len(call.args) > 1 else next((kw.value for kw in call.keywords if kw.arg == "args"), None)
        )
        object_id = _adopted_id(spec, args)
        if isinstance(resource, ast.Constant) and isinstance(resource.value, str) and resource.value and object_id:
            found.setdefault(object_id, Naming(node.targets[0].id, resource.value))
    return found


def _called_name(call: ast.Call) -> Optional[str]:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _adopted_id(spec: ResourceSpec, args: Optional[ast.expr]) -> Optional[str]:
    value: Optional[ast.expr] = None
    if isinstance(args, ast.Call):
        value = next((kw.value for kw in args.keywords if kw.arg == snake_case(spec.adopt_input)), None)
    elif isinstance(args, ast.Dict):
        for key, item in zip(args.keys, args.values, strict=True):
            if isinstance(key, ast.Constant) and key.value == spec.adopt_input:
                value = item
    if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value:
        return value.value
    return None


# -- a small black-like layout engine -----------------------------------------------------------


class _Node:
    explode = False  # always one item per line, even when it would fit on one line

    def flat(self) -> Optional[str]:
        raise NotImplementedError

    def render(self, level: int, used: int, trailing: int) -> str:
        raise NotImplementedError


@dataclass
class _Raw(_Node):
    text: str

    def flat(self) -> Optional[str]:
        return self.text

    def render(self, level: int, used: int, trailing: int) -> str:
        return self.text


@dataclass
class _Seq(_Node):
    """A call, list or dict: flat when it fits (and may), else one item per line with a trailing comma."""

    opening: str
    closing: str
    items: list[tuple[str, _Node]]  # (prefix such as "key=" or '"key": ', value)
    explode: bool = False

    def flat(self) -> Optional[str]:
        if self.explode and self.items:
            return None
        parts = []
        for prefix, value in self.items:
            text = value.flat()
            if text is None:
                return None
            parts.append(prefix + text)
        return self.opening + ", ".join(parts) + self.closing

    def render(self, level: int, used: int, trailing: int) -> str:
        flat = self.flat()
        if flat is not None and "\n" not in flat and used + len(flat) + trailing <= LINE_LENGTH:
            return flat
        inner = INDENT * (level + 1)
        lines = [self.opening]
        for prefix, value in self.items:
            line = inner + prefix + value.render(level + 1, len(inner) + len(prefix), 1) + ","
            lines.append(line + (f"  # {value.comment}" if isinstance(value, _Commented) else ""))
        lines.append(INDENT * level + self.closing)
        return "\n".join(lines)


@dataclass
class _Commented(_Node):
    """A value with a ``#`` comment after it; it keeps its container one item per line."""

    value: _Node
    comment: str

    def flat(self) -> Optional[str]:
        return None

    def render(self, level: int, used: int, trailing: int) -> str:
        return self.value.render(level, used, trailing)


def _call(function: str, arguments: Iterable[tuple[str, _Node]], explode: bool = True) -> _Seq:
    return _Seq(function + "(", ")", list(arguments), explode)


def string_literal(value: str) -> str:
    """A Python literal for ``value``: ``repr()``, with black's preference for double quotes."""
    literal = repr(value)
    if literal.startswith("'") and '"' not in value and "'" not in value:
        literal = '"' + literal[1:-1] + '"'
    return literal


def _literal(value: Any) -> _Node:
    """Any JSON value as Python source."""
    if isinstance(value, str):
        return _Raw(string_literal(value))
    if value is None or isinstance(value, bool):
        return _Raw(repr(value))
    if isinstance(value, int):
        return _Raw(repr(value))
    if isinstance(value, float):
        return _Raw(repr(value) if math.isfinite(value) else f'float("{value}")')
    if isinstance(value, Mapping):
        return _Seq("{", "}", [(string_literal(str(key)) + ": ", _literal(item)) for key, item in value.items()])
    if isinstance(value, (list, tuple)):
        return _Seq("[", "]", [("", _literal(item)) for item in value])
    return _Raw(string_literal(str(value)))


# -- objects as Args -------------------------------------------------------------------------------

_KINDS = {spec.kind: spec for spec in SPECS}


@dataclass(frozen=True)
class _References:
    """How ids are written while one object renders: an exported object's id as its variable's ``.id``."""

    paths: frozenset[str] = frozenset()  # reference paths of the object's kind, e.g. "criteria[].placements[]"
    variables: Mapping[str, str] = field(default_factory=dict)  # exported id -> variable

    def node(self, path: str, value: Any) -> Optional[_Node]:
        if path not in self.paths or not isinstance(value, str):
            return None
        if value in self.variables:
            return _Raw(f"{self.variables[value]}.id")
        return _Commented(_literal(value), "not in this export")


def block_args(model: Any, value: Any, class_name: str, refs: _References = _References(), path: str = "") -> _Node:
    """``ClassName(field=..., ...)`` for a value the model's fields describe (known keys, required ones
    present), one keyword per line; any other value as a plain literal."""
    fields = fields_of(model)
    known = {f.api for f in fields}
    if not (isinstance(value, Mapping) and set(value) <= known and all(f.api in value for f in fields if f.required)):
        return _literal(value)
    return _call(
        class_name,
        [(f.python + "=", _value(f.shape, value[f.api], refs, _join(path, f.api))) for f in fields if f.api in value],
    )


def _value(shape: Shape, value: Any, refs: _References = _References(), path: str = "") -> _Node:
    reference = refs.node(path, value)
    if reference is not None:
        return reference
    if shape.kind == "block" and shape.block is not None:
        return block_args(shape.block, value, f"{shape.block.__name__}Args", refs, path)
    if shape.kind == "list" and isinstance(value, list) and shape.item is not None:
        items = [("", _value(shape.item, item, refs, path + "[]")) for item in value]
        if shape.item.kind == "block":
            return _Seq("[", "]", items, explode=True)
        if any(refs.node(path + "[]", item) is not None for item in value):
            return _Seq("[", "]", items)
    return _literal(value)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def object_args(
    spec: ResourceSpec,
    canonical_body: Mapping[str, Any],
    sandbox: str,
    object_id: str,
    variables: Optional[Mapping[str, str]] = None,
) -> _Node:
    """``<Kind>Args(...)`` for one canonical object, adopting it; a dict of inputs when it cannot be one.

    With ``variables`` (exported id -> variable), each reference to an exported object is written
    as that variable's ``.id``, so the engine orders them; any other reference stays a literal id.
    """
    refs = _References(
        frozenset(reference.path for reference in spec.references if reference.ids(canonical_body)), variables or {}
    )
    node = block_args(spec.model, canonical_body, f"{spec.kind}Args", refs)
    if isinstance(node, _Seq) and node.opening == f"{spec.kind}Args(":
        node.items += [("sandbox_name=", _literal(sandbox)), (snake_case(spec.adopt_input) + "=", _literal(object_id))]
        return node
    literal = _literal({**canonical_body, SANDBOX_NAME: sandbox, spec.adopt_input: object_id})
    assert isinstance(literal, _Seq)
    literal.explode = True
    return literal


def export_name(spec: ResourceSpec) -> str:
    """The stack output the program exports its ids under: ``fallbackOfferIds``, ``placementIds``."""
    return spec.kind[0].lower() + spec.kind[1:] + "Ids"


# -- the program -----------------------------------------------------------------------------------


@dataclass
class Program:
    """A rendered program, and what it says about each object (keyed by its id)."""

    source: str
    names: dict[str, Naming]
    problems: dict[str, list[str]] = field(default_factory=dict)


def problems_of(obj: Mapping[str, Any], spec: ResourceSpec = FALLBACK_OFFER) -> list[str]:
    """Why the provider's check would reject this object as the server holds it (usually nothing)."""
    _model, failures = validate(spec, dict(obj))
    return [f"{failure.property}: {failure.reason}" for failure in failures]


def render_program(
    listed: Mapping[str, Sequence[Mapping[str, Any]]],
    sandbox: str,
    *,
    previous: Optional[Mapping[str, Naming]] = None,
    filters: Sequence[str] = (),
) -> Program:
    """The source of one Pulumi program declaring every listed object for adoption, plus names and problems.

    ``listed`` maps a kind's name (``FallbackOffer``) to its objects as the list endpoint answers
    them (server metadata included); ids must be unique. Kinds come in an order where what is
    referenced comes first, and a reference to an exported object is written as its variable's
    ``.id``, so the engine creates, adopts and deletes them in the right order.
    """
    kinds = [spec for spec in SPECS if listed.get(spec.kind)]
    everything = [item for spec in kinds for item in listed[spec.kind]]
    names = assign_names(everything, previous)
    variables = {object_id: naming.variable for object_id, naming in names.items()}
    problems: dict[str, list[str]] = {}
    blocks: list[str] = []
    used_imports: set[str] = set()
    exports = []
    for spec in kinds:
        ordered = sorted(listed[spec.kind], key=lambda item: names[str(item["id"])].variable)
        for item in ordered:
            object_id = str(item["id"])
            naming = names[object_id]
            issues = problems_of(item, spec)
            if issues:
                problems[object_id] = issues
            arguments = object_args(spec, canonical(spec, dict(item)), sandbox, object_id, variables)
            statement = _call(spec.kind, [("", _Raw(string_literal(naming.resource_name))), ("", arguments)])
            text = statement.render(0, len(naming.variable) + 3, 0)
            used_imports.update(_classes_in(statement))
            blocks.append("\n".join(_object_comment(spec, item, issues)) + "\n" + f"{naming.variable} = {text}")
        ids = _Seq(
            "{",
            "}",
            [
                (
                    string_literal(names[str(item["id"])].resource_name) + ": ",
                    _Raw(names[str(item["id"])].variable + ".id"),
                )
                for item in ordered
            ],
        )
        exports.append(
            _call("pulumi.export", [("", _Raw(string_literal(export_name(spec)))), ("", ids)], explode=False).render(
                0, 0, 0
            )
        )

    header = _header(sandbox, filters, {spec.kind: len(listed[spec.kind]) for spec in kinds})
    imports = ["import pulumi"]
    if used_imports:
        imports.append("\n" + _import_line("provider", sorted(used_imports)))
    parts = [header, "\n".join(imports), *blocks, "\n".join(exports) or _empty_export()]
    return Program("\n\n".join(parts) + "\n", names, problems)


def _object_comment(spec: ResourceSpec, item: Mapping[str, Any], issues: Sequence[str]) -> list[str]:
    object_id = str(item["id"])
    comment = [f"# {string_literal(str(item.get('name', '')))}: {_comment_text(object_id)}"]
    creator, client = item.get("createdBy"), item.get("createdByClientId")
    if creator or client:
        comment.append(
            "# created by "
            + " ".join(
                ([_comment_text(str(creator))] if creator else [])
                + ([f"(client {_comment_text(str(client))})"] if client and client != creator else [])
            )
        )
    for issue in issues:
        comment.append(f"# NOTE: the provider's check rejects this {spec.label} as it is: {_comment_text(issue)}")
    return comment


def _empty_export() -> str:
    return _call(
        "pulumi.export", [("", _Raw(string_literal(export_name(FALLBACK_OFFER)))), ("", _Raw("{}"))], explode=False
    ).render(0, 0, 0)


def counted(counts: Mapping[str, int]) -> str:
    """``3 placements, 30 fallback offers and 1 decision``, in the kinds' order."""
    parts = [
        f"{counts[spec.kind]} {spec.plural if counts[spec.kind] != 1 else spec.label}"
        for spec in SPECS
        if counts.get(spec.kind)
    ]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1] if parts else "nothing"


def _classes_in(node: _Node) -> set[str]:
    """The imported names a statement calls."""
    found: set[str] = set()
    if isinstance(node, _Seq):
        if node.opening.endswith("(") and node.opening[:-1] in IMPORTED_NAMES:
            found.add(node.opening[:-1])
        for _prefix, item in node.items:
            found |= _classes_in(item)
    return found


def _comment_text(text: str) -> str:
    """Text safe inside a ``#`` comment: no line breaks, no control characters."""
    literal = repr(text)
    return literal[1:-1]


def _header(sandbox: str, filters: Sequence[str], counts: Mapping[str, int]) -> str:
    total = sum(counts.values())
    lines = [
        f"# Offer Library objects of sandbox {string_literal(sandbox)}, written by `{GENERATED_MARK}` (offerform).",
    ]
    if filters:
        lines.append("# Filters: " + ", ".join(string_literal(item) for item in filters))
    text = (
        f"{counted(counts) if total else 'No objects'}, each declared with its adopt input (adopt_offer_id, "
        "adopt_id): the first `pulumi up` takes each over as it is (no POST, and no PATCH while the declaration "
        "matches it), then manages it like any other resource. A reference to an exported object is its "
        "variable's `.id`. Exporting again into this directory keeps every variable and resource name given "
        "below."
    )
    lines += ["#", *textwrap.wrap(text, LINE_LENGTH, initial_indent="# ", subsequent_indent="# ")]
    return "\n".join(lines)


def _import_line(module: str, names: Sequence[str]) -> str:
    statement = _Seq(f"from {module} import (", ")", [("", _Raw(name)) for name in names])
    flat = f"from {module} import " + ", ".join(names)
    if len(flat) <= LINE_LENGTH:
        return flat
    statement.explode = True
    return statement.render(0, 0, 0)
