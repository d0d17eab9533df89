"""The Offer Library endpoints under /data/core/dps, alike for every kind: create, list, look up, update, delete."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Request

from .errors import bad_request, not_found, problem
from .gateway import Caller
from .kinds import Kind, kind_for_body, kinds_at
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
        raise bad_request(f"the request body is not valid JSON: {exc}")


class LibraryApi:
    """Handlers for one authenticated caller's request; the store does the atomic work."""

    def __init__(self, store: Store, config: ServiceConfig) -> None:
        self.store = store
        self.config = config

    def collection(self, request: Request, caller: Caller, path: str) -> Reply:
        """`/{path}`: GET lists, POST creates (a shared path's kind is the one the body's flag names)."""
        kinds = kinds_at(path, request.args.get("offer-type"))
        self._check_schema_id(request, caller, kinds)
        if request.method == "POST":
            body = parse_json_body(request.get_data())
            kind = kind_for_body(path, request.args.get("offer-type"), body)
            return Reply(201, self.store.create(kind, caller.org, caller.sandbox, body, caller.client_id))
        return self._list(request, caller, kinds)

    def item(self, request: Request, caller: Caller, path: str, object_id: str) -> Reply:
        """`/{path}/{id}`: GET looks up, PATCH (or, where the kind takes it, PUT) updates, DELETE deletes."""
        kinds = kinds_at(path, request.args.get("offer-type"))
        self._check_schema_id(request, caller, kinds)
        org, sandbox = caller.org, caller.sandbox
        kind = self.store.kind_of(kinds, org, sandbox, object_id)
        if kind is None:
            raise not_found(f"no {' or '.join(k.title for k in kinds)} with id {object_id}")
        self._check_method(request.method, kind)
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

    @staticmethod
    def _check_method(method: str, kind: Kind) -> None:
        """405 for a verb this object's kind does not take (where a path's kinds differ, or none documents it)."""
        allowed = ["GET"] + (["PATCH"] if kind.patches else []) + (["PUT"] if kind.replace_with_put else [])
        allowed += ["DELETE"] if kind.deletes else []
        if method not in allowed:
            raise problem(
                405,
                f"{method} is not allowed on a {kind.title}; allowed: {', '.join(allowed)}",
                headers={"Allow": ", ".join(allowed)},
            )

    def _check_schema_id(self, request: Request, caller: Caller, kinds: tuple[Kind, ...]) -> None:
        """Decision item calls name the sandbox's item catalog schema in `x-schema-id`: 400 without, or another."""
        if not any(kind.needs_schema_id for kind in kinds):
            return
        given = (request.headers.get("x-schema-id") or "").strip()
        catalog = self.store.catalog(caller.org, caller.sandbox)
        if not given:
            raise bad_request(
                "the x-schema-id header is required: the id of the item catalog's schema", "dps-schema-id-missing"
            )
        if not catalog.names(given):
            raise bad_request(
                f"x-schema-id {given!r} is not the item catalog schema of sandbox {caller.sandbox} "
                f"({catalog.schema_id})",
                "dps-schema-id-invalid",
            )

    def _list(self, request: Request, caller: Caller, kinds: tuple[Kind, ...]) -> Reply:
        args = request.args
        filters = parse_filters(args.getlist("property"))
        order = parse_order(args.getlist("orderby") + args.getlist("orderBy"))
        limit = parse_limit(args.get("limit"), self.config.default_page_size, self.config.max_page_size)
        page = paginate(
            self.store.numbered(kinds, caller.org, caller.sandbox), filters, order, limit, args.get("start")
        )
        path = kinds[0].path
        body = {
            "results": page.results,
            "count": len(page.results),
            "total": page.total,
            "_links": links(
                list(args.items(multi=True)), page.next_cursor, self._link_base(request, path) + "/" + path
            ),
        }
        return Reply(200, body)

    def _link_base(self, request: Request, path: str) -> str:
        """What comes before `/{path}` in a link, in the configured form."""
        if self.config.link_form == "api":
            return ""
        dps_base = request.path[: request.path.rindex("/" + path)]
        return dps_base if self.config.link_form == "root" else request.host_url.rstrip("/") + dps_base
