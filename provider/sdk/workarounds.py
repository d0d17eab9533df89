"""Fixes for the Pulumi SDK's costs that grow with the number of resources a program declares.

Each one is installed by our resource classes, changes nothing a program or the engine can observe
but time and state size, and stands down when the SDK's code is not the code it was written for.

To sort dictionaries, ``pulumi.dynamic.serialize_provider`` wraps ``pickle._Pickler._batch_setitems``
and never puts the original back, so each dynamic resource a program declares wraps the wrapper of
the one before. Pickling a dictionary (our provider pickles as an empty one) then goes through
one more call per resource declared so far: a program's CPU grows with N², and at about 985
resources the program dies with ``RecursionError`` (pulumi/pulumi#17803, closed as not
reproducible). Restoring the original first gives the SDK exactly one wrapper, and the same bytes.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import inspect
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


_SDK_WAIT_FOR_RPCS: Optional[Callable[..., Any]] = None  # the SDK's own, once replaced
# sha256 of ``pulumi.runtime.stack.wait_for_rpcs``'s source in the SDK the replacement copies (3.260.0).
_WAIT_FOR_RPCS_SOURCE = "c92289a2f839f5221a4068c262a706a05ce2af506b5484545ac5d371b6211e48"


def drain_outputs_in_rounds() -> None:
    """Make the program's wait for its outputs cost O(outputs), not O(outputs²).

    After the program's code has run, the SDK's ``wait_for_rpcs`` waits for every pending output
    with ``asyncio.wait(..., FIRST_COMPLETED)`` in a loop: each resource that finishes wakes it, and
    each wake-up adds and removes a callback on every output still pending (about 20 a resource).
    With N resources that is ~10·N² callbacks: half of a 1,000-offer program's CPU, and the term
    that made creating 10,000 offers take 2.86× their floor where 1,000 took 1.60×. The replacement
    is the same function waiting with ``FIRST_EXCEPTION``: one round per batch of outputs, the same
    failures raised as early, new outputs picked up the same way.
    """
    from pulumi.runtime import stack as sdk_stack

    global _SDK_WAIT_FOR_RPCS
    original = sdk_stack.wait_for_rpcs
    if getattr(original, "_offerform", False) or sdk_source_digest(original) != _WAIT_FOR_RPCS_SOURCE:
        return
    _SDK_WAIT_FOR_RPCS = original
    sdk_stack.wait_for_rpcs = _wait_for_rpcs


@functools.cache
def sdk_source_digest(function: Callable[..., Any]) -> str:
    """The sha256 of a function's source: a workaround replaces only the code it was written against."""
    try:
        return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()
    except (OSError, TypeError):
        return ""


async def _wait_for_rpcs(await_all_outstanding_tasks: bool = True) -> None:
    """``pulumi.runtime.stack.wait_for_rpcs`` of SDK 3.260.0, its outputs drained with ``FIRST_EXCEPTION``."""
    from pulumi import log
    from pulumi.runtime import settings
    from pulumi.runtime.settings import SETTINGS, _get_rpc_manager
    from pulumi.runtime.stack import ResourceRegistrationFailed

    log.debug("Waiting for outstanding RPCs to complete")
    rpc_manager = _get_rpc_manager()
    while True:
        while len(rpc_manager.rpcs) > 0:
            await asyncio.sleep(0)
            if settings.excessive_debug_output:
                log.debug(f"waiting for quiescence; {len(rpc_manager.rpcs)} RPCs outstanding")
            try:
                await rpc_manager.rpcs.pop()
            except Exception as exn:
                if rpc_manager.unhandled_exception is not None:
                    cause = rpc_manager.unhandled_exception.with_traceback(rpc_manager.exception_traceback)
                    raise exn from cause
                raise

        if rpc_manager.unhandled_exception is not None:
            raise rpc_manager.unhandled_exception.with_traceback(rpc_manager.exception_traceback)

        log.debug("RPCs successfully completed")

        if await_all_outstanding_tasks:
            while True:
                with SETTINGS.lock:
                    if len(SETTINGS.outputs) == 0:
                        break
                    pending: list[asyncio.Task[Any]] = list(SETTINGS.outputs)
                    SETTINGS.outputs.clear()

                # The one change: wake when all are done or one has failed, not whenever one is done.
                done, not_done = await asyncio.wait(pending, return_when=asyncio.FIRST_EXCEPTION)

                for task in done:
                    try:
                        await task
                    except ResourceRegistrationFailed:
                        pass  # faulted on purpose for continue-on-error updates, as the SDK does

                if not_done:
                    with SETTINGS.lock:
                        SETTINGS.outputs.update(not_done)

            log.debug("All outstanding outputs completed.")

        if len(rpc_manager.rpcs) == 0:
            break


_wait_for_rpcs._offerform = True  # type: ignore[attr-defined]
