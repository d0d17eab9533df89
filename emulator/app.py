"""The WSGI application: routing, the request log, fault injection and error rendering around the handlers."""

from __future__ import annotations

import json
import logging
import socket
import time
import uuid
from typing import Any, Callable, Iterable
from urllib.parse import parse_qsl

from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request

from .errors import ApiError, gateway_error, ims_error, problem, status_phrase
from .faults import Fault, FaultInjector
from .gateway import authenticate
from .ims import TokenIssuer
from .kinds import collection_paths, item_methods, kind_at, kind_for_body, path_kinds
from .library_api import LibraryApi
from .log import REDACTED, LoggedRequest, RequestLog, redact_headers, redact_mapping
from .replies import Reply
from .schema_registry import PREFIX as SCHEMA_PREFIX
from .schema_registry import list_schemas, look_up, stats
from .settings import ServiceConfig
from .store import Store

IMS_PATH = "/ims/token/v3"
DPS_PREFIX = "/data/core/dps"

_logger = logging.getLogger("offerform_emulator.app")


def _routes() -> Map:
    """IMS's token endpoint, and a collection and an item route for every collection path of the family."""
    rules = [Rule(IMS_PATH, methods=["POST"], endpoint="token")]
    for path in collection_paths():
        rules += [
            Rule(
                f"{DPS_PREFIX}/{path}",
                methods=["GET", "POST"],
                endpoint="collection",
                defaults={"path": path},
                strict_slashes=False,
            ),
            # Ids contain colons (dps:fallback-offer:...): the path converter takes them whole.
            Rule(
                f"{DPS_PREFIX}/{path}/<path:object_id>",
                methods=item_methods(path),
                endpoint="item",
                defaults={"path": path},
            ),
        ]
    rules += [
        Rule(f"{SCHEMA_PREFIX}/stats", methods=["GET"], endpoint="stats"),
        Rule(f"{SCHEMA_PREFIX}/tenant/schemas", methods=["GET"], endpoint="schemas"),
        Rule(f"{SCHEMA_PREFIX}/tenant/schemas/<path:schema_id>", methods=["GET"], endpoint="schema"),
    ]
    # Schema ids in paths may be whole URLs (https://ns.adobe.com/...): keep their double slashes.
    return Map(rules, merge_slashes=False)


_ROUTES = _routes()

