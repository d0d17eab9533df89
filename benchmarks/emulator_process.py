"""The emulator for the benchmark: in a process of its own (default) or inside the benchmark's.

Why a process of its own: inside the benchmark process, the emulator's werkzeug threads share
one GIL with the threads that drive the plugin, and on a 2-core machine that contention can show
up as time that neither the plugin nor Adobe's real endpoint would cost. Measured: with a driver
that re-encodes every message in Python (``harness.engine``'s helpers) it added 4-8% to the N=500
phases; with the engine-like driver of ``plugin/drive.py`` the difference is within the noise (±3%).
Its own process keeps the two apart anyway. Both kinds offer the same small interface
(``EmulatorHandle``); ``run.py --emulator inprocess`` selects the other one.

Run as ``python -m benchmarks.emulator_process`` (cwd = project root), the server side prints one
JSON line with its URLs and credentials, then answers one JSON line per command read on stdin:

    latency <seconds>      -> {"ok": true}
    counts                 -> {"dps": {"GET": n, ...}, "ims": n, "tokens_issued": n}
    durations              -> {"n": n, "mean": s, "median": s}   (time spent answering each request)
    clear                  -> {"ok": true}                      (forget the request log)
    offers <org> <sandbox> -> {"count": n}
    listing <org> <sandbox> -> {"offers": [[id, name], ...]}  (every offer, in creation order)
    posts [answered]       -> {"arrived": n[, "answered": n]}  (Offer Library POSTs logged[, and those answered])

It listens on 127.0.0.1 only and stops when stdin closes, so it never outlives the benchmark.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Optional, Protocol

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from offerform_emulator import Emulator  # noqa: E402

# -- what both kinds report ---------------------------------------------------------------------


def counts(emu: Emulator) -> dict[str, Any]:
    """Requests logged so far: per HTTP method for the Offer Library, in total for IMS; and tokens issued."""
    dps = Counter(entry.method for entry in emu.log.entries(service="dps"))
    return {"dps": dict(dps), "ims": emu.log.count(service="ims"), "tokens_issued": emu.tokens_issued}


def durations(emu: Emulator) -> dict[str, Any]:
    """How long the emulator took to answer the logged requests (added latency included), in seconds."""
    times = sorted(entry.duration for entry in emu.log.entries(service=None))
    if not times:
        return {"n": 0, "mean": 0.0, "median": 0.0}
    return {"n": len(times), "mean": sum(times) / len(times), "median": times[len(times) // 2]}


def listing(emu: Emulator, org: str, sandbox: str) -> list[tuple[str, str]]:
    """(id, name) of every offer of a sandbox: what a kill-proof checks against the state."""
    return [(str(offer["id"]), str(offer["name"])) for offer in emu.offers(org, sandbox)]


def posts(emu: Emulator, answered: bool = False) -> dict[str, int]:
    """Offer Library POSTs logged (counted as they arrive) and, if asked, how many were answered (to time a kill).

    Only ``answered`` copies the log, so polling the arrivals every few ms costs the emulator next to nothing."""
    counted = {"arrived": emu.log.count("POST", service="dps")}
    if answered:
        entries = emu.log.entries(service="dps")
        counted["answered"] = sum(1 for entry in entries if entry.method == "POST" and entry.status is not None)
    return counted


# -- server side (the subprocess) ---------------------------------------------------------------


def handle(emu: Emulator, line: str) -> dict[str, Any]:
    """Carry out one command line and say how it went (unknown commands answer an error, not a crash)."""
    word, *args = line.split()
    commands: dict[str, Callable[[], dict[str, Any]]] = {
        "latency": lambda: _set_latency(emu, float(args[0])),
        "counts": lambda: counts(emu),
        "durations": lambda: durations(emu),
        "clear": lambda: _clear(emu),
        "offers": lambda: {"count": len(emu.offers(args[0], args[1]))},
        "schema": lambda: {"id": emu.catalog_schema_id(args[0], args[1])},
        "listing": lambda: {"offers": listing(emu, args[0], args[1])},
        "posts": lambda: posts(emu, answered=args == ["answered"]),
    }
    if word not in commands:
        return {"error": f"unknown command {word!r}"}
    try:
        return commands[word]()
    except (IndexError, ValueError) as error:
        return {"error": f"{word}: {error}"}


def _clear(emu: Emulator) -> dict[str, Any]:
    """Forget the request log."""
    emu.log.clear()
    return {"ok": True}


def _set_latency(emu: Emulator, seconds: float) -> dict[str, Any]:
    """Add ``seconds`` to every request from now on."""
    emu.faults.latency = seconds
    return {"ok": True}


def main() -> int:
    """Start the emulator on 127.0.0.1, announce it, and serve commands until stdin closes."""
    with Emulator(host="127.0.0.1", port=0) as emu:
        announce = {
            "dps_url": emu.dps_url,
            "ims_url": emu.ims_url,
            "client_id": emu.client_id,
            "client_secret": emu.client_secret,
            "tenant_id": emu.tenant_id,
        }
        print(json.dumps(announce), flush=True)
        for line in sys.stdin:
            if line.strip():
                print(json.dumps(handle(emu, line)), flush=True)
    return 0


# -- client side (what the benchmark holds) -----------------------------------------------------


class EmulatorHandle(Protocol):
    """What the benchmark needs from an emulator, wherever it runs."""

    client_id: str
    client_secret: str
    dps_url: str
    ims_url: str
    tenant_id: str

    def catalog_schema_id(self, org: str, sandbox: str) -> str: ...
    def set_latency(self, seconds: float) -> None: ...
    def counts(self) -> dict[str, Any]: ...
    def durations(self) -> dict[str, Any]: ...
    def clear_log(self) -> None: ...
    def offer_count(self, org: str, sandbox: str) -> int: ...
    def offer_listing(self, org: str, sandbox: str) -> list[tuple[str, str]]: ...
    def posts(self, answered: bool = False) -> dict[str, int]: ...
    def close(self) -> None: ...


class SubprocessEmulator:
    """``python -m benchmarks.emulator_process`` steered over its stdin/stdout."""

    def __init__(self) -> None:
        """Start ``python -m benchmarks.emulator_process`` and read its URLs and credentials."""
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.emulator_process"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        announce = self._read()
        self.client_id: str = announce["client_id"]
        self.client_secret: str = announce["client_secret"]
        self.dps_url: str = announce["dps_url"]
        self.ims_url: str = announce["ims_url"]
        self.tenant_id: str = announce["tenant_id"]

    @property
    def pid(self) -> int:
        """The emulator's process id (for its CPU time)."""
        return self._process.pid

    def _read(self) -> dict[str, Any]:
        """One JSON answer line; RuntimeError if the emulator died or reported an error."""
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"the emulator process exited (status {self._process.poll()})")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"emulator: {answer['error']}")
        return answer

    def _command(self, line: str) -> dict[str, Any]:
        """Send one command line and wait for its answer."""
        assert self._process.stdin is not None
        self._process.stdin.write(line + "\n")
        self._process.stdin.flush()
        return self._read()

    def set_latency(self, seconds: float) -> None:
        """Added latency per request from now on."""
        self._command(f"latency {seconds}")

    def counts(self) -> dict[str, Any]:
        """Requests logged since the last ``clear_log``."""
        return self._command("counts")

    def durations(self) -> dict[str, Any]:
        """Server-side answer times of the requests logged since the last ``clear_log``."""
        return self._command("durations")

    def clear_log(self) -> None:
        """Forget the request log (counts start again from zero)."""
        self._command("clear")

    def offer_count(self, org: str, sandbox: str) -> int:
        """How many offers the sandbox holds."""
        return int(self._command(f"offers {org} {sandbox}")["count"])

    def offer_listing(self, org: str, sandbox: str) -> list[tuple[str, str]]:
        """(id, name) of every offer the sandbox holds."""
        return [(str(id_), str(name)) for id_, name in self._command(f"listing {org} {sandbox}")["offers"]]

    def posts(self, answered: bool = False) -> dict[str, int]:
        """POSTs logged since the last ``clear_log``: arrived, and (if asked) answered."""
        return {key: int(value) for key, value in self._command("posts answered" if answered else "posts").items()}

    def catalog_schema_id(self, org: str, sandbox: str) -> str:
        """The ``x-schema-id`` of the sandbox's item catalog (the test kit's stack config names it)."""
        return str(self._command(f"schema {org} {sandbox}")["id"])

    def close(self) -> None:
        """Close stdin (the emulator stops by itself); kill it if it does not within 10 s."""
        if self._process.stdin is not None and not self._process.stdin.closed:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)
        if self._process.stdout is not None:
            self._process.stdout.close()


