"""``DecisioningPlacement``: a Decisioning placement (``/exd-placements``), updated by PUT, archived, never deleted.

Not the legacy ``Placement`` (``/placements``): Adobe keeps the two apart. Its update is a PUT of
the whole object, guarded by reading it first (``Writer.replace_whole``), and Adobe documents no
delete: ``pulumi destroy`` archives it, as the UI does, and the ``deleteBehavior`` input says so
in every plan of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Mapping, Optional, Union

import pulumi
from pydantic import Field

from ..core.model import ApiModel, Name, ObjectId, unique
from ..core.spec import Endpoint, ResourceSpec
from ..engine.provider import SpecProvider, pickled_by_package
from ..sdk.outputs import DecisioningPlacementOutputs
from ..sdk.resource import SpecResource

if TYPE_CHECKING:  # the Args load with a program's first use of them, never in the plugin
    from ..sdk.args import DecisioningPlacementArgs
from pydantic import field_validator

from .fallback_offer import ChannelUri

DELETE_BEHAVIOR = (
    "archive: Adobe has no delete for Decisioning placements; pulumi destroy sets status to archived, as the UI does"
)


class DecisioningPlacementFields(ApiModel):
    """The user-owned fields of a Decisioning placement."""

    name: Name = Field(description="The placement's name.")
    description: Optional[str] = Field(default=None, max_length=4000, description="What it is for.")
    channel: ChannelUri = Field(
        description="The channel type URI, such as `https://ns.adobe.com/xdm/channel-types/email` (email only, today)."
    )
    channel_configuration: Optional[ObjectId] = Field(
        default=None, alias="channelConfiguration", description="The id (a UUID) of the channel configuration."
    )
    tags: Optional[list[ObjectId]] = Field(default=None, description="Unified Tag ids (UUIDs).")
    status: Literal["active", "archived"] = Field(default="active", description="`active` (the default) or `archived`.")

    @field_validator("tags")
    @classmethod
    def _distinct(cls, value: Optional[list[str]]) -> Optional[list[str]]:
        return None if value is None else unique(value)


DECISIONING_PLACEMENT = ResourceSpec(
    kind="DecisioningPlacement",
    label="Decisioning placement",
    model=DecisioningPlacementFields,
    endpoint=Endpoint("/exd-placements"),
    update_verb="PUT",
    archive_on_delete=("status", "archived"),
    notices={"deleteBehavior": DELETE_BEHAVIOR},
    example={
        "name": "Newsletter hero",
        "description": "The hero slot of the newsletter",
        "channel": "https://ns.adobe.com/xdm/channel-types/email",
    },
)


@pickled_by_package
class DecisioningPlacementProvider(SpecProvider):
    """Create, PUT and archive Journey Optimizer Decisioning placements."""

    spec = DECISIONING_PLACEMENT


class DecisioningPlacement(SpecResource, DecisioningPlacementOutputs, module="adobe", name="DecisioningPlacement"):
    """A Decisioning placement, managed by Pulumi: destroy archives it (Adobe has no delete)."""

    _spec = DECISIONING_PLACEMENT
    _provider_class = DecisioningPlacementProvider

    def __init__(
        self,
        resource_name: str,
        args: Union[DecisioningPlacementArgs, Mapping[str, Any], None] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> None:
        """Declare a Decisioning placement: ``args`` as ``DecisioningPlacementArgs`` or a dict in the API's shape."""
        super().__init__(resource_name, args, opts)

    @classmethod
    def get(
        cls,
        resource_name: str,
        id: pulumi.Input[str],
        sandbox_name: Optional[pulumi.Input[str]] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> "DecisioningPlacement":
        """A read-only reference to a Decisioning placement this stack does not manage."""
        return cls._read(resource_name, id, sandbox_name, opts)
