"""Drives the SDK's own dynamic-provider plugin over gRPC, the way the Pulumi engine does.

``Plugin`` is the process the engine launches (``python -m pulumi.dynamic``) and its gRPC
calls; ``Stack`` keeps per-resource state like the engine and offers the engine's
operations (preview, up, refresh, get, destroy) in terms of those calls.
"""

from __future__ import annotations

import asyncio
import functools
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

import grpc
from google.protobuf import struct_pb2
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

import provider
from provider.core.spec import ResourceSpec
from provider.resources.fallback_offer import FALLBACK_OFFER

ROOT = Path(__file__).resolve().parent.parent
TYPE = FALLBACK_OFFER.pulumi_type
PROVIDER_KEY = "__provider"


class PluginError(Exception):
    """A gRPC call failed; ``details`` is what the engine would show the user."""

    def __init__(self, code: grpc.StatusCode, details: str) -> None:
        self.code = code
        self.details = details
        super().__init__(f"{code.name}: {details}")


# The SDK's serializer is async; run it on a thread of its own so that callers may be inside an event
# loop already (Pulumi's test mocks call back from one).
_SERIALIZER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="serialize")


def to_struct(values: dict[str, Any]) -> struct_pb2.Struct:
    return _SERIALIZER.submit(asyncio.run, rpc.serialize_properties(values, {})).result()


def from_struct(struct: struct_pb2.Struct, keep_unknowns: bool = False) -> dict[str, Any]:
    values: dict[str, Any] = rpc.deserialize_properties(struct, keep_unknowns)
    return values


def provider_blob(spec: ResourceSpec = FALLBACK_OFFER) -> str:
    """The ``__provider`` input of one kind exactly as the program side produces it."""
    return _blob(spec.kind)


@functools.lru_cache(maxsize=None)
def _blob(kind: str) -> str:
    kind_provider: ResourceProvider = getattr(provider, f"{kind}Provider")()
    blob: str = serialize_provider(kind_provider)  # the SDK marks it @no_type_check
    return blob


T = TypeVar("T")


def concurrently(*operations: Callable[[], T]) -> list[T]:
    """Run engine operations at once, as the engine does for resources that do not depend on each other."""
    with ThreadPoolExecutor(max_workers=len(operations), thread_name_prefix="engine") as pool:
        return [future.result() for future in [pool.submit(operation) for operation in operations]]


def urn(name: str, spec: ResourceSpec = FALLBACK_OFFER) -> str:
    return f"urn:pulumi:test::offerform::{spec.pulumi_type}::{name}"


