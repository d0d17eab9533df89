"""The Offer Library endpoints under /data/core/dps, alike for every kind: create, list, look up, update, delete."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Request

from .errors import bad_request, not_found
from .gateway import Caller
from .kinds import Kind, resolve
from .listing import links, paginate, parse_filters, parse_limit, parse_order
from .replies import Reply
from .settings import ServiceConfig
from .store import Store


def parse_json_body(raw: bytes) -> Any:
    """The request body as JSON; 400 when it is empty or not JSON."""
    if not raw.strip():
        raise bad_request("a JSON request body is required")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad_request(f"the request body is not valid JSON: {exc}") from exc


class LibraryApi:
    """Handlers for one authenticated caller's request; the store does the atomic work."""

    def __init__(self, store: Store, config: ServiceConfig) -> None:
        self.store = store
        self.config = config

    def collection(self, request: Request, caller: Caller, path: str) -> Reply:
        """`/{path}`: GET lists, POST creates."""
        kind = resolve(path, request.args.get("offer-type"))
        if request.method == "POST":
            body = parse_json_body(request.get_data())
            return Reply(201, self.store.create(kind, caller.org, caller.sandbox, body, caller.client_id))
        return self._list(request, caller, kind)

    def item(self, request: Request, caller: Caller, path: str, object_id: str) -> Reply:
        """`/{path}/{id}`: GET looks up, PATCH (or, where the kind takes it, PUT) updates, DELETE deletes."""
        kind = resolve(path, request.args.get("offer-type"))
        org, sandbox = caller.org, caller.sandbox
        if request.method == "PATCH":
            ops = parse_json_body(request.get_data())
            return Reply(
                200,
                self.store.patch(kind, org, sandbox, object_id, ops, caller.client_id, self.config.test_failure_status),
            )
        if request.method == "PUT":
            body = parse_json_body(request.get_data())
            return Reply(200, self.store.replace(kind, org, sandbox, object_id, body, caller.client_id))
        if request.method == "DELETE":
            if not self.store.delete(kind, org, sandbox, object_id):
                raise not_found(f"no {kind.title} with id {object_id}")
            return Reply(200)
        found = self.store.get(kind, org, sandbox, object_id)
        if found is None:
            raise not_found(f"no {kind.title} with id {object_id}")
        return Reply(200, found)

    def _list(self, request: Request, caller: Caller, kind: Kind) -> Reply:
        args = request.args
        filters = parse_filters(args.getlist("property"))
        order = parse_order(args.getlist("orderby") + args.getlist("orderBy"))
        limit = parse_limit(args.get("limit"), self.config.default_page_size, self.config.max_page_size)
        page = paginate(self.store.numbered(kind, caller.org, caller.sandbox), filters, order, limit, args.get("start"))
        body = {
            "results": page.results,
            "count": len(page.results),
            "total": page.total,
            "_links": links(
                list(args.items(multi=True)), page.next_cursor, self._link_base(request, kind) + "/" + kind.path
            ),
        }
        return Reply(200, body)

    def _link_base(self, request: Request, kind: Kind) -> str:
        """What comes before `/{path}` in a link, in the configured form."""
        if self.config.link_form == "api":
            return ""
        dps_base = request.path[: request.path.rindex("/" + kind.path)]
        return dps_base if self.config.link_form == "root" else request.host_url.rstrip("/") + dps_base
