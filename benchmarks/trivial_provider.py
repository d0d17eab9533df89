"""A dynamic provider that does nothing, and its resource: the baselines for the cold start.

It lives in an importable module (``benchmarks.trivial_provider``) so that dill pickles it by
reference, exactly like ``provider.FallbackOfferProvider``: the plugin then has to import this
module, and the difference in cold start is what importing and configuring our provider costs.
``PydanticProvider`` is the same with one pydantic model validating its inputs: the floor of any
provider whose Check validates with pydantic, measured beside ours.
"""

from __future__ import annotations

import functools
from typing import Any, Optional

from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, Resource, ResourceProvider


class TrivialProvider(ResourceProvider):
    """Accepts any inputs as they are, and creates nothing anywhere (a stack of it can be up'd and previewed)."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Hand the inputs back unchanged, with no failures."""
        return CheckResult(news, [])

    def create(self, props: dict[str, Any]) -> CreateResult:
        """A fixed id and the inputs as outputs: no network, no state."""
        return CreateResult("trivial", props)


class PydanticProvider(TrivialProvider):
    """The trivial provider, validating its inputs with one pydantic model (imported on its first Check)."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate ``value`` with a one-field model; fail the Check as a real provider would."""
        from pydantic import ValidationError

        try:
            _inputs_model().model_validate({"value": news.get("value")})
        except ValidationError as error:
            return CheckResult(news, [CheckFailure("value", str(error))])
        return CheckResult(news, [])


@functools.cache
def _inputs_model() -> Any:
    """The one-field model, built once; here, not at import, because TrivialProvider shares this module."""
    from pydantic import BaseModel

    class Inputs(BaseModel):
        value: int

    return Inputs


class TrivialResource(Resource, module="bench", name="Trivial"):
    """One resource of the trivial provider: the cold-start baseline of a whole ``pulumi preview``.

    ``props``: the inputs to declare (default one integer); a stack's twin declares the same inputs as
    the stack's own resources, so the engine and the SDK carry the same payloads through a provider
    that does nothing.
    """

    def __init__(self, resource_name: str, props: Optional[dict[str, Any]] = None) -> None:
        super().__init__(TrivialProvider(), resource_name, {"value": 1} if props is None else props)
