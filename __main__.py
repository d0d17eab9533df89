"""Example stack: a whole decisioning chain as code.

Two placements; a fallback offer shown in each (its representation names ``placement.id``); a
decision whose criteria name the placements and whose ``fallback`` names the web offer. The
references are Pulumi inputs, so the engine creates the placements first and deletes them last.

Run it against the local emulator with ``./run.sh demo``; point ``adobe:*`` config at a real
sandbox to run it for real.
"""

import pulumi

from provider import (
    ComponentArgs,
    Decision,
    DecisionArgs,
    DecisionCriterionArgs,
    FallbackOffer,
    FallbackOfferArgs,
    OptionSelectionArgs,
    Placement,
    PlacementArgs,
    RepresentationArgs,
)

WEB = "https://ns.adobe.com/xdm/channel-types/web"
EMAIL = "https://ns.adobe.com/xdm/channel-types/email"

config = pulumi.Config("offerform")
campaign = config.get("campaign") or "spring"
# The collection of personalized offers the decision picks from (managed elsewhere, for now).
collection_id = config.get("collectionId") or "dps:offer-filter:1a2b3c4d5e6f7a8b"

web_banner = Placement(
    "web-banner",
    PlacementArgs(
        name="Home page banner",
        description="The banner at the top of the home page",
        channel=WEB,
        component_type="imagelink",
    ),
)

email_block = Placement(
    "email-block",
    PlacementArgs(
        name="Newsletter offer block",
        channel=EMAIL,
        component_type="html",
    ),
)

web_fallback = FallbackOffer(
    "web-fallback",
    FallbackOfferArgs(
        name=f"{campaign.title()} web fallback",
        description="Shown on the home page banner when no personalized offer qualifies",
        status="approved",
        representations=[
            RepresentationArgs(
                channel=WEB,
                placement=web_banner.id,
                components=[
                    ComponentArgs(
                        type="imagelink",
                        format="image/png",
                        delivery_url=f"https://cdn.example.com/{campaign}/banner.png",
                        link_url=f"https://www.example.com/{campaign}",
                        language=["en-US"],
                    )
                ],
            )
        ],
        characteristics={"campaign": campaign, "owner": "growth-team"},
    ),
)

email_fallback = FallbackOffer(
    "email-fallback",
    FallbackOfferArgs(
        name=f"{campaign.title()} email fallback",
        status="approved",
        representations=[
            RepresentationArgs(
                channel=EMAIL,
                placement=email_block.id,
                components=[
                    ComponentArgs(
                        type="html",
                        format="text/html",
                        content=f"<p>Discover our {campaign} collection.</p>",
                        language=["en-US"],
                    )
                ],
            )
        ],
        characteristics={"campaign": campaign},
    ),
)

decision = Decision(
    "spring-decision",
    DecisionArgs(
        name=f"{campaign.title()} decision",
        status="draft",
        fallback=web_fallback.id,
        criteria=[
            DecisionCriterionArgs(
                placements=[web_banner.id, email_block.id],
                option_selection=OptionSelectionArgs(filter=collection_id),
            )
        ],
    ),
)

pulumi.export("placementIds", {"web": web_banner.id, "email": email_block.id})
pulumi.export("fallbackOfferIds", {"web": web_fallback.id, "email": email_fallback.id})
pulumi.export("fallbackOfferEtags", {"web": web_fallback.etag, "email": email_fallback.etag})
pulumi.export("decisionId", decision.id)
