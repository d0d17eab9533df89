"""Look-ups count each object once while others write, and any name can be looked up."""

from __future__ import annotations

import json
import re
import threading
from typing import Any, Callable, Iterator

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from harness.offers import offer
from provider.engine.lookup import SandboxIndex, lookup_filters, value_filter
from provider.engine.validation import canonical
from provider.resources.fallback_offer import FALLBACK_OFFER

from ..support.local_api import client_at, issued_token

PAGE = 3


def _offset_paged_api(objects: list[dict[str, Any]], between_pages: Callable[[], None]) -> Callable[..., Any]:
    """A list endpoint that pages by offset, newest first, and lets someone create between two page reads."""

    @Request.application
    def app(request: Request) -> Response:
        if request.path.endswith("/token"):
            return issued_token()
        start = int(request.args.get("start", "0"))
        if start:
            between_pages()
        page = objects[start : start + PAGE]
        links = {}
        if start + PAGE < len(objects):
            links["next"] = {"href": f"/offers?offer-type=fallback&start={start + PAGE}"}
        return Response(json.dumps({"results": page, "_links": links}), content_type="application/json")

    return app


@pytest.fixture
def offset_api() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    objects = [{"id": f"o{index}", "name": "Same"} for index in range(5, 0, -1)]  # newest first
    created = iter(range(6, 100))

    def someone_creates() -> None:
        objects.insert(0, {"id": f"o{next(created)}", "name": "Same"})

    server = make_server("127.0.0.1", 0, _offset_paged_api(objects, someone_creates), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.port}", objects
    server.shutdown()


def test_a_list_read_while_others_create_counts_an_object_on_two_pages_once(
    offset_api: tuple[str, list[dict[str, Any]]],
) -> None:
    base, objects = offset_api

    listed = [found["id"] for found in client_at(base).list(FALLBACK_OFFER.endpoint, "prod")]

    # The create before page 2 shifted o3 from page 1's end to page 2's start.
    assert listed == ["o5", "o4", "o3", "o2", "o1"]
    assert len(objects) == 6


@pytest.mark.parametrize(
    "name",
    [
        "Sale, 50% off",
        "a==b",
        "Spring~Summer",
        "Star * offer",
        'The "best" offer',
        "Jo's offer",
        "Two  spaces",
        "Été à Paris",
        "春のセール",
        "name==x,description==y",
        "(a|b)+ [x] {1,3} ^$ \\d",
    ],
)
def test_a_name_with_filter_characters_is_narrowed_by_a_filter_that_matches_it(name: str) -> None:
    expression = value_filter("name", name)

    if expression is None:
        return  # no safe part to filter on: the whole kind is listed and compared here
    assert "," not in expression and '"' not in expression and "'" not in expression
    if expression.startswith("name=="):
        assert expression == f"name=={name}"
    else:
        pattern = expression.removeprefix("name~")
        # Whether Adobe matches a regular expression whole or anywhere, the name passes it.
        assert re.fullmatch(pattern, name) and re.search(pattern, name)


def test_a_plain_name_is_matched_exactly() -> None:
    assert value_filter("name", "Spring fallback 2025-06") == "name==Spring fallback 2025-06"


def test_a_name_with_a_comma_is_filtered_on_its_longest_plain_run() -> None:
    assert value_filter("name", "Sale, 50% off today") == "name~.*off today.*"


def test_a_name_with_no_plain_run_is_not_filtered() -> None:
    assert value_filter("name", "春のセール") is None
    assert lookup_filters(FALLBACK_OFFER, {"name": "春のセール"}) == ()


def _refusing_filters_api(objects: list[dict[str, Any]]) -> Callable[..., Any]:
    """A list endpoint that answers 400 to any ``property`` filter and lists everything without one."""

    @Request.application
    def app(request: Request) -> Response:
        if request.path.endswith("/token"):
            return issued_token()
        if request.args.getlist("property"):
            return Response(json.dumps({"title": "unsupported filter"}), status=400, content_type="application/json")
        return Response(json.dumps({"results": objects, "_links": {}}), content_type="application/json")

    return app


def test_a_service_that_refuses_the_client_filter_is_listed_whole_and_compared_here() -> None:
    declared = offer()
    ours = {**declared, "id": "o1", "createdByClientId": "c", "created": "2026-01-01T00:00:00.000+00:00"}
    theirs = {**declared, "id": "o2", "createdByClientId": "someone-else", "created": "2026-01-02T00:00:00.000+00:00"}
    server = make_server("127.0.0.1", 0, _refusing_filters_api([ours, theirs]), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        index = SandboxIndex(
            FALLBACK_OFFER, client_at(f"http://127.0.0.1:{server.port}"), "prod", "c", FALLBACK_OFFER.endpoint, {}
        )
    finally:
        server.shutdown()

    assert [found["id"] for found in index.candidates(canonical(FALLBACK_OFFER, declared))] == ["o1"]
