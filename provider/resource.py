"""``FallbackOffer``: the resource users declare, with typed args and typed outputs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence, Union

import pulumi
from pulumi.dynamic import Resource

from .model import SERVER_OUTPUTS, USER_FIELDS
from .provider import FallbackOfferProvider
from .validation import ADOPT_OFFER_ID, SANDBOX_NAME


@dataclass
class ComponentArgs:
    """One piece of content: ``type`` (imagelink, html, json, text) and ``format`` (a MIME type)."""

    type: pulumi.Input[str]
    format: pulumi.Input[str]
    language: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = None
    content: Optional[pulumi.Input[str]] = None
    delivery_url: Optional[pulumi.Input[str]] = None
    link_url: Optional[pulumi.Input[str]] = None

    def to_inputs(self) -> dict[str, Any]:
        return _drop_none({
            "type": self.type, "format": self.format, "language": self.language, "content": self.content,
            "deliveryURL": self.delivery_url, "linkURL": self.link_url,
        })


@dataclass
class RepresentationArgs:
    """How the offer shows in one channel (a channel type URI) and placement (a placement id)."""

    channel: pulumi.Input[str]
    placement: pulumi.Input[str]
    components: Sequence[Union[ComponentArgs, Mapping[str, Any]]]

    def to_inputs(self) -> dict[str, Any]:
        return {"channel": self.channel, "placement": self.placement,
                "components": [_inputs(component) for component in self.components]}


@dataclass
class SelectionConstraintArgs:
    """Optional pass-through block of Adobe's create example."""

    start_date: Optional[pulumi.Input[str]] = None
    end_date: Optional[pulumi.Input[str]] = None
    profile_constraint_type: Optional[pulumi.Input[str]] = None

    def to_inputs(self) -> dict[str, Any]:
        return _drop_none({"startDate": self.start_date, "endDate": self.end_date,
                           "profileConstraintType": self.profile_constraint_type})


@dataclass
class RankArgs:
    """Optional pass-through block of Adobe's create example."""

    priority: Optional[pulumi.Input[int]] = None

    def to_inputs(self) -> dict[str, Any]:
        return _drop_none({"priority": self.priority})


@dataclass
class FallbackOfferArgs:
    """Everything a fallback offer declares; ``adopt_offer_id`` takes over an offer that already exists."""

    name: pulumi.Input[str]
    representations: Sequence[Union[RepresentationArgs, Mapping[str, Any]]]
    description: Optional[pulumi.Input[str]] = None
    status: Optional[pulumi.Input[str]] = None
    characteristics: Optional[pulumi.Input[Mapping[str, pulumi.Input[str]]]] = None
    selection_constraint: Optional[Union[SelectionConstraintArgs, Mapping[str, Any]]] = None
    rank: Optional[Union[RankArgs, Mapping[str, Any]]] = None
    tags: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = None
    sandbox_name: Optional[pulumi.Input[str]] = None
    adopt_offer_id: Optional[pulumi.Input[str]] = None

    def to_inputs(self) -> dict[str, Any]:
        return _drop_none({
            "name": self.name,
            "description": self.description,
            "status": self.status,
            "representations": [_inputs(item) for item in self.representations],
            "characteristics": self.characteristics,
            "selectionConstraint": _inputs(self.selection_constraint),
            "rank": _inputs(self.rank),
            "tags": self.tags,
            "sandboxName": self.sandbox_name,
            "adoptOfferId": self.adopt_offer_id,
        })


class FallbackOffer(Resource, module="adobe", name="FallbackOffer"):
    """A fallback offer in an Adobe Journey Optimizer sandbox, managed by Pulumi.

    Its Pulumi id is the offer id; ``etag`` and the server's metadata are outputs that
    decisions and other resources can reference.
    """

    name: pulumi.Output[str]
    description: pulumi.Output[Optional[str]]
    status: pulumi.Output[str]
    representations: pulumi.Output[list[dict[str, Any]]]
    characteristics: pulumi.Output[Optional[dict[str, str]]]
    selection_constraint: pulumi.Output[Optional[dict[str, Any]]]
    rank: pulumi.Output[Optional[dict[str, Any]]]
    tags: pulumi.Output[Optional[list[str]]]
    sandbox_name: pulumi.Output[str]
    etag: pulumi.Output[int]
    created_date: pulumi.Output[str]
    last_modified_date: pulumi.Output[str]
    created_by: pulumi.Output[str]
    last_modified_by: pulumi.Output[str]
    created_by_client_id: pulumi.Output[str]
    last_modified_by_client_id: pulumi.Output[str]
    sandbox_id: pulumi.Output[str]

    def __init__(self, resource_name: str, args: Union[FallbackOfferArgs, Mapping[str, Any]],
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        inputs = args.to_inputs() if isinstance(args, FallbackOfferArgs) else dict(args)
        super().__init__(FallbackOfferProvider(), resource_name, _with_output_slots(inputs), opts)
        self._type_outputs()

    @staticmethod
    def get(resource_name: str, id: pulumi.Input[str], sandbox_name: Optional[pulumi.Input[str]] = None,
            opts: Optional[pulumi.ResourceOptions] = None) -> "FallbackOffer":
        """A read-only reference to an offer this stack does not manage (a decision's fallback, say)."""
        offer = FallbackOffer.__new__(FallbackOffer)
        slots = _with_output_slots({"sandboxName": sandbox_name} if sandbox_name is not None else {})
        Resource.__init__(offer, FallbackOfferProvider(), resource_name, slots,
                          pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id)))
        offer._type_outputs()
        return offer

    def _type_outputs(self) -> None:
        # Output attributes carry the API's camelCase names; give each its snake_case twin.
        for api_name, python_name in _PY_NAMES.items():
            if api_name in self.__dict__:
                setattr(self, python_name, self.__dict__[api_name])
        # Outputs arrive as protobuf doubles; users expect the etag to be an integer.
        self.etag = self.etag.apply(lambda value: int(value) if value is not None else None)  # type: ignore[assignment]


OUTPUTS: tuple[str, ...] = (*USER_FIELDS, SANDBOX_NAME, *SERVER_OUTPUTS)
# Each camelCase output also as a snake_case attribute: createdByClientId -> created_by_client_id.
_PY_NAMES = {name: re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower() for name in (*OUTPUTS, ADOPT_OFFER_ID)
             if not name.islower()}


def _with_output_slots(inputs: dict[str, Any]) -> dict[str, Any]:
    """Declare every output (as None) so that the resource object exposes it as an attribute."""
    return {**dict.fromkeys(OUTPUTS), **inputs}


def _inputs(value: Any) -> Any:
    return value.to_inputs() if hasattr(value, "to_inputs") else value


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}
