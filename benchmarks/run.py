"""Benchmark of offerform: ``python benchmarks/run.py [--sizes 10,100,500]``.

Not a test. Starts the emulator (own process, 127.0.0.1 only), then measures two paths: stacks
run with the real ``pulumi`` CLI, beside a sequential ``requests`` loop (what a user waits for),
and the SDK's dynamic-provider plugin (``python -m pulumi.dynamic``) driven over gRPC by our own
harness (the plugin without the engine). Prints one markdown report, writes it to
``<out>/results.md`` with the plots ``<out>/results.png`` (CLI) and ``<out>/results-harness.png``:
the one benchmark report of the project (the performance guide links to it; ``--readme`` copies
it into another file's marked block). Every process it starts, it stops.
"""

from __future__ import annotations

import argparse
import os
import pickle
import signal
import sys
import time
from pathlib import Path
from typing import Any, Optional, Sequence, cast

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.cli import report as cli_report  # noqa: E402
from benchmarks.cli.measure import CliResults, find_cli, measure_cli  # noqa: E402
from benchmarks.emulator_process import EmulatorHandle, start_emulator  # noqa: E402
from benchmarks.plugin.measure import (  # noqa: E402
    OPERATIONS,
    count_requests,
    measure_cold_start,
    measure_cpu,
    measure_state_size,
    median_phases,
    time_cycle,
)
from benchmarks.plugin.report import Results, machine_facts, markdown, plot, run_header, update_readme  # noqa: E402
from harness.stack_config import plugin_config  # noqa: E402


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line; defaults are the issue's: 10, 100 and 500 offers, 50 ms per request."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--sizes", default="10,100,500", type=_sizes, help="numbers of offers, comma-separated")
    parser.add_argument("--latency", default=0.05, type=float, help="seconds the emulator adds to each request")
    parser.add_argument("--out", default=str(ROOT / "benchmarks"), help="folder for results.md and results.png")
    parser.add_argument("--repeat", default=3, type=int, help="runs of each size; the median is reported")
    parser.add_argument("--cold-starts", default=5, type=int, help="cold starts of each plugin; median reported")
    parser.add_argument("--count-offers", default=20, type=int, help="offers in the request-count pass")
    parser.add_argument(
        "--alone-offers",
        default=40,
        type=int,
        help="offers timed one at a time (no concurrency), for the fixed cost per offer",
    )
    parser.add_argument(
        "--loop-repeat",
        default=3,
        type=int,
        help="runs of the sequential requests loop at each size; the median is reported",
    )
    parser.add_argument(
        "--cli-cold-starts",
        default=5,
        type=int,
        help="previews of the 1-offer and the trivial stack each, through the CLI",
    )
    parser.add_argument("--cli", default=None, help="directory of the pulumi CLI (default: ./run.sh cli)")
    parser.add_argument(
        "--emulator",
        default="subprocess",
        choices=("subprocess", "inprocess"),
        help="run the emulator in its own process, or as a thread of this one (as the tests do)",
    )
    parser.add_argument(
        "--raw", default=None, help="also keep the measurements in this file (pickle), to render the report again later"
    )
    parser.add_argument(
        "--render",
        metavar="RAW",
        default=None,
        help="measure nothing: write the report from a --raw file of an earlier run",
    )
    parser.add_argument(
        "--readme",
        action="append",
        default=None,
        help="a markdown file whose marked block also gets the report (repeatable); default: none",
    )
    args = parser.parse_args(argv)
    counts = (
        args.repeat,
        args.cold_starts,
        args.count_offers,
        args.alone_offers,
        args.loop_repeat,
        args.cli_cold_starts,
    )
    if min(counts) < 1 or args.loop_repeat > args.repeat or args.latency <= 0:
        parser.error(
            "--repeat, --cold-starts, --count-offers, --alone-offers, --loop-repeat and --cli-cold-starts "
            "must be at least 1, --loop-repeat at most --repeat, --latency above 0"
        )
    return args


def _sizes(text: str) -> list[int]:
    """Parse ``10,100,500`` into sorted distinct positive sizes."""
    sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes must be positive integers, e.g. 10,100,500")
    return sizes


def progress(message: str) -> None:
    """A line on stderr, so that stdout carries the report alone."""
    print(f"[benchmark] {message}", file=sys.stderr, flush=True)


