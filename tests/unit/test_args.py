"""The typed Args are what users expect of a Pulumi SDK, and are generated from the models, never drifting."""

from __future__ import annotations

import ast
import datetime
import inspect
import pydoc
import subprocess
import sys
from pathlib import Path

import pulumi
import pytest

import provider
from harness.offers import plain_inputs
from provider.core.schema import Field, Shape, blocks_of, fields_of
from provider.generators import sdk_args as argsgen
from provider.resources import SPECS
from provider.sdk import args as sdk_args
from provider.sdk.resource import SpecResource

ARGS_SOURCE = Path(sdk_args.__file__)
ROOT = Path(__file__).parents[2]
COMPONENT_URIS = tuple(
    f"https://ns.adobe.com/experience/offer-management/content-component-{kind}"
    for kind in ("html", "imagelink", "text", "json")
)


def _args_classes() -> list[type[object]]:
    names = {f"{spec.kind}Args" for spec in SPECS} | {f"{b.__name__}Args" for s in SPECS for b in blocks_of(s.model)}
    return [getattr(sdk_args, name) for name in sorted(names)]


def test_args_py_is_exactly_what_the_models_generate() -> None:
    assert argsgen.main(["--check"]) == 0


def test_every_field_of_every_model_is_an_argument_of_its_args_class() -> None:
    for spec in SPECS:
        for model, args in [(spec.model, getattr(sdk_args, f"{spec.kind}Args"))] + [
            (block, getattr(sdk_args, f"{block.__name__}Args")) for block in blocks_of(spec.model)
        ]:
            parameters = inspect.signature(args.__init__).parameters
            assert {f.python for f in fields_of(model)} <= set(parameters), args.__name__


@pytest.mark.parametrize("args", _args_classes(), ids=lambda cls: cls.__name__)
def test_every_argument_is_documented_for_ides(args: type[object]) -> None:
    doc = args.__init__.__doc__ or ""
    for name in inspect.signature(args.__init__).parameters:
        if name != "__self__":
            assert f":param {name}: " in doc, f"{args.__name__}.{name}"
            assert (getattr(args, name).__doc__ or "").strip(), f"{args.__name__}.{name} property"


def test_every_output_annotation_has_a_docstring() -> None:
    tree = ast.parse(ARGS_SOURCE.read_text())
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name.endswith("Outputs"):
            for annotation, following in zip(node.body, node.body[1:], strict=False):
                if isinstance(annotation, ast.AnnAssign):
                    assert isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant), (
                        f"{node.name}.{ast.unparse(annotation.target)}"
                    )


def test_enums_are_literal_types() -> None:
    status = inspect.signature(provider.FallbackOfferArgs.__init__).parameters["status"].annotation

    assert "Literal['draft', 'approved', 'archived']" in str(status)


def _ruff_formatted(source: str) -> str:
    """``source`` as ``ruff format`` (the pinned one, with pyproject.toml's settings) lays it out."""
    ran = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", "generated.py", "-"],
        cwd=ROOT,
        input=source,
        capture_output=True,
        text=True,
        check=True,
    )
    return ran.stdout


def test_a_long_literal_inside_optional_and_input_is_split_as_ruff_format_splits_it() -> None:
    enum = Shape("enum", values=("html", "text", *COMPONENT_URIS))
    fields = [
        Field("component_type", "componentType", enum, True, "The content."),
        Field("other_type", "otherType", enum, False, "Another."),
        Field("types", "types", Shape("list", item=enum), False, "Several."),
        Field("by_name", "byName", Shape("map", item=enum), False, "Named."),
    ]
    source = argsgen._input_class("LayoutArgs", "A class of long enums.", fields)

    assert _ruff_formatted(source) == source
    assert "            Literal[\n" in source  # split, not merely left too long for ruff to mind


def test_a_long_output_annotation_is_split_as_ruff_format_splits_it() -> None:
    deep = argsgen._subscript(
        "list", argsgen._subscript("dict", "str", argsgen._subscript("Literal", *map(argsgen._q, COMPONENT_URIS)))
    )
    annotation = argsgen._subscript("pulumi.Output", argsgen._subscript("Optional", deep))
    source = f"class Outputs:\n{annotation.lines(4, 'component_types: ')}\n"

    assert _ruff_formatted(source) == source
    assert max(len(line) for line in source.splitlines()) <= argsgen.LINE_LENGTH