class Plugin:
    """One ``python -m pulumi.dynamic`` process and a gRPC stub to it."""

    def __init__(self, env: Optional[dict[str, str]] = None, engine_address: Optional[str] = None) -> None:
        """``engine_address``: passed as the engine passes its own (last argument); the stand-in has none."""
        self.stderr = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "pulumi.dynamic", *([engine_address] if engine_address else [])],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env={**os.environ, **(env or {})},
        )
        assert self._process.stdout is not None
        port = int(self._process.stdout.readline())
        self._channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
        self.blob = provider_blob()

    def close(self) -> None:
        self._channel.close()
        self._process.terminate()
        self._process.wait(timeout=10)

    def wait(self, timeout: float) -> Optional[int]:
        """The process's exit status once it has exited within ``timeout`` s, else None."""
        try:
            return self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def logs(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")

    def _call(self, method: str, request: Any) -> Any:
        try:
            return getattr(self.stub, method)(request, timeout=120)
        except grpc.RpcError as error:
            raise PluginError(error.code(), error.details() or "") from None

    def _props(self, values: dict[str, Any], spec: ResourceSpec = FALLBACK_OFFER) -> struct_pb2.Struct:
        return to_struct({**values, PROVIDER_KEY: provider_blob(spec)})

    def configure(self, config: dict[str, Any]) -> None:
        """As the engine configures the default ``pulumi-python`` provider: the whole stack config, namespaced."""
        self._call(
            "Configure",
            provider_pb2.ConfigureRequest(
                args=to_struct(config),
                variables={f"pulumi-python:config:{key}": str(value) for key, value in config.items()},
                acceptSecrets=True,
                acceptResources=True,
                sends_old_inputs=True,
                sends_old_inputs_to_delete=True,
                urn="urn:pulumi:test::offerform::pulumi:providers:pulumi-python::default",
                name="default",
                type="pulumi:providers:pulumi-python",
                id="00000000-0000-0000-0000-000000000000",
            ),
        )

    def check(
        self,
        name: str,
        news: dict[str, Any],
        olds: Optional[dict[str, Any]] = None,
        spec: ResourceSpec = FALLBACK_OFFER,
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        # A new resource's olds are empty, not even the provider blob, as the engine sends them.
        response = self._call(
            "Check",
            provider_pb2.CheckRequest(
                urn=urn(name, spec),
                olds=self._props(olds, spec) if olds else to_struct({}),
                news=self._props(news, spec),
                name=name,
                type=spec.pulumi_type,
            ),
        )
        return _strip(from_struct(response.inputs, keep_unknowns=True)), [_failure(f) for f in response.failures]

    def diff(
        self,
        name: str,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        old_inputs: Optional[dict[str, Any]] = None,
        spec: ResourceSpec = FALLBACK_OFFER,
    ) -> provider_pb2.DiffResponse:
        response: provider_pb2.DiffResponse = self._call(
            "Diff",
            provider_pb2.DiffRequest(
                id=id_,
                urn=urn(name, spec),
                olds=self._props(olds, spec),
                news=self._props(news, spec),
                old_inputs=self._props(old_inputs if old_inputs is not None else olds, spec),
                name=name,
                type=spec.pulumi_type,
            ),
        )
        return response

    def create(
        self, name: str, inputs: dict[str, Any], spec: ResourceSpec = FALLBACK_OFFER
    ) -> tuple[str, dict[str, Any]]:
        response = self._call(
            "Create",
            provider_pb2.CreateRequest(
                urn=urn(name, spec), properties=self._props(inputs, spec), name=name, type=spec.pulumi_type
            ),
        )
        return response.id, _strip(from_struct(response.properties))

    def read(
        self,
        name: str,
        id_: str,
        outputs: dict[str, Any],
        inputs: Optional[dict[str, Any]] = None,
        spec: ResourceSpec = FALLBACK_OFFER,
    ) -> tuple[str, dict[str, Any], Optional[dict[str, Any]]]:
        request = provider_pb2.ReadRequest(
            id=id_,
            urn=urn(name, spec),
            properties=self._props(outputs, spec),
            inputs=self._props(inputs if inputs is not None else {}, spec),
            name=name,
            type=spec.pulumi_type,
        )
        response = self._call("Read", request)
        read_inputs = _strip(from_struct(response.inputs)) if response.HasField("inputs") else None
        return response.id, _strip(from_struct(response.properties)), read_inputs

    def update(
        self,
        name: str,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        old_inputs: Optional[dict[str, Any]] = None,
        spec: ResourceSpec = FALLBACK_OFFER,
    ) -> dict[str, Any]:
        response = self._call(
            "Update",
            provider_pb2.UpdateRequest(
                id=id_,
                urn=urn(name, spec),
                olds=self._props(olds, spec),
                news=self._props(news, spec),
                old_inputs=self._props(old_inputs if old_inputs is not None else olds, spec),
                name=name,
                type=spec.pulumi_type,
            ),
        )
        return _strip(from_struct(response.properties))

    def delete(
        self,
        name: str,
        id_: str,
        outputs: dict[str, Any],
        old_inputs: Optional[dict[str, Any]] = None,
        spec: ResourceSpec = FALLBACK_OFFER,
    ) -> None:
        self._call(
            "Delete",
            provider_pb2.DeleteRequest(
                id=id_,
                urn=urn(name, spec),
                properties=self._props(outputs, spec),
                old_inputs=self._props(old_inputs if old_inputs is not None else outputs, spec),
                name=name,
                type=spec.pulumi_type,
            ),
        )


def _failure(failure: Any) -> tuple[str, str]:
    """A check failure as (property path, reason). A nested path travels at the head of the reason with no
    property (the engine resolves only top-level keys: see ``provider.provider._for_the_engine``)."""
    if failure.property:
        return failure.property, failure.reason
    path, separator, reason = failure.reason.partition(": ")
    if separator and path and " " not in path:
        return path, reason
    return "", failure.reason


def _strip(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if key != PROVIDER_KEY}


class CheckFailed(Exception):
    """``check`` returned failures; the engine would stop here and show them."""

    def __init__(self, failures: list[tuple[str, str]]) -> None:
        self.failures = failures
        super().__init__("; ".join(f"{prop}: {reason}" for prop, reason in failures))


@dataclass
class ResourceState:
    """What the engine keeps for one resource between runs."""

    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]


@dataclass
class Plan:
    """What a preview would show for one resource."""

    op: str  # "create", "same", "update", "replace"
    replaces: list[str] = field(default_factory=list)


class Stack:
    """Engine-side bookkeeping over a ``Plugin``: state per resource name, and the engine's operations."""

    def __init__(self, plugin: Plugin, spec: ResourceSpec = FALLBACK_OFFER) -> None:
        self.plugin = plugin
        self.spec = spec
        self.state: dict[str, ResourceState] = {}

    def _checked(self, name: str, declared: dict[str, Any], replacing: bool = False) -> dict[str, Any]:
        old = None if replacing else self.state.get(name)
        inputs, failures = self.plugin.check(name, declared, old.inputs if old else None, self.spec)
        if failures:
            raise CheckFailed(failures)
        return inputs

    def _plan(self, name: str, declared: dict[str, Any]) -> tuple[Plan, dict[str, Any]]:
        inputs = self._checked(name, declared)
        old = self.state.get(name)
        if old is None:
            return Plan("create"), inputs
        diff = self.plugin.diff(name, old.id, old.outputs, inputs, old.inputs, self.spec)
        changes = diff.changes
        if changes == provider_pb2.DiffResponse.DIFF_UNKNOWN:
            # As the engine does: an unknown answer means "compare the old and new inputs yourself".
            changes = (
                provider_pb2.DiffResponse.DIFF_SOME
                if _strip(old.inputs) != _strip(inputs)
                else provider_pb2.DiffResponse.DIFF_NONE
            )
        if diff.replaces and changes == provider_pb2.DiffResponse.DIFF_SOME:
            return Plan("replace", list(diff.replaces)), inputs
        return Plan("update" if changes == provider_pb2.DiffResponse.DIFF_SOME else "same"), inputs

    def preview(self, name: str, declared: dict[str, Any]) -> Plan:
        """Check and Diff only, as ``pulumi preview`` does."""
        return self._plan(name, declared)[0]

    def up(self, name: str, declared: dict[str, Any]) -> Plan:
        """Check, Diff, then Create / Update / replace (create first, then delete the old one)."""
        plan, inputs = self._plan(name, declared)
        old = self.state.get(name)
        if plan.op == "create" or plan.op == "replace":
            if plan.op == "replace":
                # The engine checks a replacement again, as a new resource (no olds), before creating it.
                inputs = self._checked(name, declared, replacing=True)
            id_, outputs = self.plugin.create(name, inputs, self.spec)
            self.state[name] = ResourceState(id_, inputs, outputs)
            if old is not None:
                self.plugin.delete(name, old.id, old.outputs, old.inputs, self.spec)
        elif plan.op == "update":
            assert old is not None
            outputs = self.plugin.update(name, old.id, old.outputs, inputs, old.inputs, self.spec)
            self.state[name] = ResourceState(old.id, inputs, outputs)
        return plan

    def refresh(self, name: str) -> bool:
        """Read; False (and the resource dropped from state) when it is gone."""
        old = self.state[name]
        id_, outputs, inputs = self.plugin.read(name, old.id, old.outputs, old.inputs, self.spec)
        if not id_:
            del self.state[name]
            return False
        refreshed = ResourceState(id_, inputs if inputs is not None else old.inputs, outputs)
        # As the engine does to show what refresh found: a Diff from the refreshed state to the stack's inputs.
        self.plugin.diff(name, id_, refreshed.outputs, old.inputs, refreshed.inputs, self.spec)
        self.state[name] = refreshed
        return True

    def get(self, name: str, id_: str, declared: Optional[dict[str, Any]] = None) -> dict[str, Any]:
        """``FallbackOffer.get(name, id)``: a Read that carries only the program's inputs."""
        # The engine's read of a resource it does not manage carries the program's inputs as both maps.
        got_id, outputs, _ = self.plugin.read(name, id_, declared or {}, declared or {}, self.spec)
        assert got_id == id_
        return outputs

    def destroy(self, name: str) -> None:
        old = self.state.pop(name)
        self.plugin.delete(name, old.id, old.outputs, old.inputs, self.spec)
