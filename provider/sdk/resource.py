"""``SpecResource``: what every kind's resource class shares (props from Args, output slots, ``get``).

A kind's resource (``FallbackOffer``, ``Placement``, ...) is a small subclass naming its spec and
provider class; its typed Args and output annotations are generated from the spec's model
(``args.py``), so none of this is written twice.
"""

from __future__ import annotations

from typing import Any, ClassVar, Mapping, Optional, TypeVar

import pulumi
from pulumi.dynamic import Resource

from ..core.model import SERVER_OUTPUTS
from ..core.schema import fields_of, snake_case
from ..core.spec import SANDBOX_NAME, ResourceSpec
from ..engine.provider import SpecProvider
from .arg_checks import timestamps_within
from .workarounds import drain_outputs_in_rounds, keep_only_the_programs_frames, unwrap_dictionary_pickling

_Kind = TypeVar("_Kind", bound="SpecResource")


class SpecResource(Resource):
    """An Offer Library object managed by Pulumi; its Pulumi id is the object's id."""

    _spec: ClassVar[ResourceSpec]
    _provider_class: ClassVar[type[SpecProvider]]
    # Declared here as in every kind's generated outputs: without it the assignment in ``_type_outputs``
    # declares ``etag`` as ``Any``, which mypy takes over the kind's ``Output[int]`` (this class comes first
    # in every kind's bases) while pyright does not.
    etag: pulumi.Output[int]

    def __init__(self, resource_name: str, args: Any = None, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        props = self._with_output_slots(self._props(args))
        unwrap_dictionary_pickling()
        keep_only_the_programs_frames()
        drain_outputs_in_rounds()
        super().__init__(self._provider_class(), resource_name, props, opts)
        self._type_outputs()

    @classmethod
    def _read(
        cls: type[_Kind],
        resource_name: str,
        id: pulumi.Input[str],
        sandbox_name: Optional[pulumi.Input[str]],
        opts: Optional[pulumi.ResourceOptions],
    ) -> _Kind:
        """A read-only reference to an object the stack does not manage: the engine reads it by id."""
        resource = cls.__new__(cls)
        slots = cls._with_output_slots({SANDBOX_NAME: sandbox_name} if sandbox_name is not None else {})
        unwrap_dictionary_pickling()
        drain_outputs_in_rounds()
        Resource.__init__(
            resource,
            cls._provider_class(),
            resource_name,
            slots,
            pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id)),
        )
        resource._type_outputs()
        return resource

    @classmethod
    def _props(cls, args: Any) -> dict[str, Any]:
        """The resource's inputs in the API's camelCase shape, from typed Args or a dict."""
        if args is None:
            return {}
        if isinstance(args, pulumi.Output):
            raise TypeError(
                f"{cls._spec.kind}: args must be {cls._spec.kind}Args or a dict, not an Output; "
                "put Outputs inside the fields instead"
            )
        if isinstance(args, Mapping):
            converted: dict[str, Any] = timestamps_within(cls._spec.kind, dict(args))
            return converted
        if not isinstance(args, _args_class(cls._spec)):
            raise TypeError(f"{cls._spec.kind}: args must be {cls._spec.kind}Args or a dict, got {type(args).__name__}")
        pairs = [(f.api, f.python) for f in fields_of(cls._spec.model)]
        pairs += [(SANDBOX_NAME, "sandbox_name"), (cls._spec.adopt_input, snake_case(cls._spec.adopt_input))]
        if cls._spec.schema_input:
            pairs.append((cls._spec.schema_input, snake_case(cls._spec.schema_input)))
        return {api: value for api, python in pairs if (value := pulumi.get(args, python)) is not None}

    @classmethod
    def _with_output_slots(cls, inputs: dict[str, Any]) -> dict[str, Any]:
        """Declare every output (as None) so that the resource object exposes it as an attribute."""
        return {**dict.fromkeys(_outputs(cls._spec)), **inputs}

    def _type_outputs(self) -> None:
        # Output attributes carry the API's camelCase names; give each its snake_case twin.
        for api_name in (*_outputs(self._spec), self._spec.adopt_input):
            python_name = snake_case(api_name)
            if python_name != api_name and api_name in self.__dict__:
                setattr(self, python_name, self.__dict__[api_name])
        # Outputs arrive as protobuf doubles; users expect the etag to be an integer.
        self.etag = self.__dict__["etag"].apply(lambda value: int(value) if value is not None else None)


def _outputs(spec: ResourceSpec) -> tuple[str, ...]:
    return (*spec.user_fields, SANDBOX_NAME, *SERVER_OUTPUTS)


def _args_class(spec: ResourceSpec) -> type:
    from . import args  # generated from the specs, so imported when first needed

    return getattr(args, f"{spec.kind}Args")  # type: ignore[no-any-return]
