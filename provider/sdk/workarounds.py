"""Undo what the Pulumi SDK's ``serialize_provider`` leaves behind, before each of our resources is serialized.

To sort dictionaries, ``pulumi.dynamic.serialize_provider`` wraps ``pickle._Pickler._batch_setitems``
and never puts the original back, so each dynamic resource a program declares wraps the wrapper of
the one before. Pickling a dictionary (our provider pickles as an empty one) then goes through
one more call per resource declared so far: a program's CPU grows with N², and at about 985
resources the program dies with ``RecursionError`` (pulumi/pulumi#17803, closed as not
reproducible). Restoring the original first gives the SDK exactly one wrapper, and the same bytes.
"""

from __future__ import annotations

import pickle
from typing import Any, Callable

_ATTRIBUTE = "_batch_setitems"


def _original(method: Callable[..., Any]) -> Callable[..., Any]:
    """Follow the SDK's wrappers (each closes over the one it wraps) down to pickle's own method."""
    while getattr(method, "__module__", None) != pickle.__name__:
        wrapped = [
            cell.cell_contents for cell in getattr(method, "__closure__", None) or () if callable(cell.cell_contents)
        ]
        if len(wrapped) != 1:
            break  # not a wrapper of the shape we know: leave it to the SDK
        method = wrapped[0]
    return method


_PICKLES_DICTIONARIES: Callable[..., Any] = _original(vars(pickle._Pickler)[_ATTRIBUTE])


def unwrap_dictionary_pickling() -> None:
    """Put pickle's own ``_batch_setitems`` back, so the SDK's next serialization wraps it once."""
    setattr(pickle._Pickler, _ATTRIBUTE, _PICKLES_DICTIONARIES)
