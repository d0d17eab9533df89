"""``Placement``: where offer content shows in a channel (``/placements``); offer representations name it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Optional, Union

import pulumi
from pydantic import Field

from ..core.model import ApiModel, ContentType, Name
from ..core.spec import Endpoint, ResourceSpec
from ..engine.provider import SpecProvider, pickled_by_package
from ..sdk.outputs import PlacementOutputs
from ..sdk.resource import SpecResource

if TYPE_CHECKING:  # the Args load with a program's first use of them, never in the plugin
    from ..sdk.args import PlacementArgs
from .fallback_offer import ChannelUri

MAX_DESCRIPTION_LENGTH = 4000


class ReturnMetadata(ApiModel):
    """Which metadata a decision request returns with the offers of this placement."""

    decision_name: Optional[bool] = Field(default=None, alias="decisionName", description="Return the decision's name.")
    offer_name: Optional[bool] = Field(default=None, alias="offerName", description="Return the offer's name.")
    offer_attributes: Optional[bool] = Field(
        default=None, alias="offerAttributes", description="Return the offer's characteristics."
    )
    offer_priority: Optional[bool] = Field(
        default=None, alias="offerPriority", description="Return the offer's priority."
    )
    placement_name: Optional[bool] = Field(
        default=None, alias="placementName", description="Return the placement's name."
    )
    channel_type: Optional[bool] = Field(default=None, alias="channelType", description="Return the channel type.")
    content_type: Optional[bool] = Field(default=None, alias="contentType", description="Return the content type.")


class PlacementFields(ApiModel):
    """The user-owned fields of a placement, in the API's own (camelCase) shape."""

    name: Name = Field(description="The placement's name.")
    description: Optional[str] = Field(default=None, max_length=MAX_DESCRIPTION_LENGTH, description="What it is for.")
    channel: ChannelUri = Field(
        description="The channel type URI it is used in, such as `https://ns.adobe.com/xdm/channel-types/email`."
    )
    component_type: ContentType = Field(
        alias="componentType",
        description="The content it shows: `html`, `imagelink`, `text` or `json`, or the older URI form of one "
        "(`https://ns.adobe.com/experience/offer-management/content-component-html`), kept as given.",
    )
    item_count: Optional[int] = Field(
        default=None,
        alias="itemCount",
        ge=1,
        description="How many offers a decision request returns for it (Adobe's default: 1).",
    )
    allow_duplicate_placements: Optional[bool] = Field(
        default=None,
        alias="allowDuplicatePlacements",
        description="Whether one offer may be proposed in several placements of one request.",
    )
    return_content: Optional[bool] = Field(
        default=None, alias="returnContent", description="Whether a decision request returns the offers' content."
    )
    return_meta_data: Optional[ReturnMetadata] = Field(
        default=None, alias="returnMetaData", description="Which metadata a decision request returns."
    )


PLACEMENT = ResourceSpec(
    kind="Placement",
    label="placement",
    model=PlacementFields,
    endpoint=Endpoint("/placements"),
    diffed_by_key=frozenset({"returnMetaData"}),
    example={
        "name": "Home page banner",
        "description": "The banner at the top of the home page",
        "channel": "https://ns.adobe.com/xdm/channel-types/web",
        "componentType": "imagelink",
        "itemCount": 1,
        "returnMetaData": {"offerName": True, "placementName": False},
    },
)


@pickled_by_package
class PlacementProvider(SpecProvider):
    """CRUD for Adobe Journey Optimizer placements through the Offer Library API."""

    spec = PLACEMENT


class Placement(SpecResource, PlacementOutputs, module="adobe", name="Placement"):
    """A placement in an Adobe Journey Optimizer sandbox, managed by Pulumi.

    Its Pulumi id is the placement id: give it to offer representations (``placement=web.id``)
    and to decision criteria (``placements=[web.id]``).
    """

    _spec = PLACEMENT
    _provider_class = PlacementProvider

    def __init__(
        self,
        resource_name: str,
        args: Union[PlacementArgs, Mapping[str, Any], None] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> None:
        """Declare a placement: ``args`` as ``PlacementArgs`` or a dict in the API's camelCase shape."""
        super().__init__(resource_name, args, opts)

    @classmethod
    def get(
        cls,
        resource_name: str,
        id: pulumi.Input[str],
        sandbox_name: Optional[pulumi.Input[str]] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> "Placement":
        """A read-only reference to a placement this stack does not manage."""
        return cls._read(resource_name, id, sandbox_name, opts)
