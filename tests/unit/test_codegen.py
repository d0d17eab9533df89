"""Code generation for the export: names, literals, layout, and the inputs the generated program declares."""

from __future__ import annotations

import ast
import keyword
import random
from typing import Any

import pulumi
import pytest

import provider
from harness.offers import plain_inputs
from provider.engine.validation import canonical
from provider.generators.adoption_program import (
    LINE_LENGTH,
    Naming,
    assign_names,
    base_identifier,
    id_suffix,
    previous_names,
    render_program,
    string_literal,
)
from provider.resources.fallback_offer import FALLBACK_OFFER

WEB = "https://ns.adobe.com/xdm/channel-types/web"


def listed(offer_id: str, name: str, created: str = "2024-01-01T00:00:00.000+00:00", **fields: Any) -> dict[str, Any]:
    """An offer as the list endpoint answers it: fields plus server metadata."""
    body: dict[str, Any] = {
        "id": offer_id,
        "etag": 2,
        "created": created,
        "modified": created,
        "schemas": ["x"],
        "createdBy": "ui-user@techacct.adobe.com",
        "createdByClientId": "ui-user",
        "sandboxId": "s",
        "name": name,
        "status": "approved",
        "representations": [
            {
                "channel": WEB,
                "placement": "dps:offer-placement:1",
                "components": [
                    {"type": "imagelink", "format": "image/png", "deliveryURL": "https://cdn.example.com/a.png"}
                ],
            }
        ],
    }
    body.update(fields)
    return body


class Recorded:
    def __init__(self, resource_name: str, args: Any, opts: Any = None) -> None:
        self.resource_name = resource_name
        self.inputs = plain_inputs(args)
        self.id = f"id-of-{resource_name}"


def run_program(source: str, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, Recorded], dict[str, Any]]:
    """Executes a generated program with FallbackOffer and pulumi.export replaced by recorders."""
    exported: dict[str, Any] = {}
    monkeypatch.setattr(provider, "FallbackOffer", Recorded)
    monkeypatch.setattr(pulumi, "export", lambda key, value: exported.__setitem__(key, value))
    namespace: dict[str, Any] = {"__name__": "__main__"}
    exec(compile(source, "__main__.py", "exec"), namespace)
    return {key: value for key, value in namespace.items() if isinstance(value, Recorded)}, exported


@pytest.mark.parametrize(
    ("name", "identifier"),
    [
        ("Spring fallback", "spring_fallback"),
        ("  Spring   Fallback!! ", "spring_fallback"),
        ("SpringSale2025", "spring_sale2025"),
        ("HTTPBanner offer", "http_banner_offer"),
        ("Ünïcödé Ñame — été", "unicode_name_ete"),
        ("Straße & Smørrebrød", "strasse_smorrebrod"),
        ("123 Go!", "offer_123_go"),
        ("🎉🎉", "offer"),
        ("日本語", "offer"),
        ("---", "offer"),
        ("class", "offer_class"),
        ("None", "none"),
        ("True", "true"),
        ("import", "offer_import"),
        ("pulumi", "offer_pulumi"),
        ("provider", "offer_provider"),
        ("id", "offer_id"),
        ("match", "offer_match"),
        ("__init__", "init"),
    ],
)
def test_identifiers_are_ascii_snake_case_and_never_a_keyword_builtin_or_imported_name(
    name: str, identifier: str
) -> None:
    assert base_identifier(name) == identifier


def test_an_identifier_from_a_very_long_name_is_cut_at_sixty_characters() -> None:
    identifier = base_identifier("Very long offer name " * 20)
    assert len(identifier) <= 60 and identifier.isidentifier() and not identifier.endswith("_")


