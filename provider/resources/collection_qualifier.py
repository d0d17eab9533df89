"""``CollectionQualifier`` (formerly a tag): a label on offers that collections select by (``/tags``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Optional, Union

import pulumi
from pydantic import Field

from ..core.model import ApiModel, Name
from ..core.spec import Endpoint, ResourceSpec
from ..engine.provider import SpecProvider, pickled_by_package
from ..sdk.outputs import CollectionQualifierOutputs
from ..sdk.resource import SpecResource

if TYPE_CHECKING:  # the Args load with a program's first use of them, never in the plugin
    from ..sdk.args import CollectionQualifierArgs


class CollectionQualifierFields(ApiModel):
    """The user-owned fields of a collection qualifier."""

    name: Name = Field(description="The qualifier's name.")
    description: Optional[str] = Field(default=None, max_length=4000, description="What it marks.")


COLLECTION_QUALIFIER = ResourceSpec(
    kind="CollectionQualifier",
    label="collection qualifier",
    model=CollectionQualifierFields,
    endpoint=Endpoint("/tags"),
    example={"name": "Spring campaign", "description": "Offers of the spring campaign"},
)


@pickled_by_package
class CollectionQualifierProvider(SpecProvider):
    """CRUD for Adobe Journey Optimizer collection qualifiers through the Offer Library API."""

    spec = COLLECTION_QUALIFIER


class CollectionQualifier(SpecResource, CollectionQualifierOutputs, module="adobe", name="CollectionQualifier"):
    """A collection qualifier in an Adobe Journey Optimizer sandbox, managed by Pulumi.

    Offers carry it (``tags=[qualifier.id]``) and collections select by it (``ids=[qualifier.id]``).
    """

    _spec = COLLECTION_QUALIFIER
    _provider_class = CollectionQualifierProvider

    def __init__(
        self,
        resource_name: str,
        args: Union[CollectionQualifierArgs, Mapping[str, Any], None] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> None:
        """Declare a collection qualifier: ``args`` as ``CollectionQualifierArgs`` or a dict in the API's shape."""
        super().__init__(resource_name, args, opts)

    @classmethod
    def get(
        cls,
        resource_name: str,
        id: pulumi.Input[str],
        sandbox_name: Optional[pulumi.Input[str]] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> "CollectionQualifier":
        """A read-only reference to a collection qualifier this stack does not manage."""
        return cls._read(resource_name, id, sandbox_name, opts)
