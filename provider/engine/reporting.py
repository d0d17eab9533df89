"""How a provider error reaches the user: our message on the first line ``pulumi up`` prints.

The SDK's plugin (``pulumi/dynamic/__main__.py``, ``_abort_with_traceback``) sends the engine
``traceback.format_exc()`` of whatever a provider method raises, and the engine shows the first
line of it beside the resource and the whole of it under "Diagnostics". Unchanged, that first
line is "Traceback (most recent call last):" and our message comes last, after some 25 lines of
frames. The SDK offers no hook for the text, but Python's own layout lets us choose the first
line: an exception's *cause* is printed before it, and a cause without a traceback is printed as
its message alone. So an error we raise on purpose (an ``OfferformError``) leaves each engine
call with a traceback-less copy of itself as its cause, and without the frames inside the
provider, which say nothing a user can act on. Any other exception (a bug) keeps the SDK's full
traceback, which is what a bug report needs.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar, cast

from ..errors import OfferformError

Method = TypeVar("Method", bound=Callable[..., Any])


def reported(method: Method) -> Method:
    """Wrap one engine call (create, read, ...) so that an ``OfferformError`` is told message first."""

    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except OfferformError as error:
            raise error.with_traceback(None) from _message_only(error)

    return cast(Method, call)


def _message_only(error: OfferformError) -> OfferformError:
    """A copy of ``error`` with its class, message and attributes, and no traceback or chain of its own."""
    copy = type(error).__new__(type(error), *error.args)
    copy.args = error.args
    copy.__dict__.update(error.__dict__)
    return copy
