"""Listing fallback offers: property filters, ordering, page size and next-page links."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from offerform_emulator import Emulator

from .conftest import Dps


def _rest(dps: Dps, first_page: dict[str, Any]) -> list[str]:
    """Names on every page after `first_page`, following next links."""
    names: list[str] = []
    links = first_page["_links"]
    while "next" in links:
        page = dps.follow(links["next"]["href"]).json()
        names += [offer["name"] for offer in page["results"]]
        links = page["_links"]
    return names


def _names(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [offer["name"] for offer in response.json()["results"]]


@pytest.fixture
def fruit(dps: Dps) -> list[str]:
    """Five offers; the names and characteristics are what the filters below look at."""
    rows = [
        ("apple", "red", "approved"),
        ("banana", "yellow", "draft"),
        ("cherry", "red", "approved"),
        ("date", "brown", "archived"),
        ("elderberry", "purple", "draft"),
    ]
    for name, colour, status in rows:
        dps.create_ok(
            name=name,
            status=status,
            characteristics={"colour": colour},
            tags=["xcore:tag:fruit", f"xcore:tag:{colour}"],
        )
    return [name for name, _, _ in rows]


def test_an_empty_sandbox_lists_nothing(dps: Dps) -> None:
    body = dps.list().json()
    assert body["results"] == [] and body["count"] == 0 and body["total"] == 0
    assert "next" not in body["_links"]


def test_results_are_look_up_shapes_in_creation_order(dps: Dps, fruit: list[str]) -> None:
    response = dps.list()
    assert _names(response) == fruit
    first = response.json()["results"][0]
    assert first == dps.get(first["id"]).json()


def test_count_is_the_page_and_total_is_every_match(dps: Dps, fruit: list[str]) -> None:
    body = dps.list({"limit": 2}).json()
    assert body["count"] == 2 and body["total"] == 5


def test_default_page_size_is_20_and_next_leads_to_the_rest(dps: Dps) -> None:
    for i in range(23):
        dps.create_ok(name=f"offer {i:02d}")
    first = dps.list().json()
    assert first["count"] == 20 and first["total"] == 23
    second = dps.follow(first["_links"]["next"]["href"]).json()
    assert [o["name"] for o in second["results"]] == ["offer 20", "offer 21", "offer 22"]
    assert "next" not in second["_links"]


def test_following_next_links_visits_every_offer_once(dps: Dps, fruit: list[str]) -> None:
    assert [o["name"] for o in dps.list_all({"limit": 2})] == fruit


def test_next_link_is_relative_and_carries_a_start_cursor(dps: Dps, fruit: list[str]) -> None:
    href = dps.list({"limit": 2}).json()["_links"]["next"]["href"]
    assert href.startswith("/offers?offer-type=fallback&")
    assert "limit=2" in href and "start=" in href


@pytest.mark.parametrize(
    ("form", "prefix"),
    [
        ("root", "/data/core/dps/offers?"),
        ("absolute", "{url}/data/core/dps/offers?"),
    ],
    ids=["root-relative", "absolute"],
)
def test_links_can_be_root_relative_or_absolute(
    dps: Dps, emulator: Emulator, fruit: list[str], form: str, prefix: str
) -> None:
    emulator.link_form = form
    links = dps.list({"limit": 2}).json()["_links"]
    assert links["next"]["href"].startswith(prefix.format(url=emulator.url))
    assert links["self"]["href"].startswith(prefix.format(url=emulator.url))


def test_self_link_echoes_the_query(dps: Dps, fruit: list[str]) -> None:
    assert dps.list({"limit": 3}).json()["_links"]["self"]["href"] == "/offers?offer-type=fallback&limit=3"


def test_next_link_keeps_filters_and_order(dps: Dps, fruit: list[str]) -> None:
    params = [("property", "status!=archived"), ("orderby", "-name"), ("limit", "2")]
    assert [o["name"] for o in dps.list_all(params)] == ["elderberry", "cherry", "banana", "apple"]


def test_the_last_page_has_no_next_link(dps: Dps, fruit: list[str]) -> None:
    assert "next" not in dps.list({"limit": 5}).json()["_links"]


def test_limit_is_capped_at_the_maximum_page_size(
    new_token: Callable[[Emulator], str], dps_for: Callable[..., Dps], body: Callable[..., dict[str, Any]]
) -> None:
    with Emulator(max_page_size=3) as emu:
        client = dps_for(emu, new_token(emu))
        for _ in range(4):
            client.create(body())
        page = client.list({"limit": 50}).json()
        assert page["count"] == 3 and "next" in page["_links"]


def test_default_page_size_is_configurable(
    new_token: Callable[[Emulator], str], dps_for: Callable[..., Dps], body: Callable[..., dict[str, Any]]
) -> None:
    with Emulator(default_page_size=2) as emu:
        client = dps_for(emu, new_token(emu))
        for _ in range(3):
            client.create(body())
        assert client.list().json()["count"] == 2


@pytest.mark.parametrize("limit", ["0", "-1", "ten", "2.5"])
def test_an_invalid_limit_is_400(dps: Dps, limit: str) -> None:
    response = dps.list({"limit": limit})
    assert response.status_code == 400
    assert "limit" in response.json()["detail"]


def test_an_invalid_start_cursor_is_400(dps: Dps) -> None:
    response = dps.list({"start": "not-a-cursor"})
    assert response.status_code == 400
    assert "start" in response.json()["detail"]


def test_paging_skips_nothing_when_offers_are_created_between_pages(dps: Dps, fruit: list[str]) -> None:
    first = dps.list({"limit": 2, "orderby": "name"}).json()
    dps.create_ok(name="aardvark")  # sorts before everything already seen
    assert _rest(dps, first) == ["cherry", "date", "elderberry"]


def test_paging_skips_nothing_when_a_seen_offer_is_deleted(dps: Dps, fruit: list[str]) -> None:
    first = dps.list({"limit": 2}).json()
    dps.delete(first["results"][0]["id"])
    assert _rest(dps, first) == ["cherry", "date", "elderberry"]


def test_filter_equals(dps: Dps, fruit: list[str]) -> None:
    assert _names(dps.list({"property": "name==cherry"})) == ["cherry"]


def test_filter_values_are_url_decoded(dps: Dps, fruit: list[str]) -> None:
    dps.create_ok(name="Spring fallback & more")
    assert _names(dps.list({"property": "name==Spring fallback & more"})) == ["Spring fallback & more"]


def test_filter_not_equals(dps: Dps, fruit: list[str]) -> None:
    assert _names(dps.list({"property": "status!=draft"})) == ["apple", "cherry", "date"]


def test_filter_regex_searches(dps: Dps, fruit: list[str]) -> None:
    assert _names(dps.list({"property": "name~an"})) == ["banana"]
    assert _names(dps.list({"property": "name~^(a|d)"})) == ["apple", "date"]


def test_a_regex_containing_a_comma_is_not_split(dps: Dps, fruit: list[str]) -> None:
    assert _names(dps.list({"property": "name~^[a-z]{4,5}$"})) == ["apple", "date"]


def test_an_invalid_regex_is_400(dps: Dps) -> None:
    assert dps.list({"property": "name~(unclosed"}).status_code == 400


def test_filter_string_ordering(dps: Dps, fruit: list[str]) -> None:
    assert _names(dps.list({"property": "name<c"})) == ["apple", "banana"]
    assert _names(dps.list({"property": "name>=date"})) == ["date", "elderberry"]


def test_filter_numbers_compare_numerically(dps: Dps, fruit: list[str]) -> None:
    offers = dps.list().json()["results"]
    dps.patch(offers[1]["id"], [{"op": "replace", "path": "/description", "value": "again"}])
    assert _names(dps.list({"property": "etag>1"})) == ["banana"]
    assert _names(dps.list({"property": "etag<=1"})) == ["apple", "cherry", "date", "elderberry"]


def test_a_bare_field_means_the_field_exists(dps: Dps, fruit: list[str]) -> None:
    dps.create_ok(name="plain", description=None)
    assert "plain" not in _names(dps.list({"property": "description"}))
    assert _names(dps.list({"property": "!description"})) == ["plain"]


def test_a_leading_bang_negates_the_expression(dps: Dps, fruit: list[str]) -> None:
    assert _names(dps.list({"property": "!name~e"})) == ["banana"]


def test_repeated_property_filters_are_anded(dps: Dps, fruit: list[str]) -> None:
    params = [("property", "status==approved"), ("property", "name!=apple")]
    assert _names(dps.list(params)) == ["cherry"]


def test_comma_separated_property_filters_are_anded(dps: Dps, fruit: list[str]) -> None:
    assert _names(dps.list({"property": "status==approved,name!=apple"})) == ["cherry"]


def test_filter_on_a_characteristic_by_dot_path(dps: Dps, fruit: list[str]) -> None:
    assert _names(dps.list({"property": "characteristics.colour==red"})) == ["apple", "cherry"]


def test_filter_on_a_list_field_matches_any_element(dps: Dps, fruit: list[str]) -> None:
    assert _names(dps.list({"property": "tags==xcore:tag:yellow"})) == ["banana"]


def test_filter_through_representations_matches_any_representation(dps: Dps, fruit: list[str]) -> None:
    web = "https://ns.adobe.com/xdm/channel-types/web"
    assert len(_names(dps.list({"property": f"representations.channel=={web}"}))) == 5
    assert _names(dps.list({"property": "representations.channel~email"})) == []


def test_filter_by_id(dps: Dps, fruit: list[str]) -> None:
    target = dps.list().json()["results"][3]
    assert _names(dps.list({"property": f"id=={target['id']}"})) == ["date"]


def test_a_malformed_filter_is_400(dps: Dps) -> None:
    response = dps.list({"property": "name=apple"})
    assert response.status_code == 400
    assert "name=apple" in response.json()["detail"]


def test_total_counts_only_matching_offers(dps: Dps, fruit: list[str]) -> None:
    body = dps.list({"property": "status==draft", "limit": 1}).json()
    assert body["total"] == 2 and body["count"] == 1


def test_orderby_sorts_ascending(dps: Dps, fruit: list[str]) -> None:
    dps.create_ok(name="avocado")
    assert _names(dps.list({"orderby": "name"}))[:3] == ["apple", "avocado", "banana"]


def test_orderby_with_a_minus_sorts_descending(dps: Dps, fruit: list[str]) -> None:
    assert _names(dps.list({"orderby": "-name"})) == list(reversed(fruit))


def test_orderBy_is_accepted_too(dps: Dps, fruit: list[str]) -> None:
    assert _names(dps.list({"orderBy": "-name"})) == list(reversed(fruit))


def test_orderby_takes_several_fields(dps: Dps, fruit: list[str]) -> None:
    assert _names(dps.list({"orderby": "status,-name"})) == ["cherry", "apple", "date", "elderberry", "banana"]


def test_orderby_a_characteristic(dps: Dps, fruit: list[str]) -> None:
    assert _names(dps.list({"orderby": "characteristics.colour,name"})) == [
        "date",
        "elderberry",
        "apple",
        "cherry",
        "banana",
    ]


def test_offers_without_the_order_field_come_last(dps: Dps, fruit: list[str]) -> None:
    dps.create_ok(name="no description", description=None)
    dps.patch(dps.list().json()["results"][2]["id"], [{"op": "replace", "path": "/description", "value": "A"}])
    names = _names(dps.list({"orderby": "description"}))
    assert names[0] == "cherry" and names[-1] == "no description"
    assert _names(dps.list({"orderby": "-description"}))[-1] == "no description"


def test_a_malformed_orderby_is_400(dps: Dps) -> None:
    assert dps.list({"orderby": "name,,"}).status_code == 400


def test_an_offer_created_during_paging_appears_on_a_later_page(dps: Dps, fruit: list[str]) -> None:
    first = dps.list({"limit": 2}).json()
    dps.create_ok(name="fig")
    assert _rest(dps, first) == ["cherry", "date", "elderberry", "fig"]
