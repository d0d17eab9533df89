"""What the provider leaves in every resource's state must stay stable across processes and releases."""

from __future__ import annotations

import base64
import subprocess
import sys

from harness.engine import ROOT, provider_blob

SERIALIZE = (
    "from pulumi.dynamic.dynamic import serialize_provider; "
    "from provider import FallbackOfferProvider; "
    "print(serialize_provider(FallbackOfferProvider()))"
)


def test_two_processes_serialise_the_provider_to_the_same_string() -> None:
    other = subprocess.run([sys.executable, "-c", SERIALIZE], cwd=ROOT, capture_output=True, text=True, check=True)

    assert other.stdout.strip() == provider_blob()


def test_the_state_names_the_provider_by_its_stable_public_path() -> None:
    decoded = base64.b64decode(provider_blob())

    assert b"\x8c\x08provider\x94\x8c\x15FallbackOfferProvider" in decoded  # module "provider", class name
    assert b"provider.engine" not in decoded and b"provider.resources" not in decoded  # nor the files behind it


def test_a_configured_provider_pickles_as_empty_as_a_fresh_one() -> None:
    from pulumi.dynamic import ConfigureRequest
    from pulumi.dynamic.config import Config
    from pulumi.dynamic.dynamic import serialize_provider

    from provider import FallbackOfferProvider

    configured = FallbackOfferProvider()
    configured.configure(
        ConfigureRequest(Config({"adobe:clientId": "id", "adobe:clientSecret": "s3cret"}, "offerform"))
    )

    assert serialize_provider(configured) == provider_blob()
