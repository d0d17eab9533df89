"""The client follows list pages only within the configured API: the bearer token never leaves it."""

from __future__ import annotations

import json
import threading
from typing import Any, Callable, Iterator

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from provider.client import OfferLibraryClient
from provider.errors import BadResponseError
from provider.settings import Settings


def _crafted_api(next_href: str) -> Callable[..., Any]:
    """A server whose list answer points its next link at ``next_href``; it issues tokens to anyone."""

    @Request.application
    def app(request: Request) -> Response:
        if request.path.endswith("/token"):
            return Response(json.dumps({"access_token": "t", "token_type": "bearer", "expires_in": 3600}),
                            content_type="application/json")
        return Response(json.dumps({"results": [{"id": "o1"}], "_links": {"next": {"href": next_href}}}),
                        content_type="application/json")

    return app


@pytest.fixture
def serve() -> Iterator[Callable[[str], str]]:
    servers = []

    def start(next_href: str) -> str:
        server = make_server("127.0.0.1", 0, _crafted_api(next_href), threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.port}"

    yield start
    for server in servers:
        server.shutdown()


def _client(base: str) -> OfferLibraryClient:
    return OfferLibraryClient(Settings.load({
        "adobe:clientId": "c", "adobe:clientSecret": "s", "adobe:imsOrgId": "o@AdobeOrg",
        "adobe:endpoint": base + "/data/core/dps", "adobe:imsEndpoint": base + "/token"}.get, {}))


def test_a_next_link_to_another_host_is_refused(serve: Callable[[str], str]) -> None:
    base = serve("https://elsewhere.example.com/steal?start=2")

    with pytest.raises(BadResponseError, match="next link leaves"):
        list(_client(base).list_offers("prod"))


def test_a_next_link_that_repeats_a_page_ends_the_listing(serve: Callable[[str], str]) -> None:
    base = serve("/offers?offer-type=fallback&start=same")

    assert [offer["id"] for offer in _client(base).list_offers("prod")] == ["o1", "o1"]
