"""``Collection``: the offers a decision picks from, by qualifier or by list (``/offer-collections``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Mapping, Optional, Union

import pulumi
from pydantic import Field, field_validator, model_validator

from ..core.model import ApiModel, Name, ObjectId, unique
from ..core.spec import Endpoint, Reference, ResourceSpec
from ..engine.provider import SpecProvider, pickled_by_package
from ..sdk.outputs import CollectionOutputs
from ..sdk.resource import SpecResource

if TYPE_CHECKING:  # the Args load with a program's first use of them, never in the plugin
    from ..sdk.args import CollectionArgs

MAX_QUALIFIERS = 20  # Adobe's published guardrails: 20 qualifiers per collection, 500 offers.
MAX_OFFERS = 500
TAG_FILTERS = ("any-tags", "all-tags")


class CollectionFields(ApiModel):
    """The user-owned fields of a collection."""

    name: Name = Field(description="The collection's name.")
    description: Optional[str] = Field(default=None, max_length=4000, description="What it gathers.")
    filter_type: Literal["any-tags", "all-tags", "offers"] = Field(
        alias="filterType",
        description="`any-tags` or `all-tags` (`ids` are qualifiers) or `offers` (`ids` are offers).",
    )
    ids: list[ObjectId] = Field(min_length=1, description="Qualifier ids or personalized offer ids, by `filter_type`.")
    labels: Optional[list[str]] = Field(default=None, description="Data usage labels, such as `core/C5`.")

    @field_validator("ids")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        return unique(value)

    @model_validator(mode="after")
    def _guardrail(self) -> "CollectionFields":
        most, what = (MAX_QUALIFIERS, "qualifiers") if self.filter_type in TAG_FILTERS else (MAX_OFFERS, "offers")
        if len(self.ids) > most:
            raise ValueError(f"names {len(self.ids)} {what}; a collection may name at most {most}")
        return self


COLLECTION = ResourceSpec(
    kind="Collection",
    label="collection",
    model=CollectionFields,
    endpoint=Endpoint("/offer-collections"),
    references=(
        Reference("ids[]", "CollectionQualifier", when=("filterType", TAG_FILTERS)),
        Reference("ids[]", "PersonalizedOffer", when=("filterType", ("offers",))),
    ),
    example={
        "name": "Spring offers",
        "description": "Every offer of the spring campaign",
        "filterType": "any-tags",
        "ids": ["dps:tag:1a2b3c4d5e6f"],
    },
)


@pickled_by_package
class CollectionProvider(SpecProvider):
    """CRUD for Adobe Journey Optimizer collections through the Offer Library API."""

    spec = COLLECTION


class Collection(SpecResource, CollectionOutputs, module="adobe", name="Collection"):
    """A collection of offers in an Adobe Journey Optimizer sandbox, managed by Pulumi.

    Decisions pick from it (``option_selection=OptionSelectionArgs(filter=collection.id)``).
    """

    _spec = COLLECTION
    _provider_class = CollectionProvider

    def __init__(
        self,
        resource_name: str,
        args: Union[CollectionArgs, Mapping[str, Any], None] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> None:
        """Declare a collection: ``args`` as ``CollectionArgs`` or a dict in the API's camelCase shape."""
        super().__init__(resource_name, args, opts)

    @classmethod
    def get(
        cls,
        resource_name: str,
        id: pulumi.Input[str],
        sandbox_name: Optional[pulumi.Input[str]] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> "Collection":
        """A read-only reference to a collection this stack does not manage."""
        return cls._read(resource_name, id, sandbox_name, opts)
