"""A code-based experience's decisioning, in Adobe Journey Optimizer's current Decisioning model.

Decision items with custom attributes from the item catalog's schema, an item collection that
selects them by an attribute, an eligibility rule, a ranking formula, and the selection strategy
that combines them. The strategy names the others by their ids as Pulumi references, so the
engine creates them first and deletes them last. Run it with ``./run.sh demo-decisioning`` (against
the local emulator) or, against Adobe, from this directory after setting the stack's config: see
``adobe:itemSchemaId`` (the catalog schema's id) and ``adobe:tenantId`` (its ``_<tenant>``).
"""

import json

import pulumi

from provider import (
    DecisionItem,
    DecisionItemArgs,
    DecisionRule,
    DecisionRuleArgs,
    EligibilityConstraintArgs,
    FormulaExpressionArgs,
    ItemCollection,
    ItemCollectionArgs,
    ItemCollectionRuleArgs,
    ItemSelectionArgs,
    RankingFormula,
    RankingFormulaArgs,
    ReturnTypeArgs,
    RuleConditionArgs,
    SelectionStrategy,
    SelectionStrategyArgs,
    StrategyOrderArgs,
    StrategyRankArgs,
)

tenant = pulumi.Config("adobe").require("tenantId")

# Decisioning rules and formulas share Adobe's collections with the legacy ones: the flag says which model.
gold = DecisionRule(
    "gold-members",
    DecisionRuleArgs(
        name="Gold members",
        description="Profiles in the gold loyalty tier",
        exd_rule=True,
        condition=RuleConditionArgs(value='profile.loyalty.tier.equals("gold", false)'),
    ),
)
by_points = RankingFormula(
    "by-points",
    RankingFormulaArgs(
        name="Most loyalty points first",
        exd_function=True,
        return_type=ReturnTypeArgs(type="integer"),
        expression=FormulaExpressionArgs(value="offer.rank.priority * 2"),
    ),
)

HEROES = {
    "spring-hero": ("Spring hero banner", 10, {"colour": "green", "points": 200}),
    "summer-hero": ("Summer hero banner", 5, {"colour": "green", "points": 100}),
    "winter-hero": ("Winter hero banner", 1, {"colour": "white", "points": 50}),
}
items = {
    key: DecisionItem(
        key,
        DecisionItemArgs(
            name=name,
            description=f"{name} of the home page's code-based experience",
            lifecycle_status="approved",
            priority=priority,
            # The custom attributes the catalog's schema defines (its `_<tenant>` object).
            attributes=attributes,
        ),
    )
    for key, (name, priority, attributes) in HEROES.items()
}

green = ItemCollection(
    "green-heroes",
    ItemCollectionArgs(
        name="Green hero banners",
        constraints=[
            ItemCollectionRuleArgs(
                ui_model=json.dumps(
                    {"operator": "equals", "value": {"left": f"_{tenant}.colour", "right": "green"}},
                    separators=(",", ":"),
                ),
            )
        ],
    ),
)

strategy = SelectionStrategy(
    "home-hero",
    SelectionStrategyArgs(
        name="Home page hero",
        description="Green heroes for gold members, most points first",
        option_selection=ItemSelectionArgs(filter=green.id),
        profile_constraint=EligibilityConstraintArgs(
            profile_constraint_type="eligibilityRule", eligibility_rule=gold.id
        ),
        rank=StrategyRankArgs(order=StrategyOrderArgs(order_evaluation_type="scoringFunction", function=by_points.id)),
    ),
)

pulumi.export("itemIds", {key: item.id for key, item in items.items()})
pulumi.export("collectionId", green.id)
pulumi.export("ruleId", gold.id)
pulumi.export("formulaId", by_points.id)
pulumi.export("strategyId", strategy.id)
