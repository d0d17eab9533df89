"""Records every gRPC request the Pulumi engine sends to the dynamic-provider plugin (tests only).

Put this directory on ``PYTHONPATH`` and set ``OFFERFORM_RECORD_GRPC=<file>``: the plugin process
then appends one JSON line per call (method and request) to that file. It is how the suite
compares what the real engine sends with what ``harness/engine.py`` sends.
"""

from __future__ import annotations

import json
import os
import threading
from typing import Any, Callable

_TARGET = os.environ.get("OFFERFORM_RECORD_GRPC")


def _install(target: str) -> None:
    from google.protobuf import json_format
    from pulumi.runtime.proto import provider_pb2_grpc

    lock = threading.Lock()
    register = provider_pb2_grpc.add_ResourceProviderServicer_to_server

    def recording(method: str, call: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(request: Any, context: Any) -> Any:
            line = json.dumps({"method": method, "request": json_format.MessageToDict(request)}, sort_keys=True)
            with lock, open(target, "a", encoding="utf-8") as out:
                out.write(line + "\n")
            return call(request, context)

        return wrapper

    def add_recorded(servicer: Any, server: Any) -> None:
        for method in ("Configure", "Check", "Diff", "Create", "Read", "Update", "Delete"):
            setattr(servicer, method, recording(method, getattr(servicer, method)))
        register(servicer, server)

    provider_pb2_grpc.add_ResourceProviderServicer_to_server = add_recorded


# Only the plugin process serves the ResourceProvider service, so only its calls are recorded.
if _TARGET:
    _install(_TARGET)
