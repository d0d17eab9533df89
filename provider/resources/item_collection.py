"""``ItemCollection`` (Decisioning): the decision items a rule over their attributes selects (``/item-collections``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any, Mapping, Optional, Union

import pulumi
from pydantic import BeforeValidator, Field

from ..core.model import ApiModel, Name, ObjectId
from ..core.spec import Endpoint, ResourceSpec
from ..engine.provider import SpecProvider, pickled_by_package
from ..sdk.outputs import ItemCollectionOutputs
from ..sdk.resource import SpecResource

if TYPE_CHECKING:  # the Args load with a program's first use of them, never in the plugin
    from ..sdk.args import ItemCollectionArgs


def _json_object_text(value: Any) -> Any:
    """A rule given as an object or as JSON text, kept as compact JSON text (the API's form), keys in order."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as error:
            raise ValueError(f"must be a JSON object (an object, or its JSON text): {error}") from None
    if not isinstance(value, dict):
        raise ValueError('must be a JSON object, such as {"operator": "equals", "value": {...}}')
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


UiModel = Annotated[Union[str, dict[str, Any]], BeforeValidator(_json_object_text)]
"""An item collection's rule: Adobe keeps it as a string of JSON; given as an object or as that string."""


class ItemCollectionRule(ApiModel):
    """One rule of an item collection: which catalog's items, and the condition on their attributes."""

    item_catalog_id: Optional[ObjectId] = Field(
        default=None, alias="itemCatalogId", description="The item catalog's id (a decision item's `catalog_id`)."
    )
    ui_model: UiModel = Field(
        alias="uiModel",
        description='The rule, as an object or its JSON text, such as `{"operator": "equals", "value": {"left": '
        '"_experience.decisioning.decisionitem.itemName", "right": "Spring"}}`; kept as compact JSON text.',
    )


class ItemCollectionFields(ApiModel):
    """The user-owned fields of an item collection."""

    name: Name = Field(description="The collection's name.")
    description: Optional[str] = Field(default=None, max_length=4000, description="What it gathers.")
    constraints: list[ItemCollectionRule] = Field(
        min_length=1, description="The rules that select its items: at least one."
    )
    tags: Optional[list[ObjectId]] = Field(default=None, description="Unified Tag ids (UUIDs).")


ITEM_COLLECTION = ResourceSpec(
    kind="ItemCollection",
    label="item collection",
    model=ItemCollectionFields,
    endpoint=Endpoint("/item-collections"),
    example={
        "name": "Spring banners",
        "description": "The items named Spring sale banner",
        "constraints": [
            {
                "uiModel": '{"operator":"equals","value":{"left":"_experience.decisioning.decisionitem.itemName",'
                '"right":"Spring sale banner"}}'
            },
        ],
    },
)


@pickled_by_package
class ItemCollectionProvider(SpecProvider):
    """CRUD for Journey Optimizer Decisioning item collections."""

    spec = ITEM_COLLECTION


class ItemCollection(SpecResource, ItemCollectionOutputs, module="adobe", name="ItemCollection"):
    """A Decisioning item collection, managed by Pulumi.

    Selection strategies pick from it (``option_selection=ItemSelectionArgs(filter=collection.id)``).
    """

    _spec = ITEM_COLLECTION
    _provider_class = ItemCollectionProvider

    def __init__(
        self,
        resource_name: str,
        args: Union[ItemCollectionArgs, Mapping[str, Any], None] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> None:
        """Declare an item collection: ``args`` as ``ItemCollectionArgs`` or a dict in the API's camelCase shape."""
        super().__init__(resource_name, args, opts)

    @classmethod
    def get(
        cls,
        resource_name: str,
        id: pulumi.Input[str],
        sandbox_name: Optional[pulumi.Input[str]] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> "ItemCollection":
        """A read-only reference to an item collection this stack does not manage."""
        return cls._read(resource_name, id, sandbox_name, opts)
