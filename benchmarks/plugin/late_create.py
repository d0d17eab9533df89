"""How late may a timed-out POST land and still be adopted instead of posted again? Measured through the plugin.

Each trial starts a fresh emulator and plugin process, makes the emulator hold one POST for
``requestTimeout + lateness`` seconds before committing it (a slow gateway: the client has given up
``lateness`` seconds before the offer lands), and runs one create. The trial counts as *adopted*
when the sandbox ends with one offer, *posted again* when it ends with two. ``--bisect LO HI``
searches the largest lateness that is still adopted, to ``--precision`` seconds.

    .venv/bin/python benchmarks/plugin/late_create.py --request-timeout 5 --lateness 3,6
    .venv/bin/python benchmarks/plugin/late_create.py --request-timeout 5 --late-write-window 20 --bisect 10 20

Settings not given are the provider's defaults (``adobe:lateWriteWindow`` 60 s, ``adobe:retryDeadline``
300 s). Talks to 127.0.0.1 only; every process it starts is stopped.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from offerform_emulator import Emulator, Fault  # noqa: E402

from harness.engine import Plugin, PluginError, Stack  # noqa: E402
from harness.offers import offer  # noqa: E402
from harness.stack_config import ORG, SANDBOX, plugin_config  # noqa: E402


def trial(request_timeout: float, lateness: float, window: Optional[float], deadline: float) -> tuple[str, float]:
    """One create whose POST lands ``lateness`` seconds after the client timed out: the outcome and how long it took."""
    overrides = {
        "adobe:requestTimeout": f"{request_timeout:g}",
        "adobe:retryDeadline": f"{deadline:g}",
        "adobe:lateWriteWindow": None if window is None else f"{window:g}",
    }
    with Emulator() as emu:
        plugin = Plugin()
        try:
            plugin.configure(plugin_config(emu, **overrides))
            emu.faults.add(Fault("delay", delay=request_timeout + lateness, times=1, methods={"POST"}))
            started = time.monotonic()
            try:
                Stack(plugin).up("late", offer())
            except PluginError as error:
                return f"failed: {error.details.strip().splitlines()[-1][:120]}", time.monotonic() - started
            took = time.monotonic() - started
        finally:
            plugin.close()
        # The held POST finishes on the emulator's side even after the client gave up on it.
        while emu.log.entries(service="dps")[0].duration == 0.0:
            time.sleep(0.05)
        count = len(emu.offers(ORG, SANDBOX))
    return ("adopted" if count == 1 else f"posted again ({count} offers)"), took


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--request-timeout", type=float, default=30.0, help="adobe:requestTimeout (seconds)")
    parser.add_argument(
        "--late-write-window", type=float, default=None, help="adobe:lateWriteWindow (seconds; default: the provider's)"
    )
    parser.add_argument("--retry-deadline", type=float, default=300.0, help="adobe:retryDeadline (seconds)")
    parser.add_argument("--lateness", default="", help="comma-separated seconds after the client's timeout")
    parser.add_argument(
        "--bisect",
        nargs=2,
        type=float,
        metavar=("LO", "HI"),
        help="find the largest adopted lateness between LO (adopted) and HI (posted again)",
    )
    parser.add_argument("--precision", type=float, default=0.5, help="bisection precision (seconds)")
    args = parser.parse_args(argv)

    def run(lateness: float) -> bool:
        outcome, took = trial(args.request_timeout, lateness, args.late_write_window, args.retry_deadline)
        print(
            f"requestTimeout={args.request_timeout:g} lateWriteWindow={args.late_write_window} "
            f"lands {lateness:g} s after the timeout: {outcome} in {took:.1f} s",
            flush=True,
        )
        return outcome == "adopted"

    for value in filter(None, args.lateness.split(",")):
        run(float(value))
    if args.bisect:
        lo, hi = args.bisect
        while hi - lo > args.precision:
            middle = (lo + hi) / 2
            lo, hi = (middle, hi) if run(middle) else (lo, middle)
        print(
            f"adopted up to {lo:g} s after the timeout, posted again from {hi:g} s "
            f"({args.request_timeout + lo:g}-{args.request_timeout + hi:g} s after the POST was sent)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
