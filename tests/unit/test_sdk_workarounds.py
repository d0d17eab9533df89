"""A program may declare thousands of objects: the SDK's serializer must not slow down with each one or die.

``pulumi.dynamic.serialize_provider`` leaves one more wrapper around pickle's dictionary saving
behind on every call (``provider/sdk_workarounds.py``); without undoing it, the 985th resource's
serialization raised ``RecursionError``. Run in a fresh interpreter under Pulumi's mocks.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_PROGRAM = """
import json, pickle
import pulumi

class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args):
        return [args.name + "-id", args.inputs]

    def call(self, args):
        return {}

pulumi.runtime.set_mocks(Mocks(), preview=True)
from pulumi.dynamic.dynamic import serialize_provider
import provider
from harness.offers import offer

first = serialize_provider(provider.FallbackOfferProvider())
declared = 0
for i in range(%(count)d):
    provider.FallbackOffer(f"offer-{i}", {**offer(), "name": f"Offer {i}"})
    declared += 1

def wrappers(method):
    depth = 0
    while method.__module__ != "pickle":
        method = next(cell.cell_contents for cell in method.__closure__ if callable(cell.cell_contents))
        depth += 1
    return depth

print(json.dumps({"declared": declared, "same_blob": serialize_provider(provider.FallbackOfferProvider()) == first,
                  "wrappers": wrappers(vars(pickle._Pickler)["_batch_setitems"])}))
"""


def _declare(count: int) -> dict[str, object]:
    ran = subprocess.run(
        [sys.executable, "-c", _PROGRAM % {"count": count}], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert ran.returncode == 0, ran.stderr[-2000:]
    return json.loads(ran.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_a_program_declares_two_thousand_objects_without_a_recursion_error() -> None:
    assert _declare(2000)["declared"] == 2000


def test_each_declaration_leaves_one_wrapper_around_dictionary_pickling_not_one_more() -> None:
    # Without the workaround: 302 after 300 declarations, each one more call for every dictionary pickled.
    assert _declare(300)["wrappers"] == 2  # the last declaration's, and the serialization just above


def test_the_pickled_provider_is_the_same_bytes_after_many_declarations() -> None:
    assert _declare(1200)["same_blob"] is True
