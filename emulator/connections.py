"""HTTP/1.1 persistent connections, as Adobe's gateway keeps them: werkzeug's threaded server, kept alive.

werkzeug's dev server speaks HTTP/1.1 but ends every answer with `Connection: close`, and after
each answer reads whatever the socket still holds, since it cannot tell an unread body from the
next request. The emulator's app reads every body (app.py), so here the handler drops that header
and the input stream reads nothing once the answer is out (the next request stays for the next
read). A connection closes when the client asks, when a fault drops the answer (the socket is
shut down), after `keep_alive_timeout` idle seconds, or when the server stops: `stop()` closes the
idle ones at once, so no client talks to a stopped emulator over an old connection.
"""

from __future__ import annotations

import errno
import logging
import socket
import threading
from io import BufferedIOBase
from typing import Any, Callable, Iterable, Iterator, cast
from urllib.parse import parse_qsl, urlencode

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from .log import REDACTED, is_secret_name

_access_log = logging.getLogger("offerform_emulator.access")
_server_log = logging.getLogger("offerform_emulator.server")
_INPUT = "offerform.input"  # environ key of the connection's _RequestInput


class _RequestInput:
    """A connection's input stream that reads nothing more once the current request is answered."""

    def __init__(self, stream: BufferedIOBase) -> None:
        self._stream = stream
        self.answered = False

    def read(self, size: int = -1) -> bytes:
        return b"" if self.answered else self._stream.read(size)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _marking_answers(app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterator[bytes]]:
    """The WSGI app, telling the connection's input when the whole answer has been handed over."""

    def answered_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        yield from app(environ, start_response)
        environ[_INPUT].answered = True

    return answered_app


class KeepAliveHandler(WSGIRequestHandler):
    """werkzeug's request handler with persistent connections, logging through the `offerform_emulator.*` loggers."""

    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self._server.keep_alive_timeout)  # an idle connection times out and closes
        # Headers and body go out in two writes: without this, Nagle's algorithm holds the body back
        # until the client's delayed ACK (40 ms) on a connection that stays open.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.rfile = cast(BufferedIOBase, _RequestInput(self.rfile))
        self._server.opened(self)

    def make_environ(self) -> dict[str, Any]:
        environ = super().make_environ()
        environ[_INPUT] = self.rfile
        return environ

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self._server.closed(self)

    @property
    def _server(self) -> KeepAliveServer:
        return cast(KeepAliveServer, self.server)

    def run_wsgi(self) -> None:
        cast(_RequestInput, self.rfile).answered = False
        self._server.busy(self, True)
        try:
            super().run_wsgi()
        finally:
            self._server.busy(self, False)
            if self._server.stopping:
                self.close_connection = True

    def send_header(self, keyword: str, value: str) -> None:
        # werkzeug sends `Connection: close` on every answer; only a connection that must close says so.
        if (
            keyword.lower() == "connection"
            and value.lower() == "close"
            and not (self.close_connection or self._server.stopping)
        ):
            return
        super().send_header(keyword, value)

    def connection_dropped(self, error: BaseException, environ: Any = None) -> None:
        self.close_connection = True

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # Tokens travel in headers, never logged; a secret put in a query string is hidden too.
        path, _, query = self.path.partition("?")
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            path += "?" + urlencode([(k, REDACTED if is_secret_name(k) else v) for k, v in pairs], safe="*:/")
        _access_log.info("%s %s %s", self.command, path, code)

    def log(self, type: str, message: str, *args: Any) -> None:
        if message.startswith("Request timed out"):  # an idle keep-alive connection closing: nothing wrong
            type = "debug"
        getattr(_server_log, type if type in ("debug", "info", "warning", "error") else "info")(message, *args)


class PortInUseError(RuntimeError):
    """The port asked for is taken by another program (werkzeug would print this and exit the process)."""


class KeepAliveServer(ThreadedWSGIServer):
    """A threaded werkzeug server that knows its open connections and which of them are mid-request."""

    def server_bind(self) -> None:
        # werkzeug answers a busy port by printing to stderr and calling sys.exit(1), which would end a test
        # run or any program embedding the emulator; raise an exception that says which port instead.
        try:
            super().server_bind()
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
            self.server_close()
            raise PortInUseError(f"port {self.port} on {self.host} is already in use by another program") from None

    def __init__(self, host: str, port: int, app: Callable[..., Any], keep_alive_timeout: float) -> None:
        self.keep_alive_timeout = keep_alive_timeout
        self.stopping = False
        self._lock = threading.Lock()
        self._open: set[KeepAliveHandler] = set()
        self._busy: set[KeepAliveHandler] = set()
        super().__init__(host, port, _marking_answers(app), handler=KeepAliveHandler)

    def opened(self, handler: KeepAliveHandler) -> None:
        """A client connected."""
        with self._lock:
            self._open.add(handler)

    def closed(self, handler: KeepAliveHandler) -> None:
        """A connection ended."""
        with self._lock:
            self._open.discard(handler)
            self._busy.discard(handler)

    def busy(self, handler: KeepAliveHandler, answering: bool) -> None:
        """A connection started or finished answering a request."""
        with self._lock:
            (self._busy.add if answering else self._busy.discard)(handler)

    @property
    def open_connections(self) -> int:
        """How many client connections are open now."""
        with self._lock:
            return len(self._open)

    def close_idle(self) -> None:
        """From now on close every connection after its answer, and close the idle ones now."""
        with self._lock:
            self.stopping = True
            idle = [h for h in self._open if h not in self._busy]
        for handler in idle:
            try:
                handler.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
