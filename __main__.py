"""Example stack: two fallback offers built from stack config, and a decision payload that references them.

Run it against the local emulator with ``./run.sh demo``; point ``adobe:*`` config at a real
sandbox to run it for real.
"""

import json

import pulumi

from provider import ComponentArgs, FallbackOffer, FallbackOfferArgs, RepresentationArgs

WEB = "https://ns.adobe.com/xdm/channel-types/web"
EMAIL = "https://ns.adobe.com/xdm/channel-types/email"

config = pulumi.Config("offerform")
campaign = config.get("campaign") or "spring"
web_placement = config.get("webPlacementId") or "dps:offer-placement:1a2b3c4d5e6f7a8b"
email_placement = config.get("emailPlacementId") or "dps:offer-placement:9f8e7d6c5b4a3f2e"

web_fallback = FallbackOffer("web-fallback", FallbackOfferArgs(
    name=f"{campaign.title()} web fallback",
    description="Shown on the home page banner when no personalized offer qualifies",
    status="approved",
    representations=[RepresentationArgs(
        channel=WEB,
        placement=web_placement,
        components=[ComponentArgs(
            type="imagelink",
            format="image/png",
            delivery_url=f"https://cdn.example.com/{campaign}/banner.png",
            link_url=f"https://www.example.com/{campaign}",
            language=["en-US"],
        )],
    )],
    characteristics={"campaign": campaign, "owner": "growth-team"},
))

email_fallback = FallbackOffer("email-fallback", FallbackOfferArgs(
    name=f"{campaign.title()} email fallback",
    status="approved",
    representations=[RepresentationArgs(
        channel=EMAIL,
        placement=email_placement,
        components=[ComponentArgs(
            type="html",
            format="text/html",
            content=f"<p>Discover our {campaign} collection.</p>",
            language=["en-US"],
        )],
    )],
    characteristics={"campaign": campaign},
))

# A consumer: the body of an offer decision (/offer-decisions) that names each fallback by id.
decision = pulumi.Output.all(web_fallback.id, email_fallback.id).apply(lambda ids: {
    "name": f"{campaign.title()} decision",
    "criteria": [
        {"placements": [web_placement], "fallback": ids[0]},
        {"placements": [email_placement], "fallback": ids[1]},
    ],
    "fallback": ids[0],
})

pulumi.export("fallbackOfferIds", {"web": web_fallback.id, "email": email_fallback.id})
pulumi.export("fallbackOfferEtags", {"web": web_fallback.etag, "email": email_fallback.etag})
pulumi.export("decisionBody", decision.apply(lambda body: json.dumps(body, indent=2)))
