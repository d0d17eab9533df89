"""The client follows list pages in every form a link may take, and only within the configured API."""

from __future__ import annotations

import json
import threading
from typing import Any, Callable, Iterator

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from provider.adobe.client import api_path
from provider.errors import BadResponseError
from provider.resources.fallback_offer import FALLBACK_OFFER

from ..support.local_api import client_at, issued_token


def _crafted_api(next_href: str) -> Callable[..., Any]:
    """A server whose list answer points its next link at ``next_href``; it issues tokens to anyone."""

    @Request.application
    def app(request: Request) -> Response:
        if request.path.endswith("/token"):
            return issued_token()
        if request.path != "/data/core/dps/offers":
            return Response(json.dumps({"title": "Not Found"}), status=404, content_type="application/json")
        href = next_href.format(host=request.host)  # every page links to the same next one: two pages in all
        return Response(
            json.dumps({"results": [{"id": "o1"}], "_links": {"next": {"href": href}}}), content_type="application/json"
        )

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


def test_a_next_link_to_another_host_is_refused(serve: Callable[[str], str]) -> None:
    base = serve("https://elsewhere.example.com/steal?start=2")

    with pytest.raises(BadResponseError, match="next link leaves"):
        list(client_at(base).list(FALLBACK_OFFER.endpoint, "prod"))


def test_a_next_link_that_repeats_a_page_ends_the_listing_and_counts_its_objects_once(
    serve: Callable[[str], str],
) -> None:
    base = serve("/offers?offer-type=fallback&start=same")

    assert [offer["id"] for offer in client_at(base).list(FALLBACK_OFFER.endpoint, "prod")] == ["o1"]


@pytest.mark.parametrize(
    "next_href",
    [
        "/offers?offer-type=fallback&start=2",
        "offers?offer-type=fallback&start=2",
        "/data/core/dps/offers?offer-type=fallback&start=2",
        "http://{host}/data/core/dps/offers?offer-type=fallback&start=2",
    ],
    ids=["relative-to-the-api", "relative-without-slash", "root-relative", "absolute-same-host"],
)
def test_a_next_link_within_the_api_is_followed_whatever_its_form(serve: Callable[[str], str], next_href: str) -> None:
    base = serve(next_href)

    assert [offer["id"] for offer in client_at(base).list(FALLBACK_OFFER.endpoint, "prod")] == ["o1"]


ENDPOINT = "https://platform.adobe.io/data/core/dps"


@pytest.mark.parametrize(
    ("href", "path"),
    [
        ("/offers?start=2", "/offers?start=2"),
        ("/data/core/dps/offers?start=2", "/offers?start=2"),
        ("https://platform.adobe.io/data/core/dps/offers?start=2", "/offers?start=2"),
        ("https://PLATFORM.adobe.io:443/data/core/dps/offers?start=2", "/offers?start=2"),
    ],
)
def test_links_within_the_api_become_paths_under_it(href: str, path: str) -> None:
    assert api_path(ENDPOINT, href) == path


@pytest.mark.parametrize(
    "href",
    [
        "https://elsewhere.example.com/data/core/dps/offers",
        "//elsewhere.example.com/data/core/dps/offers",
        "http://platform.adobe.io/data/core/dps/offers",
        "https://platform.adobe.io:8443/data/core/dps/offers",
        "https://platform.adobe.io/data/core/dpsx/offers",
        "https://platform.adobe.io/data/other/offers",
        "/data/core/dps/../other/offers",
        "../other/offers",
    ],
    ids=[
        "other-host",
        "scheme-relative-other-host",
        "other-scheme",
        "other-port",
        "sibling-path",
        "other-path",
        "dot-segments",
        "relative-dot-segments",
    ],
)
def test_links_off_the_api_are_refused(href: str) -> None:
    assert api_path(ENDPOINT, href) is None