# A truncated JSON answer, as a proxy that cut the stream would leave it.
_BAD_JSON = b'{"id": "dps:fallback-offer:1a2b3c4d5e6f7a8b", "etag": 1, "createdDa'
_HTML_PAGE = (
    "<html>\r\n<head><title>{status} {phrase}</title></head>\r\n<body>\r\n<center><h1>{status} {phrase}</h1>"
    "</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


_NOT_JSON = object()


class DropConnection(Exception):
    """Raised inside a handler to close the client's connection without any answer."""


def service_of(path: str) -> str:
    """Which emulated service a path belongs to: "ims" or "dps"."""
    return "ims" if path.startswith("/ims") else "dps"


def kind_of_request(
    path: str, offer_type: str | None, body: Any = None, filters: list[str] | None = None, store: Store | None = None
) -> str | None:
    """The kind of object a dps request addresses (for the log), or None (IMS, unknown route or offer type).

    Where two kinds share a path: a create's body flag tells, an item's stored kind tells, and a list
    is the flagged kind's when a `property` filter asks for the flag (`exdRule==true`), else the legacy one's.
    """
    if not path.startswith(DPS_PREFIX + "/"):
        return None
    collection, _, object_id = path[len(DPS_PREFIX) + 1 :].partition("/")
    kind = kind_at(collection, offer_type)
    kinds = path_kinds(collection)
    if kind is None or kind.flag is None:
        return kind.name if kind else None
    if object_id:
        held = store.kind_name_of(object_id) if store is not None else None
        return held if held in {k.name for k in kinds} else kind.name
    if body is not None:
        return kind_for_body(collection, offer_type, body).name
    for flagged in kinds:
        assert flagged.flag is not None
        wanted = f"{flagged.flag[0]}=={str(flagged.flag[1]).lower()}"
        if flagged.flag[1] and any(wanted in (f or "").replace(" ", "") for f in filters or []):
            return flagged.name
    return kind.name


def _logged_body(raw: bytes, service: str) -> Any:
    """The body as the log keeps it: JSON parsed, IMS forms as a dict with secrets hidden, else text; None if empty.

    An IMS body that is neither JSON nor a form is logged as "***": it may hold a secret in some other shape.
    """
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        parsed = _NOT_JSON
    if service != "ims":
        return text if parsed is _NOT_JSON else parsed
    if isinstance(parsed, dict):
        return redact_mapping(parsed)
    pairs = parse_qsl(text, keep_blank_values=True)
    if parsed is _NOT_JSON and pairs:
        return redact_mapping(dict(pairs))
    return REDACTED


def _port(environ: dict[str, Any]) -> int | None:
    """The client's TCP port, when the server says."""
    port = environ.get("REMOTE_PORT")
    return int(port) if port else None


def _drop(environ: dict[str, Any]) -> None:
    """Shut the TCP connection down so the client sees it closed with no response at all."""
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class EmulatorApp:
    """One WSGI callable serving both IMS and the Offer Library, with logging and faults around them."""

    def __init__(
        self, tokens: TokenIssuer, store: Store, config: ServiceConfig, log: RequestLog, faults: FaultInjector
    ) -> None:
        self.tokens = tokens
        self.config = config
        self.log = log
        self.faults = faults
        self.library = LibraryApi(store, config)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        service = service_of(request.path)
        raw = request.get_data(cache=True)
        entry: LoggedRequest | None = self.log.open(
            LoggedRequest(
                method=request.method,
                path=request.path,
                query=redact_mapping(request.args.to_dict(flat=False)),
                headers=redact_headers(dict(request.headers.items())),
                body=_logged_body(raw, service),
                status=None,
                fault=None,
                service=service,
                started=time.time(),
                duration=0.0,
                kind=kind_of_request(
                    request.path,
                    request.args.get("offer-type"),
                    _logged_body(raw, service) if request.method == "POST" else None,
                    request.args.getlist("property"),
                    self.library.store,
                ),
                client_port=_port(environ),
            )
        )
        began = time.monotonic()
        request_id = str(uuid.uuid4())
        fault: Fault | None = None
        status: int | None = None
        try:
            if self.faults.latency > 0:
                time.sleep(self.faults.latency)
            fault = self.faults.pick(service, request.method, request.path)
            reply = self._with_fault(request, service, fault, request_id)
            status = reply.status
            # The log is complete before a single byte goes out, so a client never sees an answer
            # the log does not show yet.
            return reply.to_response(request_id)(environ, start_response)
        except DropConnection:
            if entry is not None:
                self.log.close(entry, None, fault.kind if fault else None, time.monotonic() - began)
            entry = None
            _drop(environ)
            # werkzeug's server treats ConnectionError as "client went away" and writes nothing more.
            raise ConnectionAbortedError("connection dropped by fault injection") from None
        finally:
            if entry is not None:
                self.log.close(entry, status, fault.kind if fault else None, time.monotonic() - began)

    # -- faults -----------------------------------------------------------------------------------

    def _with_fault(self, request: Request, service: str, fault: Fault | None, request_id: str) -> Reply:
        """The reply once the fault (if any) has had its way: before, instead of, or after the real handling."""
        if fault is None:
            return self._handle(request, service, request_id)
        try:
            return self._faulted(request, service, fault, request_id)
        finally:
            if fault.meanwhile is not None:
                fault.meanwhile()

    def _faulted(self, request: Request, service: str, fault: Fault, request_id: str) -> Reply:
        kind = fault.kind
        if kind in ("delay", "stall"):
            time.sleep(fault.delay or 0.0)
        if kind in ("drop", "stall"):
            raise DropConnection()
        if kind == "status":
            return self._fault_reply(service, fault, request_id)
        if kind == "html":
            return self._html_reply(fault)
        if kind == "bad_json":
            return Reply(200, raw=_BAD_JSON, content_type="application/json")
        reply = self._handle(request, service, request_id)
        if kind == "commit_then_drop":
            raise DropConnection()
        if kind == "commit_then_status":
            return self._fault_reply(service, fault, request_id)
        if kind == "missing_id" and isinstance(reply.body, dict):
            reply.body.pop("id", None)
        return reply

    @staticmethod
    def _retry_headers(fault: Fault) -> dict[str, str]:
        return {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}

    def _fault_reply(self, service: str, fault: Fault, request_id: str) -> Reply:
        """An injected error status, in the shape the real component would use for it."""
        status = fault.status or 500
        headers = self._retry_headers(fault)
        if service == "ims":
            error = "too_many_requests" if status == 429 else "server_error"
            err = ims_error(status, error, f"{status_phrase(status)} (injected fault)")
            err.headers.update(headers)
        elif status == 429:
            err = gateway_error(429, "429050", "Too many requests", headers)
        else:
            err = problem(status, f"{status_phrase(status)} (injected fault)", headers=headers)
        return Reply.error(err, request_id)

    def _html_reply(self, fault: Fault) -> Reply:
        status = fault.status or 502
        page = _HTML_PAGE.format(status=status, phrase=status_phrase(status)).encode()
        return Reply(status, raw=page, content_type="text/html", headers=self._retry_headers(fault))

    # -- routing ----------------------------------------------------------------------------------

    def _handle(self, request: Request, service: str, request_id: str) -> Reply:
        """The real answer, errors included (unexpected exceptions become a 500 problem)."""
        try:
            return self._dispatch(request, service)
        except ApiError as err:
            return Reply.error(err, request_id)
        except Exception:
            _logger.exception("unexpected error handling %s %s", request.method, request.path)
            return Reply.error(problem(500, "unexpected error in the emulator"), request_id)

    def _dispatch(self, request: Request, service: str) -> Reply:
        if service == "dps" and (
            request.path == DPS_PREFIX or request.path.startswith((DPS_PREFIX + "/", SCHEMA_PREFIX + "/"))
        ):
            # The gateway authenticates before the service routes.
            caller = authenticate(request.headers, self.tokens, self.config.sandboxes)
        else:
            caller = None
        adapter = _ROUTES.bind_to_environ(request.environ)
        try:
            endpoint, values = adapter.match()
        except MethodNotAllowed as exc:
            allowed = sorted(exc.valid_methods or [])
            raise problem(
                405,
                f"{request.method} is not allowed on {request.path}; allowed: {', '.join(allowed)}",
                headers={"Allow": ", ".join(allowed)},
            )
        except HTTPException:  # NotFound, or a redirect the router would suggest: both are "no such route"
            raise problem(404, f"no route for {request.path}", "route-not-found")
        if endpoint == "token":
            return Reply(200, self.tokens.issue(request.form.to_dict()))
        assert caller is not None
        if endpoint == "stats":
            return stats(self.library.store, caller)
        if endpoint == "schemas":
            return list_schemas(self.library.store, caller)
        if endpoint == "schema":
            return look_up(request, self.library.store, caller, values["schema_id"])
        if endpoint == "collection":
            return self.library.collection(request, caller, values["path"])
        return self.library.item(request, caller, values["path"], values["object_id"])
