"""The Offer Library API over HTTP: one pooled session, retries by rule, typed errors.

Each method is one API call (plus the retries ``retry.py`` allows) on an object of any kind,
named by its ``Endpoint``; the client knows no kind. Deciding what to do about an ambiguous
write is not this module's job either: it says so with ``WriteOutcomeUnknown``.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Iterator, Optional
from urllib.parse import SplitResult, urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError

from .. import __version__
from ..core.model import Metadata
from ..core.settings import Settings
from ..core.spec import Endpoint
from ..errors import (
    BadResponseError,
    ConfigurationError,
    EndpointNotFoundError,
    OfferformError,
    TransportError,
    error_for_status,
)
from .auth import TokenSource
from .ratelimit import RateLimiter
from .redact import Redactor, debug_http_enabled, enable_debug_logging, http_log
from .retry import IDEMPOTENT_METHODS, RetryPolicy, describe_retries, last_failure, no_answer_cause

USER_AGENT = f"offerform/{__version__} (+pulumi dynamic provider; python-requests/{requests.__version__})"
POOL_SIZE = 16  # the plugin runs 4 calls at once; room for more without blocking
_CANNOT_PARSE = object()


class WriteOutcomeUnknown(OfferformError):
    """A POST or PATCH was sent but no usable answer came back: it may or may not have been applied."""

    def __init__(self, method: str, path: str, cause: str, timed_out: bool = False) -> None:
        self.method = method
        self.path = path
        self.cause = cause
        self.timed_out = timed_out
        super().__init__(f"{method} {path}: outcome unknown ({cause})")


class ServerClock:
    """How far the server's clock is from ours, learnt from the ``Date`` header of its answers."""

    def __init__(self) -> None:
        self._offset: Optional[float] = None

    def observe(self, date_header: Optional[str]) -> None:
        if not date_header:
            return
        try:
            server = parsedate_to_datetime(date_header)
        except (TypeError, ValueError):
            return
        if server.tzinfo is not None:
            self._offset = server.timestamp() - time.time()

    def to_server_time(self, local: float) -> datetime:
        """A local ``time.time()`` as the server's clock read it (ours when it never said)."""
        return datetime.fromtimestamp(local + (self._offset or 0.0), timezone.utc)


