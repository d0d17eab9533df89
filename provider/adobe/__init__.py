"""The Adobe API transport: the HTTP client of the Offer Library API (``client``), IMS tokens (``auth``),
retries and their budget (``retry``), the request rate (``ratelimit``) and secrets kept out of logs (``redact``).

Imports ``provider.core`` and ``provider.errors`` only; loaded by the first call that talks to Adobe, never by a
preview (tests/unit/test_lazy_imports.py).
"""
