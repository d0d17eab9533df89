"""Every list of the kinds names every kind: a kind added to one and forgotten in another fails here.

The registry is ``provider.resources.KIND_MODULES``. What is generated from the specs (the Args, the outputs, the
package's public names) is checked by ``test_args.py``; what is written by hand per kind is checked here: the kind's
module, its lifecycle case, its emulator table entry, the emulator's sample of it and the seeded sandbox.
CONTRIBUTING.md ("Adding a kind") lists the steps.
"""

from __future__ import annotations

import importlib
import pkgutil

from offerform_emulator import Emulator
from offerform_emulator.kinds import KINDS as EMULATOR_KINDS

import provider
from harness.stack_config import TENANT
from provider.resources import KIND_MODULES, SPECS

from ..emulator.samples import SAMPLES
from ..support.kinds import KINDS as LIFECYCLE_CASES
from ..support.sandbox import seed_connected_sandbox, seed_decisioning_sandbox

EMULATOR_KIND_NAMES = {kind.name for kind in EMULATOR_KINDS}


def test_the_registry_names_every_module_of_provider_resources_and_no_other() -> None:
    modules = {module.name for module in pkgutil.iter_modules(importlib.import_module("provider.resources").__path__)}
    assert set(KIND_MODULES.values()) == modules


def test_each_registered_module_holds_its_spec_its_resource_and_its_provider_under_their_names() -> None:
    for kind, module_name in KIND_MODULES.items():
        module = importlib.import_module(f"provider.resources.{module_name}")
        assert getattr(module, module_name.upper()).kind == kind
        assert getattr(module, kind)._spec.kind == kind
        assert getattr(module, f"{kind}Provider").__module__ == "provider"  # pickled as provider.<Kind>Provider


def test_the_registry_lists_what_is_referenced_before_what_refers_to_it() -> None:
    # The order of the generated Args and of an exported program.
    order = list(KIND_MODULES)
    for spec in SPECS:
        assert all(order.index(ref.kind) < order.index(spec.kind) for ref in spec.references), spec.kind


def test_the_package_exports_every_kind_its_provider_and_its_args() -> None:
    for kind in KIND_MODULES:
        assert {kind, f"{kind}Provider", f"{kind}Args"} <= set(provider.__all__)


def test_every_kind_has_a_lifecycle_case_for_each_model_it_serves() -> None:
    # A kind both models share (DecisionRule, RankingFormula) has one case per model: one emulator kind each.
    assert {case.spec.kind for case in LIFECYCLE_CASES} == set(KIND_MODULES)
    emulator_kinds = [case.emulator_kind for case in LIFECYCLE_CASES]
    assert len(emulator_kinds) == len(set(emulator_kinds))


def test_the_emulator_serves_every_kind_and_only_those() -> None:
    assert {case.emulator_kind for case in LIFECYCLE_CASES} == EMULATOR_KIND_NAMES


def test_the_emulator_suite_has_a_sample_of_every_kind_the_emulator_serves() -> None:
    assert set(SAMPLES) == EMULATOR_KIND_NAMES


def test_the_seeded_sandbox_holds_objects_of_every_kind() -> None:
    # What the export tests adopt: a kind missing here is a kind export is never tested on.
    with Emulator() as emu:
        seeded = seed_connected_sandbox(emu, "ORG@AdobeOrg", "prod")
        seeded.update(seed_decisioning_sandbox(emu, "ORG@AdobeOrg", "prod", TENANT))
    assert {kind for kind, objects in seeded.items() if objects} == EMULATOR_KIND_NAMES
