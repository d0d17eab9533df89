"""A dynamic provider that does nothing, the baseline for the plugin's cold start.

It lives in an importable module (``benchmarks.trivial_provider``) so that dill pickles it by
reference, exactly like ``provider.FallbackOfferProvider``: the plugin then has to import this
module, and the difference in cold start is what importing and configuring our provider costs.
"""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import CheckResult, ResourceProvider


class TrivialProvider(ResourceProvider):
    """Accepts any inputs as they are; never called for anything but ``check`` here."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Hand the inputs back unchanged, with no failures."""
        return CheckResult(news, [])