def test_every_generated_identifier_is_a_valid_python_name() -> None:
    rng = random.Random(7)
    alphabet = "aZé9 _-!🎉\n'\"ßÆ" + "".join(keyword.kwlist)
    for _ in range(500):
        identifier = base_identifier("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))))
        assert identifier.isidentifier() and not keyword.iskeyword(identifier) and identifier.isascii()


def test_duplicates_keep_the_bare_name_for_the_oldest_and_an_id_suffix_for_the_others() -> None:
    offers = [
        listed("dps:fallback-offer:b", "Spring", "2024-02-01T00:00:00.000+00:00"),
        listed("dps:fallback-offer:a", "Spring", "2024-01-01T00:00:00.000+00:00"),
        listed("dps:fallback-offer:c", "spring!", "2024-03-01T00:00:00.000+00:00"),
    ]

    names = assign_names(offers)

    assert names["dps:fallback-offer:a"] == Naming("spring", "spring")
    assert names["dps:fallback-offer:b"].variable == f"spring_{id_suffix('dps:fallback-offer:b')}"
    assert names["dps:fallback-offer:c"].variable == f"spring_{id_suffix('dps:fallback-offer:c')}"
    assert names["dps:fallback-offer:c"].resource_name == f"spring-{id_suffix('dps:fallback-offer:c')}"


def test_names_do_not_depend_on_list_order() -> None:
    offers = [listed(f"dps:fallback-offer:{n}", "Spring" if n % 2 else f"Offer {n % 3}") for n in range(12)]
    expected = assign_names(offers)
    for seed in range(5):
        shuffled = offers[:]
        random.Random(seed).shuffle(shuffled)
        assert assign_names(shuffled) == expected


def test_an_offer_created_later_with_the_same_name_does_not_rename_the_existing_one() -> None:
    existing = [listed("dps:fallback-offer:old", "Solo", "2024-01-01T00:00:00.000+00:00")]
    before = assign_names(existing)

    after = assign_names(existing + [listed("dps:fallback-offer:new", "Solo", "2024-05-01T00:00:00.000+00:00")])

    assert after["dps:fallback-offer:old"] == before["dps:fallback-offer:old"] == Naming("solo", "solo")
    assert after["dps:fallback-offer:new"].variable.startswith("solo_")


def test_names_from_the_previous_export_win_even_after_the_oldest_duplicate_is_deleted() -> None:
    offers = [
        listed("dps:fallback-offer:a", "Spring", "2024-01-01T00:00:00.000+00:00"),
        listed("dps:fallback-offer:b", "Spring", "2024-02-01T00:00:00.000+00:00"),
    ]
    first = render_program({"FallbackOffer": offers}, "prod")

    again = assign_names(offers[1:], previous_names(first.source))

    assert again["dps:fallback-offer:b"] == first.names["dps:fallback-offer:b"]
    assert again["dps:fallback-offer:b"].variable != "spring"


def test_previous_names_survive_hand_edits_and_ignore_what_is_not_an_adopted_offer() -> None:
    source = (
        "import pulumi\nfrom provider import FallbackOffer, FallbackOfferArgs\n"
        "homepage = FallbackOffer('home-page', FallbackOfferArgs(name='x', representations=[], "
        "adopt_offer_id='dps:fallback-offer:1'), opts=pulumi.ResourceOptions(protect=True))\n"
        "as_dict = FallbackOffer('as-dict', {'name': 'y', 'adoptOfferId': 'dps:fallback-offer:2'})\n"
        "created = FallbackOffer('created', FallbackOfferArgs(name='z', representations=[]))\n"
        "other = something('x', adopt_offer_id='dps:fallback-offer:3')\n"
    )
    assert previous_names(source) == {
        "dps:fallback-offer:1": Naming("homepage", "home-page"),
        "dps:fallback-offer:2": Naming("as_dict", "as-dict"),
    }
    assert previous_names("this is not python (") == {}


def test_a_previous_name_that_is_no_longer_usable_is_replaced() -> None:
    offers = [listed("dps:fallback-offer:a", "Spring")]
    names = assign_names(offers, {"dps:fallback-offer:a": Naming("class", "spring")})
    assert names["dps:fallback-offer:a"] == Naming("spring", "spring")


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        "it's",
        'say "hi"',
        "both ' and \"",
        "back\\slash",
        "new\nline",
        "tab\tand\rcr",
        "émoji 😀 ✓",
        "line\u2028separator",
        "nul\x00byte",
        '"""triple"""',
        "'''",
        "\\N{DASH}",
        "{braces} %s",
    ],
)
def test_string_literals_round_trip_exactly(text: str) -> None:
    literal = string_literal(text)
    assert ast.literal_eval(literal) == text
    assert "\n" not in literal and "\r" not in literal