class AdobeClient:
    """Calls the decision-management API of one org, for every kind (each by its spec's endpoint); thread-safe."""

    def __init__(self, settings: Settings, session: Optional[requests.Session] = None) -> None:
        settings.require_credentials()
        self._settings = settings
        self._redactor = Redactor([settings.client_secret or "", settings.access_token or ""])
        self._session = session or pooled_session(settings, self._redactor)
        assert settings.client_id is not None and settings.ims_org_id is not None
        self._tokens = TokenSource(
            self._session,
            settings.ims_endpoint,
            settings.client_id,
            settings.client_secret,
            settings.scopes,
            settings.request_timeout,
            static_token=settings.access_token,
            max_retries=settings.max_retries,
            retry_deadline=settings.retry_deadline,
        )
        self._limiter = RateLimiter(settings.max_requests_per_second)
        self._clock = ServerClock()
        if debug_http_enabled():
            enable_debug_logging()

    def server_time(self, local: float) -> datetime:
        """A local ``time.time()`` on the server's clock, learnt from the ``Date`` of its answers."""
        return self._clock.to_server_time(local)

    # -- objects of any kind ------------------------------------------------------------------

    def create(self, endpoint: Endpoint, sandbox: str, body: dict[str, Any]) -> Metadata:
        """POST one object; raises ``WriteOutcomeUnknown`` when it may have been created anyway."""
        return self._write("POST", endpoint.collection, endpoint, sandbox, body)

    def patch(self, endpoint: Endpoint, sandbox: str, object_id: str, operations: list[dict[str, Any]]) -> Metadata:
        """PATCH one object with a JSON Patch; raises ``WriteOutcomeUnknown`` when the answer was lost."""
        return self._write("PATCH", endpoint.item(object_id), endpoint, sandbox, operations)

    def put(self, endpoint: Endpoint, sandbox: str, object_id: str, body: dict[str, Any]) -> Metadata:
        """PUT a whole object (kinds that update so); raises ``WriteOutcomeUnknown`` when the answer was lost."""
        return self._write("PUT", endpoint.item(object_id), endpoint, sandbox, body)

    def get(self, endpoint: Endpoint, sandbox: str, object_id: str) -> dict[str, Any]:
        """The whole object (fields and metadata); ``NotFoundError`` when it does not exist."""
        path = endpoint.item(object_id)
        response = self._call("GET", path, endpoint, sandbox)
        if response.status_code == 404:
            self._check_collection(endpoint, sandbox)
        self._raise_for_status(response)
        body = self._json(response)
        if not isinstance(body, dict) or not body.get("id"):
            raise BadResponseError(f"GET {path} answered HTTP {response.status_code} without an object (no id)")
        return body

    def delete(self, endpoint: Endpoint, sandbox: str, object_id: str) -> bool:
        """DELETE one object; False if it was already gone (which counts as deleted)."""
        response = self._call("DELETE", endpoint.item(object_id), endpoint, sandbox)
        if response.status_code == 404:
            self._check_collection(endpoint, sandbox)
            return False
        self._raise_for_status(response)
        return True

    def list(
        self,
        endpoint: Endpoint,
        sandbox: str,
        filters: tuple[str, ...] = (),
        order_by: Optional[str] = None,
        page_size: Optional[int] = None,
    ) -> Iterator[dict[str, Any]]:
        """Every object matching the ``property`` filters, following ``next`` links to the end, each id once.

        A list read page by page while others write can return an object on two pages (an offset
        cursor shifts when an object is created or deleted before it): the first answer counts.
        """
        params: dict[str, Any] = {}
        if filters:
            params["property"] = list(filters)
        if order_by:
            params["orderby"] = order_by
        if page_size:
            params["limit"] = page_size
        path: Optional[str] = endpoint.collection
        seen_pages: set[str] = set()
        seen_ids: set[str] = set()
        while path is not None:
            response = self._call("GET", path, endpoint, sandbox, params=params)
            self._raise_for_status(response, collection=True)
            body = self._json(response)
            if not isinstance(body, dict) or not isinstance(body.get("results"), list):
                raise BadResponseError(f"GET {path} answered without a list of results")
            for found in body["results"]:
                object_id = str(found.get("id")) if isinstance(found, dict) else None
                if object_id is None or object_id in seen_ids:
                    continue
                seen_ids.add(object_id)
                yield found
            path, params = self._next_page(body, seen_pages)

    def _next_page(self, body: dict[str, Any], seen: set[str]) -> tuple[Optional[str], dict[str, Any]]:
        href = ((body.get("_links") or {}).get("next") or {}).get("href")
        if not href or href in seen:
            return None, {}
        seen.add(href)
        path = api_path(self._settings.endpoint, str(href))
        if path is None:
            # Our token goes with every request: never follow a link off the configured API.
            raise BadResponseError(f"the list answer's next link leaves {self._settings.endpoint}; not followed")
        return path, {}  # the link already carries every query parameter

    # -- plumbing -------------------------------------------------------------------------

    def _write(self, method: str, path: str, endpoint: Endpoint, sandbox: str, body: Any) -> Metadata:
        """One POST or PATCH; every answer that leaves its outcome open becomes ``WriteOutcomeUnknown``."""
        try:
            response = self._call(method, path, endpoint, sandbox, json=body)
        except TransportError as error:
            if error.never_sent:
                raise
            raise WriteOutcomeUnknown(method, path, error.cause, timed_out=error.timed_out) from None
        if response.status_code in (500, 502, 503, 504):
            raise WriteOutcomeUnknown(method, path, f"HTTP {response.status_code}")
        if response.status_code == 404 and method != "POST":
            self._check_collection(endpoint, sandbox)
        self._raise_for_status(response, collection=method == "POST")
        try:
            return self._receipt(response)
        except BadResponseError as error:
            # A success whose answer we cannot read: the write happened, or not; only a look-up can tell.
            raise WriteOutcomeUnknown(method, path, str(error)) from None

    def _call(
        self,
        method: str,
        path: str,
        endpoint: Endpoint,
        sandbox: str,
        *,
        params: Optional[dict[str, Any]] = None,
        json: Any = None,
    ) -> requests.Response:
        """One call with auth headers; a 401 gets one fresh token and one more try."""
        for attempt in (1, 2):
            token = self._tokens.token()
            self._redactor.add(token)
            response = self._send(method, path, endpoint, sandbox, token, params, json)
            if response.status_code != 401 or attempt == 2 or not self._tokens.invalidate(token):
                return response
        return response

    def _send(
        self,
        method: str,
        path: str,
        endpoint: Endpoint,
        sandbox: str,
        token: str,
        params: Optional[dict[str, Any]],
        json: Any,
    ) -> requests.Response:
        url = self._settings.endpoint + path
        # A next-page link already carries the kind's query (offer-type=...): never send it twice.
        query = {**{key: value for key, value in endpoint.query.items() if f"{key}=" not in url}, **(params or {})}
        headers = {
            "Authorization": f"Bearer {token}",
            "x-api-key": self._settings.client_id or "",
            "x-gw-ims-org-id": self._settings.ims_org_id or "",
            "x-sandbox-name": sandbox,
            "x-request-id": str(uuid.uuid4()),
            "Accept": "*,application/json",
        }
        if endpoint.item_schema:
            headers["x-schema-id"] = endpoint.schema_id or self._item_schema_id()
        self._limiter.wait()
        started = time.monotonic()
        try:
            response = self._session.request(
                method, url, params=query, json=json, headers=headers, timeout=self._settings.request_timeout
            )
        except requests.RequestException as error:
            seconds = time.monotonic() - started
            http_log.debug("%s %s -> %s after %.3fs", method, self._redactor.text(url), type(error).__name__, seconds)
            settings = self._settings
            raise TransportError(
                method,
                path,
                no_answer_cause(error),
                never_sent=_never_sent(error),
                timed_out=isinstance(error, requests.Timeout),
                service=f"the Offer Library API at {settings.endpoint}",
                retried=describe_retries(
                    error, seconds, settings.max_retries, settings.retry_deadline, settings.request_timeout
                ),
                advice="check adobe:endpoint (ADOBE_ENDPOINT) and the network",
            ) from None
        self._clock.observe(response.headers.get("Date"))
        if http_log.isEnabledFor(10):
            http_log.debug(
                "%s %s -> %s in %.3fs headers=%s",
                method,
                self._redactor.text(response.url),
                response.status_code,
                time.monotonic() - started,
                self._redactor.headers(headers),
            )
        return response

    def _item_schema_id(self) -> str:
        if not self._settings.item_schema_id:
            raise ConfigurationError(
                "decision items need the item catalog's schema id, sent as x-schema-id on every call: "
                "pulumi config set adobe:itemSchemaId <schema id> (or ADOBE_ITEM_SCHEMA_ID)"
            )
        return self._settings.item_schema_id

    def _check_collection(self, endpoint: Endpoint, sandbox: str) -> None:
        """After a 404 for one object: ``EndpointNotFoundError`` if the kind's collection is not there either.

        Whatever the shape of the error body, a collection that answers 404 means the API path is wrong
        (``/data/core/dpz``), not that the object is gone: one GET tells them apart, only after a 404.
        """
        response = self._call("GET", endpoint.collection, endpoint, sandbox, params={"limit": 1})
        if response.status_code == 404:
            self._raise_for_status(response, collection=True)

    def _raise_for_status(self, response: requests.Response, collection: bool = False) -> None:
        """An error status as the ``ApiError`` subclass of its kind, with Adobe's request id and error code.

        A 404 for a ``collection`` path (a list, a create) means the API path is wrong: ``EndpointNotFoundError``.
        """
        status = response.status_code
        if status < 400:
            return
        message, code = _error_details(response)
        if status == 404 and collection:
            path = self._path_of(response)
            raise EndpointNotFoundError(
                status,
                self._redactor.text(message),
                method=response.request.method or "?",
                path=path,
                request_id=response.headers.get("x-request-id"),
                error_code=code,
                text=f"{response.request.method} {path} failed with HTTP 404 ({self._redactor.text(message)}): "
                f"{self._settings.endpoint} has no {path.split('?')[0]} collection, so it is not the Offer Library "
                "API; check adobe:endpoint (ADOBE_ENDPOINT), which is https://platform.adobe.io/data/core/dps "
                "for Adobe",
            )
        raise error_for_status(status)(
            status,
            self._redactor.text(message),
            method=response.request.method or "?",
            path=self._path_of(response),
            request_id=response.headers.get("x-request-id"),
            error_code=code,
        )

    def _receipt(self, response: requests.Response) -> Metadata:
        body = self._json(response)
        path = self._path_of(response)
        if not isinstance(body, dict) or not body.get("id"):
            raise BadResponseError(
                f"{response.request.method} {path} answered HTTP {response.status_code} without an id"
            )
        try:
            return Metadata.from_api(body)
        except ValueError as error:
            raise BadResponseError(
                f"{response.request.method} {path} answered an unusable receipt: {str(error).splitlines()[0]}"
            ) from None

    def _json(self, response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            kind = response.headers.get("Content-Type", "no content type")
            raise BadResponseError(
                f"{response.request.method} {self._path_of(response)} answered HTTP {response.status_code} "
                f"with a body that is not JSON ({kind}, {len(response.content)} bytes); a proxy or a "
                f"truncated answer is the usual cause"
            ) from None

    def _path_of(self, response: requests.Response) -> str:
        """The API path of a call, for messages: no host, no query string."""
        url = (response.request.url or "").split("?", 1)[0]
        return url[len(self._settings.endpoint) :] if url.startswith(self._settings.endpoint) else url


def pooled_session(settings: Settings, redactor: Optional[Redactor] = None) -> requests.Session:
    """One session for the process, API and IMS each with their own retry rules.

    ``redactor`` masks their debug lines.
    """
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    redactor = redactor or Redactor([settings.client_secret or "", settings.access_token or ""])
    api_retry = RetryPolicy.build(settings.max_retries, settings.retry_deadline, redactor=redactor)
    # Minting a token twice is harmless, so IMS calls may be repeated after any transient fault.
    ims_retry = RetryPolicy.build(
        settings.max_retries, settings.retry_deadline, IDEMPOTENT_METHODS | {"POST"}, redactor=redactor
    )
    session.mount("https://", HTTPAdapter(max_retries=api_retry, pool_maxsize=POOL_SIZE))
    session.mount("http://", HTTPAdapter(max_retries=api_retry, pool_maxsize=POOL_SIZE))
    session.mount(settings.ims_endpoint, HTTPAdapter(max_retries=ims_retry, pool_maxsize=POOL_SIZE))
    return session


def api_path(endpoint: str, href: str) -> Optional[str]:
    """A link as a path under the API ``endpoint`` (with its query), or None when it leads anywhere else.

    Accepted: relative to the API base (``offers?...``, ``/offers?...``, the documented form), root-relative
    (``/data/core/dps/offers?...``) and absolute on the endpoint's scheme, host and port.
    """
    base = urlsplit(endpoint)
    root = base.path.rstrip("/")
    if href.startswith("/") and not href.startswith("//") and not (href + "?").startswith((root + "/", root + "?")):
        href = href.lstrip("/")  # "/offers?...": relative to the API base, not to the host
    link = urlsplit(urljoin(endpoint.rstrip("/") + "/", href))
    if (link.scheme.lower(), link.hostname, _port(link)) != (base.scheme.lower(), base.hostname, _port(base)):
        return None
    segments = link.path.split("/")
    if not (link.path + "/").startswith(root + "/") or ".." in segments or "." in segments:
        return None
    return link.path[len(root) :] + (f"?{link.query}" if link.query else "")


def _port(url: SplitResult) -> Optional[int]:
    return url.port or {"http": 80, "https": 443}.get(url.scheme.lower())


def _never_sent(error: Exception) -> bool:
    """True when the connection was never made, so the server cannot have seen the request."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    return isinstance(last_failure(error), NewConnectionError)


def _error_details(response: requests.Response) -> tuple[str, Optional[str]]:
    """Adobe's own words and error code from either documented error shape, or a short description of the body."""
    try:
        body = response.json()
    except ValueError:
        kind = response.headers.get("Content-Type", "")
        return f"no JSON error body ({kind or 'no content type'}, {len(response.content)} bytes)", None
    if isinstance(body, dict):
        if "error_code" in body or "message" in body:
            code = body.get("error_code")
            code = str(code) if code else None
            return f"{body.get('message', 'no message')}" + (f" [{code}]" if code else ""), code
        title, detail = body.get("title"), body.get("detail")
        if title or detail:
            return ": ".join(str(part) for part in (title, detail) if part), None
    return str(body)[:300], None