def test_one_item_where_a_list_is_expected_names_the_property_and_what_to_pass() -> None:
    component = provider.ComponentArgs(type="html", format="text/html", content="<p>Hi</p>")

    with pytest.raises(TypeError) as failure:
        provider.RepresentationArgs(
            channel="https://ns.adobe.com/xdm/channel-types/web",
            placement="p",
            components=component,  # type: ignore[arg-type]  # the mistake under test
        )

    assert str(failure.value) == (
        "RepresentationArgs.components expects a list of ComponentArgs, got one "
        "ComponentArgs: write components=[...] (a list), even for one item"
    )


def test_a_string_where_a_list_of_strings_is_expected_is_refused_too() -> None:
    with pytest.raises(TypeError, match=r"ComponentArgs.language expects a list of str"):
        # A str is a Sequence[str] to type checkers: only this check at run time catches it.
        provider.ComponentArgs(type="text", format="text/plain", language="en-US")


def test_dates_accept_datetime_and_date_values() -> None:
    aware = provider.SelectionConstraintArgs(
        start_date=datetime.datetime(2026, 6, 1, 9, 30, tzinfo=datetime.timezone.utc),
        end_date=datetime.date(2026, 9, 1),
    )

    assert plain_inputs(aware) == {"startDate": "2026-06-01T09:30:00+00:00", "endDate": "2026-09-01T00:00:00Z"}


def test_a_datetime_without_a_time_zone_is_refused_with_the_fix() -> None:
    with pytest.raises(TypeError, match=r"DecisionArgs.start_date: the datetime 2026-06-01T00:00:00 has no time zone"):
        provider.DecisionArgs(name="d", fallback="f", criteria=[], start_date=datetime.datetime(2026, 6, 1))


def test_python_names_become_the_apis_camel_case_names() -> None:
    args = provider.ComponentArgs(type="imagelink", format="image/png", delivery_url="https://cdn.example.com/a.png")

    assert plain_inputs(args) == {
        "type": "imagelink",
        "format": "image/png",
        "deliveryURL": "https://cdn.example.com/a.png",
    }


@pytest.mark.parametrize(
    "resource", [provider.FallbackOffer, provider.Placement, provider.Decision], ids=lambda cls: cls.__name__
)
def test_help_shows_our_constructor_not_the_sdks(resource: type[SpecResource]) -> None:
    parameters = list(inspect.signature(resource.__init__).parameters)
    rendered = pydoc.plain(pydoc.render_doc(resource))

    assert parameters == ["self", "resource_name", "args", "opts"]
    assert f"{resource.__name__}Args" in str(inspect.signature(resource.__init__))
    assert f"Declare a {resource._spec.label}" in rendered


def test_an_output_as_the_whole_args_is_refused_with_a_hint() -> None:
    with pytest.raises(TypeError, match="put Outputs inside the fields instead"):
        provider.FallbackOffer._props(pulumi.Output.from_input({"name": "x"}))


def test_a_rules_defined_on_is_typed_per_variable_as_adobe_documents_it() -> None:
    args = provider.DecisionRuleArgs(
        name="Joe",
        condition=provider.RuleConditionArgs(value='profile.person.name.firstName.equals("Joe", false)'),
        defined_on={
            "profile": provider.SchemaBindingArgs(
                schema_ref=provider.SchemaReferenceArgs(
                    ref="https://ns.adobe.com/xdm/context/profile_union", version="1"
                ),
                reference_paths=["person.name.firstName"],
            )
        },
    )

    assert plain_inputs(args)["definedOn"] == {
        "profile": {
            "schema": {"ref": "https://ns.adobe.com/xdm/context/profile_union", "version": "1"},
            "referencePaths": ["person.name.firstName"],
        }
    }


def test_reference_paths_as_one_string_are_refused_where_they_are_written() -> None:
    schema = provider.SchemaReferenceArgs(ref="https://ns.adobe.com/xdm/context/profile_union", version="1")

    with pytest.raises(TypeError, match=r"SchemaBindingArgs.reference_paths expects a list of str"):
        provider.SchemaBindingArgs(schema_ref=schema, reference_paths="person.name.firstName")