class InProcessEmulator:
    """The emulator as the tests run it: a werkzeug thread in the benchmark's own process."""

    pid: Optional[int] = None

    def __init__(self) -> None:
        """Start the emulator's server thread on a free local port."""
        self._emu = Emulator(host="127.0.0.1", port=0).start()
        self.client_id = self._emu.client_id
        self.client_secret = self._emu.client_secret
        self.dps_url = self._emu.dps_url
        self.ims_url = self._emu.ims_url
        self.tenant_id = self._emu.tenant_id

    def catalog_schema_id(self, org: str, sandbox: str) -> str:
        """The ``x-schema-id`` of the sandbox's item catalog (the test kit's stack config names it)."""
        return self._emu.catalog_schema_id(org, sandbox)

    def set_latency(self, seconds: float) -> None:
        """Added latency per request from now on."""
        self._emu.faults.latency = seconds

    def counts(self) -> dict[str, Any]:
        """Requests logged since the last ``clear_log``."""
        return counts(self._emu)

    def durations(self) -> dict[str, Any]:
        """Server-side answer times of the requests logged since the last ``clear_log``."""
        return durations(self._emu)

    def clear_log(self) -> None:
        """Forget the request log (counts start again from zero)."""
        self._emu.log.clear()

    def offer_count(self, org: str, sandbox: str) -> int:
        """How many offers the sandbox holds."""
        return len(self._emu.offers(org, sandbox))

    def offer_listing(self, org: str, sandbox: str) -> list[tuple[str, str]]:
        """(id, name) of every offer the sandbox holds."""
        return listing(self._emu, org, sandbox)

    def posts(self, answered: bool = False) -> dict[str, int]:
        """POSTs logged since the last ``clear_log``: arrived, and (if asked) answered."""
        return posts(self._emu, answered)

    def close(self) -> None:
        """Stop the server thread and release the port."""
        self._emu.stop()


def start_emulator(kind: str) -> EmulatorHandle:
    """``"subprocess"`` (default of the benchmark) or ``"inprocess"``."""
    if kind == "subprocess":
        return SubprocessEmulator()
    if kind == "inprocess":
        return InProcessEmulator()
    raise ValueError(f"unknown emulator kind {kind!r}; expected subprocess or inprocess")


if __name__ == "__main__":
    sys.exit(main())
