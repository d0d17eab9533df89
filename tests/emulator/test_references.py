"""Referential integrity, a setting (Adobe documents none): off, ids are stored as sent; on, they must exist."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from offerform_emulator import Emulator
from offerform_emulator.kinds import KINDS

from .conftest import ORG, SANDBOX, Library
from .samples import sample

Clients = Callable[..., Library]


def _graph(client_for: Clients, sandbox: str = SANDBOX) -> dict[str, str]:
    """One object of every kind, each naming the ones it may name; their ids by kind."""
    ids: dict[str, str] = {}

    def make(kind: str, **fields: Any) -> None:
        ids[kind] = client_for(kind, sandbox=sandbox).create_ok(**fields)

    make("placement")
    make("collection-qualifier")
    make("decision-rule")
    make("ranking-formula")
    representations = [{**sample("fallback-offer")["representations"][0], "placement": ids["placement"]}]
    make("fallback-offer", representations=representations, tags=[ids["collection-qualifier"]])
    make(
        "personalized-offer",
        representations=representations,
        tags=[ids["collection-qualifier"]],
        selectionConstraint={"profileConstraintType": "eligibilityRule", "eligibilityRule": ids["decision-rule"]},
    )
    make("collection", filterType="offers", ids=[ids["personalized-offer"]])
    make("decision", fallback=ids["fallback-offer"], criteria=[_criterion(ids)])
    # Decisioning: an item and a strategy name an eligibility rule, the strategy a collection and a formula.
    make("eligibility-rule")
    make("exd-ranking-formula")
    experience = sample("decision-item")["_experience"]
    experience["decisioning"]["decisionitem"]["itemConstraints"]["eligibilityRule"] = ids["eligibility-rule"]
    make("decision-item", _experience=experience)
    make("item-collection")
    make(
        "selection-strategy",
        rank={
            "priority": 1,
            "order": {"orderEvaluationType": "scoringFunction", "function": ids["exd-ranking-formula"]},
        },
        profileConstraint={"profileConstraintType": "eligibilityRule", "eligibilityRule": ids["eligibility-rule"]},
        optionSelection={"filter": ids["item-collection"]},
    )
    return ids


def _criterion(ids: dict[str, str], **overrides: Any) -> dict[str, Any]:
    criterion: dict[str, Any] = {
        "placements": [ids["placement"]],
        "rank": {"order": {"orderEvaluationType": "ranking-strategy", "rankingStrategy": ids["ranking-formula"]}},
        "profileConstraint": {"profileConstraintType": "eligibilityRule", "eligibilityRule": ids["decision-rule"]},
        "optionSelection": {"filter": ids["collection"]},
    }
    criterion.update(overrides)
    return criterion


@pytest.fixture
def checked(emulator: Emulator) -> Emulator:
    """The per-test emulator with referential integrity on."""
    emulator.referential_integrity = True
    return emulator


def test_it_is_off_by_default_and_missing_ids_are_stored_as_sent(emulator: Emulator, client_for: Clients) -> None:
    assert not emulator.referential_integrity
    decision_id = client_for("decision").create_ok(fallback="dps:fallback-offer:missing")
    assert client_for("decision").get(decision_id).json()["fallback"] == "dps:fallback-offer:missing"


def test_off_a_referenced_object_can_be_deleted(emulator: Emulator, client_for: Clients) -> None:
    ids = _graph(client_for)
    assert client_for("placement").delete(ids["placement"]).status_code == 200


def test_on_a_graph_of_every_kind_naming_existing_objects_is_accepted(checked: Emulator, client_for: Clients) -> None:
    ids = _graph(client_for)
    # Every kind that names another or is named by one: a new kind with references joins the graph.
    assert set(ids) == {kind.name for kind in KINDS if kind.references} | {
        name for kind in KINDS for reference in kind.references for name in reference.kinds
    }


MISSING = "0000000000000000"
BREAKAGES: dict[str, Callable[[dict[str, str]], dict[str, Any]]] = {
    "fallback": lambda ids: {"fallback": "dps:fallback-offer:" + MISSING},
    "criteria[0].placements[1]": lambda ids: {
        "criteria": [_criterion(ids, placements=[ids["placement"], "dps:offer-placement:" + MISSING])]
    },
    "criteria[0].optionSelection.filter": lambda ids: {
        "criteria": [_criterion(ids, optionSelection={"filter": "dps:offer-filter:" + MISSING})]
    },
    "criteria[0].rank.order.rankingStrategy": lambda ids: {
        "criteria": [
            _criterion(
                ids,
                rank={
                    "order": {
                        "orderEvaluationType": "ranking-strategy",
                        "rankingStrategy": "dps:ranking-function:" + MISSING,
                    }
                },
            )
        ]
    },
    "criteria[0].profileConstraint.eligibilityRule": lambda ids: {
        "criteria": [
            _criterion(
                ids,
                profileConstraint={
                    "profileConstraintType": "eligibilityRule",
                    "eligibilityRule": "dps:eligibility-rule:" + MISSING,
                },
            )
        ]
    },
}


@pytest.mark.parametrize("path", BREAKAGES)
def test_on_a_decision_naming_a_missing_object_is_422_naming_the_path_and_id(
    checked: Emulator, client_for: Clients, path: str
) -> None:
    ids = _graph(client_for)
    body = sample("decision", fallback=ids["fallback-offer"], criteria=[_criterion(ids)])
    body.update(BREAKAGES[path](ids))
    response = client_for("decision").create(body)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"].endswith("dps-reference-not-found")
    assert path in problem["detail"] and MISSING in problem["detail"]
    assert [m["path"] for m in problem["report"]["missing"]] == [path]
    assert len(checked.objects("decision", ORG, SANDBOX)) == 1  # only the graph's own


def test_on_an_id_of_the_wrong_kind_is_missing_too(checked: Emulator, client_for: Clients) -> None:
    ids = _graph(client_for)
    response = client_for("decision").create(sample("decision", fallback=ids["placement"], criteria=[_criterion(ids)]))
    assert response.status_code == 422
    assert response.json()["report"]["missing"] == [
        {"path": "fallback", "id": ids["placement"], "kinds": ["fallback-offer"]}
    ]


def test_on_ids_in_another_sandbox_do_not_count(checked: Emulator, client_for: Clients) -> None:
    elsewhere = _graph(client_for, sandbox="dev")
    response = client_for("decision").create(
        sample("decision", fallback=elsewhere["fallback-offer"], criteria=[_criterion(elsewhere)])
    )
    assert response.status_code == 422
    assert len(response.json()["report"]["missing"]) == 5


def test_on_a_collection_names_qualifiers_or_offers_by_its_filter_type(checked: Emulator, client_for: Clients) -> None:
    ids = _graph(client_for)
    collections = client_for("collection")
    assert (
        collections.create(sample("collection", filterType="all-tags", ids=[ids["collection-qualifier"]])).status_code
        == 201
    )
    wrong = collections.create(sample("collection", filterType="offers", ids=[ids["collection-qualifier"]]))
    assert wrong.status_code == 422 and wrong.json()["report"]["missing"][0]["kinds"] == ["personalized-offer"]


def test_on_offers_must_name_existing_placements_qualifiers_and_rules(checked: Emulator, client_for: Clients) -> None:
    response = client_for("personalized-offer").create(
        sample(
            "personalized-offer",
            tags=["dps:tag:0000000000000000"],
            selectionConstraint={
                "profileConstraintType": "eligibilityRule",
                "eligibilityRule": "dps:eligibility-rule:0000000000000000",
            },
        )
    )
    assert response.status_code == 422
    assert [m["path"] for m in response.json()["report"]["missing"]] == [
        "representations[0].placement",
        "tags[0]",
        "selectionConstraint.eligibilityRule",
    ]


def test_on_a_patch_that_names_a_missing_object_is_422_and_changes_nothing(
    checked: Emulator, client_for: Clients
) -> None:
    ids = _graph(client_for)
    decisions = client_for("decision")
    before = decisions.get(ids["decision"]).json()
    response = decisions.patch(
        ids["decision"], [{"op": "replace", "path": "/fallback", "value": "dps:fallback-offer:0000000000000000"}]
    )
    assert response.status_code == 422 and "fallback" in response.json()["detail"]
    assert decisions.get(ids["decision"]).json() == before


def test_on_deleting_an_object_still_named_is_409_naming_the_referrers(checked: Emulator, client_for: Clients) -> None:
    ids = _graph(client_for)
    response = client_for("placement").delete(ids["placement"])
    assert response.status_code == 409
    problem = response.json()
    assert problem["type"].endswith("dps-object-in-use") and ids["placement"] in problem["detail"]
    referrers = {(r["kind"], r["path"]) for r in problem["report"]["referrers"]}
    assert referrers == {
        ("fallback-offer", "representations[0].placement"),
        ("personalized-offer", "representations[0].placement"),
        ("decision", "criteria[0].placements[0]"),
    }
    assert client_for("placement").get(ids["placement"]).status_code == 200


def test_on_an_object_can_be_deleted_once_nothing_names_it(checked: Emulator, client_for: Clients) -> None:
    ids = _graph(client_for)
    assert client_for("fallback-offer").delete(ids["fallback-offer"]).status_code == 409
    assert client_for("decision").delete(ids["decision"]).status_code == 200
    assert client_for("fallback-offer").delete(ids["fallback-offer"]).status_code == 200


def test_the_setting_is_a_constructor_option_and_reset_restores_it(client_for: Clients) -> None:
    with Emulator(referential_integrity=True) as emu:
        assert emu.referential_integrity
        emu.referential_integrity = False
        emu.reset()
        assert emu.referential_integrity


def test_seeding_checks_references_when_on(checked: Emulator) -> None:
    with pytest.raises(ValueError, match="fallback names dps:fallback-offer:0000000000000000"):
        checked.seed("decision", ORG, SANDBOX, sample("decision", fallback="dps:fallback-offer:0000000000000000"))
    assert checked.objects("decision", ORG, SANDBOX) == []
