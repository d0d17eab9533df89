"""The shape of a kind's model, read off its pydantic fields: for the typed Args, export and messages.

Each field becomes a ``Field``: its Python (snake_case) and API (camelCase) names, whether it is
required, its documentation, and its ``Shape`` (a scalar, an enum, a list, a map, a nested block,
or anything). The Args generator, the exporter and check's error hints all read models this way,
so no kind spells its fields twice.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .model import TIMESTAMP_FORMAT

ShapeKind = Literal["scalar", "enum", "list", "map", "block", "any"]


@dataclass(frozen=True)
class Shape:
    """What a value of one field looks like."""

    kind: ShapeKind
    scalar: Optional[type] = None
    values: tuple[str, ...] = ()
    item: Optional["Shape"] = None
    block: Optional[type[BaseModel]] = None
    timestamp: bool = False


@dataclass(frozen=True)
class Field:
    """One user-owned field of a model."""

    python: str
    api: str
    shape: Shape
    required: bool
    doc: str


@lru_cache(maxsize=None)
@lru_cache(maxsize=None)
def snake_case(name: str) -> str:
    """``createdByClientId`` -> ``created_by_client_id``; ``deliveryURL`` -> ``delivery_url``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


@lru_cache(maxsize=None)
def fields_of(model: type[BaseModel]) -> tuple[Field, ...]:
    """The model's fields, in declaration order."""
    return tuple(
        Field(
            python=name,
            api=info.alias or name,
            shape=_shape(info.annotation, info),
            required=info.is_required(),
            doc=(info.description or "").strip(),
        )
        for name, info in model.model_fields.items()
    )


def field_named(model: type[BaseModel], api_name: str) -> Optional[Field]:
    return next((f for f in fields_of(model) if f.api == api_name), None)


def blocks_of(model: type[BaseModel]) -> tuple[type[BaseModel], ...]:
    """Every nested block model under ``model``, depth first, each once."""
    found: list[type[BaseModel]] = []

    def visit(shape: Shape) -> None:
        if shape.block is not None and shape.block not in found:
            found.append(shape.block)
            for child in fields_of(shape.block):
                visit(child.shape)
        if shape.item is not None:
            visit(shape.item)

    for f in fields_of(model):
        visit(f.shape)
    return tuple(found)


def model_at(model: type[BaseModel], location: tuple[Any, ...]) -> Optional[type[BaseModel]]:
    """The block model that holds the property at ``location`` (pydantic's error location), if any."""
    current: Optional[Shape] = Shape("block", block=model)
    for part in location[:-1]:
        if current is None:
            return None
        if current.kind in ("list", "map"):
            current = current.item  # an index or a key into the container
        elif current.kind == "block" and current.block is not None:
            child = field_named(current.block, str(part))
            current = child.shape if child else None
        else:
            return None
    return current.block if current is not None and current.kind == "block" else None


def _shape(annotation: Any, info: Optional[FieldInfo] = None) -> Shape:
    timestamp = _is_timestamp(annotation) or (info is not None and _marked_timestamp(info))
    inner = _without_optional(_strip_annotated(annotation))
    origin = typing.get_origin(inner)
    if origin is Literal:
        return Shape("enum", scalar=str, values=tuple(str(v) for v in typing.get_args(inner)))
    if origin in (list, tuple):
        (item,) = typing.get_args(inner)[:1]
        return Shape("list", item=_shape(item))
    if origin is dict:
        return Shape("map", item=_shape(typing.get_args(inner)[1]))
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return Shape("block", block=inner)
    if inner in (str, int, float, bool):
        return Shape("scalar", scalar=inner, timestamp=timestamp)
    return Shape("any")


def _strip_annotated(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _without_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return _strip_annotated(members[0])
    return annotation


def _is_timestamp(annotation: Any) -> bool:
    """True for ``Timestamp`` (and ``Optional[Timestamp]``): an ``Annotated`` str marked as a date-time."""
    if typing.get_origin(annotation) in (Union, types.UnionType):
        return any(_is_timestamp(a) for a in typing.get_args(annotation))
    if typing.get_origin(annotation) is typing.Annotated:
        return any(isinstance(m, FieldInfo) and _marked_timestamp(m) for m in typing.get_args(annotation)[1:])
    return False


def _marked_timestamp(info: FieldInfo) -> bool:
    extra = info.json_schema_extra
    return isinstance(extra, dict) and extra.get("format") == TIMESTAMP_FORMAT
