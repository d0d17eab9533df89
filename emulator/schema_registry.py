"""The sliver of Experience Platform's Schema Registry API that reads the item catalog's schema.

Adobe documents reading a schema as `GET /data/foundation/schemaregistry/tenant/schemas/{SCHEMA_ID}`
(the schema's `meta:altId`, or its URL-encoded `$id`) with an `Accept: application/vnd.adobe.xed...`
header, listing with `GET /tenant/schemas`, and the tenant id with `GET /stats` (EL
`experience-platform/xdm/api/schemas`, `.../getting-started`). The emulator serves those three for the
one schema it knows per sandbox: the item catalog's (catalog.py), so a client can learn its
`x-schema-id` and the custom attributes it may send.
"""

from __future__ import annotations

from urllib.parse import unquote

from werkzeug.wrappers import Request

from .errors import problem
from .gateway import Caller
from .replies import Reply
from .store import Store

PREFIX = "/data/foundation/schemaregistry"
XED = "application/vnd.adobe.xed"


def stats(store: Store, caller: Caller) -> Reply:
    """`GET /stats`: the org's tenant id, which names the `_<tenant>` node of decision items."""
    catalog = store.catalog(caller.org, caller.sandbox)
    return Reply(200, {"imsOrg": caller.org, "tenantId": catalog.tenant, "counts": {"schemas": 1}})


def list_schemas(store: Store, caller: Caller) -> Reply:
    """`GET /tenant/schemas`: the tenant schemas of the sandbox (here, the catalog's only)."""
    catalog = store.catalog(caller.org, caller.sandbox)
    return Reply(200, {"results": [catalog.summary()], "_page": {"count": 1}, "_links": {}})


def look_up(request: Request, store: Store, caller: Caller, schema_id: str) -> Reply:
    """`GET /tenant/schemas/{id}`: the catalog schema, by `meta:altId` or `$id`; 406 without an xed Accept."""
    accept = request.headers.get("Accept", "")
    if XED not in accept:
        raise problem(
            406,
            f"a schema look-up needs an Accept header of the form {XED}-full+json; version=1, not {accept!r}",
            "xdm-not-acceptable",
        )
    catalog = store.catalog(caller.org, caller.sandbox)
    if not catalog.names(unquote(schema_id)):
        raise problem(404, f"no schema {unquote(schema_id)} in sandbox {caller.sandbox}", "xdm-not-found", "Not Found")
    return Reply(200, catalog.document())
