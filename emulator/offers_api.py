"""The Offer Library's fallback-offer endpoints under /data/core/dps: create, list, look up, patch, delete."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from werkzeug.wrappers import Request

from .errors import bad_request, not_found
from .gateway import Caller
from .listing import links, paginate, parse_filters, parse_limit, parse_order
from .replies import Reply
from .store import Store

SUPPORTED_OFFER_TYPE = "fallback"
# How list answers write their `_links` hrefs: relative to the dps base URL (`/offers?...`, the
# documented examples), root-relative (`/data/core/dps/offers?...`) or absolute (`http://host/...`).
LINK_FORMS = ("api", "root", "absolute")


@dataclass
class ServiceConfig:
    """Settings of the service that tests may change while the server runs."""

    test_failure_status: int = 400
    default_page_size: int = 20
    max_page_size: int = 100
    link_form: str = "api"


def parse_json_body(raw: bytes) -> Any:
    """The request body as JSON; 400 when it is empty or not JSON."""
    if not raw.strip():
        raise bad_request("a JSON request body is required")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad_request(f"the request body is not valid JSON: {exc}")


def require_offer_type(request: Request) -> None:
    """`offer-type=fallback` is required; this emulator models fallback offers only."""
    offer_type = request.args.get("offer-type")
    if offer_type is None or not offer_type.strip():
        raise bad_request("the offer-type query parameter is required (supported: fallback)")
    if offer_type != SUPPORTED_OFFER_TYPE:
        raise bad_request(f"offer-type {offer_type!r} is not supported here; the supported offer-type is fallback")


class OffersApi:
    """Handlers for one authenticated caller's request; the store does the atomic work."""

    def __init__(self, store: Store, config: ServiceConfig) -> None:
        self.store = store
        self.config = config

    def collection(self, request: Request, caller: Caller) -> Reply:
        """`/offers`: GET lists, POST creates."""
        require_offer_type(request)
        if request.method == "POST":
            body = parse_json_body(request.get_data())
            return Reply(201, self.store.create(caller.org, caller.sandbox, body, caller.client_id))
        return self._list(request, caller)

    def item(self, request: Request, caller: Caller, offer_id: str) -> Reply:
        """`/offers/{id}`: GET looks up, PATCH updates, DELETE deletes."""
        require_offer_type(request)
        if request.method == "PATCH":
            ops = parse_json_body(request.get_data())
            receipt = self.store.patch(caller.org, caller.sandbox, offer_id, ops, caller.client_id,
                                       self.config.test_failure_status)
            return Reply(200, receipt)
        if request.method == "DELETE":
            if not self.store.delete(caller.org, caller.sandbox, offer_id):
                raise not_found(f"no fallback offer with id {offer_id}")
            return Reply(200)
        offer = self.store.get(caller.org, caller.sandbox, offer_id)
        if offer is None:
            raise not_found(f"no fallback offer with id {offer_id}")
        return Reply(200, offer)

    def _list(self, request: Request, caller: Caller) -> Reply:
        args = request.args
        filters = parse_filters(args.getlist("property"))
        order = parse_order(args.getlist("orderby") + args.getlist("orderBy"))
        limit = parse_limit(args.get("limit"), self.config.default_page_size, self.config.max_page_size)
        page = paginate(self.store.numbered(caller.org, caller.sandbox), filters, order, limit, args.get("start"))
        body = {
            "results": page.results,
            "count": len(page.results),
            "total": page.total,
            "_links": links(list(args.items(multi=True)), page.next_cursor, self._link_base(request)),
        }
        return Reply(200, body)

    def _link_base(self, request: Request) -> str:
        """What comes before `/offers` in a link, in the configured form."""
        if self.config.link_form == "api":
            return ""
        dps_base = request.path[: request.path.rindex("/offers")]
        return dps_base if self.config.link_form == "root" else request.host_url.rstrip("/") + dps_base
