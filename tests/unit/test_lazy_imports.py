"""What the plugin's first Check loads: the kind it serves, never the HTTP client nor the Args.

Every ``pulumi`` command starts a fresh plugin process, and its first Check unpickles the provider,
importing ``provider``. ``requests`` and urllib3 cost about 50 ms of that start-up and a preview never
uses them, so they load with the first create, read, update or delete; the other seven kinds and the
generated Args (which only programs build) do not load at all (benchmarks/README.md, cold start).
Run in a fresh interpreter, since this suite has imported everything long before.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HTTP_MODULES = (
    "requests",
    "urllib3",
    "provider.adobe.client",
    "provider.adobe.retry",
    "provider.engine.writes",
    "provider.adobe.auth",
)

_FIRST_CHECK = """
import json, sys
from pulumi.dynamic import Config, ConfigureRequest
import provider
from harness.offers import offer

instance = provider.FallbackOfferProvider()
instance.configure(ConfigureRequest(Config(raw_config={
    "adobe:clientId": "id", "adobe:clientSecret": "secret", "adobe:imsOrgId": "ORG@AdobeOrg",
    "adobe:sandboxName": "dev", "adobe:endpoint": "http://127.0.0.1:9/data/core/dps",
    "adobe:imsEndpoint": "http://127.0.0.1:9/ims/token/v3"}, project_name="offerform")))
checked = instance.check({}, offer())
diffed = instance.diff("dps:fallback-offer:1", {**checked.inputs, "id": "dps:fallback-offer:1"}, checked.inputs)
before = sorted(name for name in %(modules)r if name in sys.modules)
instance.client  # what the first create, read, update or delete builds
instance._writer()
after = sorted(name for name in %(modules)r if name in sys.modules)
print(json.dumps({"failures": len(checked.failures), "changes": diffed.changes, "before": before, "after": after,
                  "provider_modules": sorted(name for name in sys.modules if name.startswith("provider"))}))
"""


def test_configure_check_and_diff_load_no_http_client_and_the_first_call_to_adobe_loads_it() -> None:
    ran = subprocess.run(
        [sys.executable, "-c", _FIRST_CHECK % {"modules": HTTP_MODULES}],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 0, ran.stderr
    seen = json.loads(ran.stdout.strip().splitlines()[-1])

    assert seen["failures"] == 0 and seen["changes"] is False
    assert seen["before"] == []
    assert seen["after"] == sorted(HTTP_MODULES)


def test_the_first_check_loads_the_one_kind_it_serves_and_no_args() -> None:
    ran = subprocess.run(
        [sys.executable, "-c", _FIRST_CHECK % {"modules": HTTP_MODULES}],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 0, ran.stderr
    loaded = json.loads(ran.stdout.strip().splitlines()[-1])["provider_modules"]

    assert [name for name in loaded if name.startswith("provider.resources.")] == ["provider.resources.fallback_offer"]
    assert "provider.sdk.args" not in loaded


def test_every_public_name_of_the_package_loads_on_first_use() -> None:
    script = (
        "import provider\n"
        "missing = [name for name in provider.__all__ if getattr(provider, name, None) is None]\n"
        "print(missing, provider.FallbackOfferProvider.__module__, provider.args.FallbackOfferArgs.__name__)"
    )
    ran = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)

    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split() == ["[]", "provider", "FallbackOfferArgs"]
