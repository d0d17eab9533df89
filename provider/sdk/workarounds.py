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
import sys
from pathlib import Path
from typing import Any, Callable, Optional
from urllib.parse import unquote, urlsplit


def pulumi_dir() -> str:
    """Where the Pulumi SDK is installed (its frames are never the program's)."""
    import pulumi

    return str(Path(pulumi.__file__).parent)


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


def keep_only_the_programs_frames() -> None:
    """Record our resources' registrations with the program's own frames only, not the whole Python stack.

    The SDK sends the engine the stack under the resource class's ``__init__`` and the engine stores
    it with every resource, in every checkpoint: about 1.2 KB per resource of asyncio, SDK and shim
    frames (a third of a fallback offer's state), and its first frame, the source position the
    engine shows, is our class's ``super().__init__`` rather than the user's line. For resources
    whose first frame is in this package, the trace becomes the program's frames that led there;
    other resources' traces are left as they are.
    """
    from pulumi.runtime import resource as sdk_resource

    original = getattr(sdk_resource, "_get_stack_trace", None)
    if original is None or getattr(original, "_offerform", False):
        return

    def trimmed() -> Any:
        trace = original()
        try:
            frames = list(trace.frames)
            if not frames or not _ours(frames[0].pc.uri):
                return trace
            while frames and _ours(frames[0].pc.uri):
                frames.pop(0)
            kept = []
            for frame in frames:
                if not _the_programs(frame.pc.uri):
                    break
                kept.append(frame)
            del trace.frames[:]
            trace.frames.extend(kept)
        except Exception:  # noqa: BLE001 - a trace is a nicety: never fail a registration over it
            return original()
        return trace

    trimmed._offerform = True  # type: ignore[attr-defined]
    sdk_resource._get_stack_trace = trimmed


_PACKAGE_DIR = Path(__file__).resolve().parents[1]  # provider/, every layer of it
_SYSTEM_DIRS = tuple({Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), Path(pulumi_dir()).resolve()})


def _path(uri: str) -> Optional[Path]:
    if not uri.startswith("file://"):
        return None
    return Path(unquote(urlsplit(uri).path))


def _ours(uri: str) -> bool:
    path = _path(uri)
    # Resolved: an editable install imports provider/ through the link tools/packages/provider.
    return path is not None and path.resolve().is_relative_to(_PACKAGE_DIR)


def _the_programs(uri: str) -> bool:
    """A frame of the user's program: under the project directory, and not in a virtualenv or the SDK."""
    path = _path(uri)
    if path is None or not path.is_relative_to(Path.cwd()):
        return False
    return not any(path.is_relative_to(system) for system in _SYSTEM_DIRS) and "site-packages" not in path.parts