def measure_all(emu: EmulatorHandle, args: argparse.Namespace) -> Results:
    """Every harness-path measurement, in an order that keeps the emulator's sandbox empty between them."""
    # The handle has what plugin_config reads from an Emulator: its URLs and credentials.
    config: dict[str, Any] = plugin_config(cast(Any, emu))
    progress(f"requests per operation over {args.count_offers} offers")
    requests = count_requests(emu, config, args.count_offers)
    timings = {}
    for count in args.sizes:
        cycles = []
        for run in range(1, args.repeat + 1):
            cycle = time_cycle(emu, config, count, args.latency)
            progress(
                f"N={count} run {run}/{args.repeat}: "
                + ", ".join(f"{op} {cycle[op].seconds:.2f}s" for op in OPERATIONS)
            )
            cycles.append(cycle)
        timings[count] = median_phases(cycles)
    progress(f"{args.alone_offers} offers one at a time (the fixed cost per offer, without concurrency)")
    alone = time_cycle(emu, config, args.alone_offers, args.latency, workers=1)
    progress(f"CPU per call over {max(args.sizes)} offers, no latency")
    cpu = measure_cpu(emu, config, max(args.sizes), args.latency)
    progress(f"cold start, {args.cold_starts} of each plugin")
    cold = measure_cold_start(config, args.cold_starts)
    assert cpu.sample is not None
    return Results(
        sizes=args.sizes,
        latency=args.latency,
        repeats=args.repeat,
        emulator=args.emulator,
        timings=timings,
        alone=alone,
        requests=requests,
        cpu=cpu,
        cold=cold,
        cold_repeats=args.cold_starts,
        state=measure_state_size(cpu.sample),
        machine=machine_facts(args.emulator),
    )


def measure_through_cli(emu: EmulatorHandle, args: argparse.Namespace) -> CliResults:
    """The stacks through the real CLI, the loop beside them, the profiled cycle and the CLI cold start."""
    cli = Path(args.cli) if args.cli else find_cli()
    progress(f"through the CLI ({cli}): sizes {args.sizes}, {args.repeat} runs each, the loop {args.loop_repeat}")
    config: dict[str, Any] = plugin_config(cast(Any, emu))
    return measure_cli(
        emu, config, cli, args.sizes, args.latency, args.repeat, args.loop_repeat, args.cli_cold_starts, progress
    )


def report(harness: Results, cli: CliResults, folder: Path, out: Path) -> str:
    """The whole report, with the plots' paths relative to ``folder`` (where the markdown will live)."""

    def image(name: str) -> str:
        """A plot's path as the markdown in ``folder`` links it."""
        return os.path.relpath(out / name, folder)

    return "\n\n".join(
        [
            run_header(harness),
            cli_report.markdown(cli, image("results.png"), harness.cold, _quiet_preview_us(harness)),
            markdown(harness, image("results-harness.png")),
        ]
    )


def _quiet_preview_us(harness: Results) -> Optional[float]:
    """Our provider's Check plus Diff, in-process on an idle machine (µs).

    A preview's calls with nothing around them.
    """
    costs = {cost.call: cost.provider_us for cost in harness.cpu.calls}
    return costs["check"] + costs["diff"] if {"check", "diff"} <= set(costs) else None


def write_outputs(harness: Results, cli: CliResults, out: Path, readmes: list[Path]) -> None:
    """results.md and both plots in ``out``, the READMEs' marked blocks, and the report on stdout."""
    out.mkdir(parents=True, exist_ok=True)
    cli_report.plot(cli, out / "results.png")
    plot(harness, out / "results-harness.png")
    text = report(harness, cli, out, out)
    (out / "results.md").write_text(text + _large_stacks_block(out / "results.md"))
    print(text)
    progress(f"wrote {out / 'results.md'}, {out / 'results.png'} and {out / 'results-harness.png'}")
    for readme in readmes:
        progress(update_readme(readme, lambda folder: report(harness, cli, folder, out)))


def _large_stacks_block(results: Path) -> str:
    """The section ``benchmarks/cli/large.py`` keeps in results.md, carried over so that the report stays one file."""
    from benchmarks.cli.large import END, START

    existing = results.read_text() if results.exists() else ""
    if START not in existing or END not in existing:
        return ""
    return "\n\n" + START + existing.split(START, 1)[1].split(END, 1)[0] + END + "\n"


def stop_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so that the ``finally`` blocks stop the plugin and emulator processes.

    And give SIGINT back its usual meaning: a shell starts a background command (``... &``) with
    SIGINT ignored, every child inherits that, and the CLI stops its language host with SIGINT,
    then SIGKILL 5 s later; with a host that keeps SIGINT ignored (ours did, before it asked for the
    signal) every ``pulumi up`` and ``preview`` would wait those 5 s.
    """

    def stop(_signum: int, _frame: Any) -> None:
        """Raise SystemExit in the main thread."""
        raise SystemExit(143)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Measure, report, clean up."""
    args = parse_args(argv)
    readmes = [Path(p) for p in args.readme] if args.readme else []
    if args.render:
        harness, cli = pickle.loads(Path(args.render).read_bytes())
        write_outputs(harness, cli, Path(args.out), readmes)
        return 0
    stop_on_sigterm()
    started = time.perf_counter()
    progress(f"emulator: {args.emulator}; sizes {args.sizes}; latency {args.latency:g} s; {args.repeat} runs each")
    emu = start_emulator(args.emulator)
    try:
        cli = measure_through_cli(emu, args)
        harness = measure_all(emu, args)
    finally:
        emu.close()
    harness.run_seconds = time.perf_counter() - started
    if args.raw:
        Path(args.raw).write_bytes(pickle.dumps((harness, cli)))
    write_outputs(harness, cli, Path(args.out), readmes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
