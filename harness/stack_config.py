"""The stack config a user would set, pointed at an emulator: what the plugin is configured with in tests and
benchmarks."""

from __future__ import annotations

from typing import Any

from offerform_emulator import Emulator

ORG = "1234ABCD5678@AdobeOrg"
SANDBOX = "dev"
TENANT = "offerform"  # the emulator's default tenant: decision items keep their custom attributes in `_offerform`


def plugin_config(emu: Emulator, **overrides: Any) -> dict[str, Any]:
    """The stack config a user would set, pointed at the emulator."""
    config = {
        "adobe:clientId": emu.client_id,
        "adobe:clientSecret": emu.client_secret,
        "adobe:imsOrgId": ORG,
        "adobe:sandboxName": SANDBOX,
        "adobe:endpoint": emu.dps_url,
        "adobe:imsEndpoint": emu.ims_url,
        "adobe:requestTimeout": "5",
        "adobe:retryDeadline": "20",
        # Decisioning's decision items: the sandbox's item catalog schema and the tenant of its attributes.
        "adobe:itemSchemaId": emu.catalog_schema_id(ORG, SANDBOX),
        "adobe:tenantId": TENANT,
    }
    config.update({key: value for key, value in overrides.items()})
    return {key: value for key, value in config.items() if value is not None}