def test_string_literals_prefer_double_quotes_like_black() -> None:
    assert string_literal("plain") == '"plain"'
    assert string_literal("it's") == '"it\'s"'
    assert string_literal('say "hi"') == "'say \"hi\"'"


def test_only_fields_present_on_the_offer_are_written() -> None:
    source = render_program({"FallbackOffer": [listed("dps:fallback-offer:a", "Bare")]}, "prod").source
    for absent in (
        "description=",
        "characteristics=",
        "selection_constraint=",
        "rank=",
        "tags=",
        "language=",
        "content=",
        "link_url=",
    ):
        assert absent not in source
    assert "delivery_url=" in source and 'sandbox_name="prod"' in source


def test_the_program_declares_exactly_the_canonical_offer_plus_sandbox_and_adoption(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    offers = [
        listed(
            "dps:fallback-offer:a",
            "Every field",
            description='It\'s "q"\nnew line é',
            status="draft",
            characteristics={"a.b-c_d": "x", "9": "nine", "empty": ""},
            selectionConstraint={
                "startDate": "2025-06-01T00:00:00Z",
                "endDate": "2030-01-01T02:00:00+02:00",
                "profileConstraintType": "none",
            },
            rank={"priority": 3},
            tags=["one", "two"],
            representations=[
                {
                    "channel": WEB,
                    "placement": "p1",
                    "components": [
                        {
                            "type": "html",
                            "format": "text/html",
                            "language": ["en-US", "fr"],
                            "content": "<p class=\"x\">Hi\n'there'</p>",
                        },
                        {
                            "type": "imagelink",
                            "format": "image/png",
                            "deliveryURL": "https://a.example/x.png",
                            "linkURL": "https://a.example/",
                            "language": [],
                        },
                    ],
                },
                {
                    "channel": "https://ns.adobe.com/xdm/channel-types/email",
                    "placement": "p2",
                    "components": [{"type": "json", "format": "application/json", "content": '{"k": [1, 2]}'}],
                },
            ],
        ),
        listed("dps:fallback-offer:b", "class"),
    ]

    program = render_program({"FallbackOffer": offers}, "prod")
    resources, exported = run_program(program.source, monkeypatch)

    by_id = {resource.inputs["adoptOfferId"]: resource for resource in resources.values()}
    for offer in offers:
        declared = by_id[offer["id"]]
        assert declared.inputs == {
            **canonical(FALLBACK_OFFER, offer),
            "sandboxName": "prod",
            "adoptOfferId": offer["id"],
        }
        assert declared.resource_name == program.names[offer["id"]].resource_name
    assert exported == {"fallbackOfferIds": {r.resource_name: r.id for r in resources.values()}}
    assert set(resources) == {"every_field", "offer_class"}


def test_the_layout_is_black_like(monkeypatch: pytest.MonkeyPatch) -> None:
    offers = [listed(f"dps:fallback-offer:{n}", f"Offer {n}", characteristics={"k": "v" * n}) for n in range(1, 4)]
    source = render_program({"FallbackOffer": offers}, "prod").source

    lines = source.splitlines()
    assert source.endswith(")\n") and not source.endswith("\n\n")
    assert all(line == line.rstrip() for line in lines)
    assert all((len(line) - len(line.lstrip(" "))) % 4 == 0 for line in lines)
    assert all(len(line) <= LINE_LENGTH for line in lines if not line.startswith("#"))
    assert "\t" not in source
    assert '        name="Offer 1",\n        status="approved",\n' in source  # one field per line
    assert (
        render_program({"FallbackOffer": list(reversed(offers))}, "prod").source == source
    )  # deterministic, order-free


def test_imports_name_only_the_classes_the_program_uses() -> None:
    source = render_program({"FallbackOffer": [listed("dps:fallback-offer:a", "Bare")]}, "prod").source
    tree = ast.parse(source)
    [from_import] = [node for node in tree.body if isinstance(node, ast.ImportFrom)]
    assert sorted(alias.name for alias in from_import.names) == [
        "ComponentArgs",
        "FallbackOffer",
        "FallbackOfferArgs",
        "RepresentationArgs",
    ]


def test_an_offer_the_provider_would_reject_is_still_written_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    odd = listed(
        "dps:fallback-offer:odd",
        "Odd",
        characteristics={"has space": "x"},
        representations=[
            {"channel": WEB, "placement": "p", "components": [{"type": "text", "format": "text/plain", "extra": 1}]}
        ],
    )

    program = render_program({"FallbackOffer": [odd]}, "prod")

    assert any("characteristics: key 'has space'" in problem for problem in program.problems["dps:fallback-offer:odd"])
    assert "# NOTE: the provider's check rejects this fallback offer as it is" in program.source
    resources, _ = run_program(program.source, monkeypatch)
    [declared] = resources.values()
    assert declared.inputs["representations"][0]["components"] == [{"type": "text", "format": "text/plain", "extra": 1}]
    assert declared.inputs["characteristics"] == {"has space": "x"}


def test_comments_cannot_be_broken_by_names_or_creators_with_line_breaks(monkeypatch: pytest.MonkeyPatch) -> None:
    sneaky = listed(
        "dps:fallback-offer:x", "two\nlines\u2028x = 1\rprint('owned')", createdBy="a\nb@techacct.adobe.com"
    )
    program = render_program({"FallbackOffer": [sneaky]}, "prod\nimport os")
    resources, _ = run_program(program.source, monkeypatch)
    assert [r.inputs["name"] for r in resources.values()] == [sneaky["name"]]
    assert [r.inputs["sandboxName"] for r in resources.values()] == ["prod\nimport os"]


def test_an_empty_listing_renders_a_program_that_declares_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    resources, exported = run_program(render_program({"FallbackOffer": []}, "prod").source, monkeypatch)
    assert resources == {} and exported == {"fallbackOfferIds": {}}


def test_a_reference_to_an_exported_object_is_its_variables_id_and_others_stay_literal() -> None:
    placement = {
        "id": "dps:offer-placement:aaaa",
        "name": "Home banner",
        "channel": WEB,
        "componentType": "text",
        "created": "2024-01-01T00:00:00.000+00:00",
    }
    shown = listed(
        "dps:fallback-offer:b",
        "Shown",
        representations=[
            {
                "channel": WEB,
                "placement": "dps:offer-placement:aaaa",
                "components": [{"type": "text", "format": "text/plain"}],
            },
            {
                "channel": WEB,
                "placement": "dps:offer-placement:elsewhere",
                "components": [{"type": "text", "format": "text/plain"}],
            },
        ],
        tags=["dps:tag:not-exported"],
    )

    source = render_program({"FallbackOffer": [shown], "Placement": [placement]}, "prod").source

    assert source.index("home_banner = Placement(") < source.index("shown = FallbackOffer(")
    assert "placement=home_banner.id," in source
    assert 'placement="dps:offer-placement:elsewhere",  # not in this export' in source
    assert '"dps:tag:not-exported",  # not in this export' in source
    compile(source, "__main__.py", "exec")


def test_names_given_to_objects_of_every_kind_are_kept_on_a_second_export() -> None:
    placement = {"id": "dps:offer-placement:aaaa", "name": "Home banner", "channel": WEB, "componentType": "text"}
    first = render_program({"Placement": [placement]}, "prod")

    assert previous_names(first.source) == first.names
