"""The report's first part, through the real CLI: wall time against the limit and the loop, checkpoints,
where one offer's time goes, cold start, memory and state; and its plot."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Optional

from ..plugin.drive import ENGINE_WORKERS
from ..plugin.measure import ColdStarts
from ..plugin.report import MISSED, OK, limit_seconds, markdown_table, seconds_text
from .breakdown import OfferTime
from .loop import LOOP_OPERATIONS
from .measure import CliResults
from .stack import CLI_OPERATIONS, EXPECTED_REQUESTS

TARGET_RATIO = 1.3  # up, refresh and destroy at the largest N, over the physical limit
TARGET_SPEEDUP = 2.5  # over the sequential loop
TARGET_NO_OP_SECONDS = 5.0  # preview and a no-op up
TARGET_OURS_SHARE = 0.03
TARGET_COLD_RATIO = 1.3
NO_REQUEST_OPERATIONS = tuple(op for op, method in EXPECTED_REQUESTS.items() if method is None)
HTTP_OPERATIONS = tuple(op for op in CLI_OPERATIONS if op not in NO_REQUEST_OPERATIONS)


def _mark(ok: bool) -> str:
    """✓ or ✗."""
    return OK if ok else MISSED


def _ms(seconds: Optional[float], digits: int = 1) -> str:
    """Milliseconds, or a dash."""
    return "–" if seconds is None else f"{seconds * 1000:.{digits}f}"


def ratio(results: CliResults, count: int, operation: str, mode: str = "default") -> float:
    """Wall time over the physical limit."""
    return results.timings[count][mode][operation].seconds / limit_seconds(count, results.latency)


def speedup(results: CliResults, count: int, operation: str, mode: str = "default") -> float:
    """The sequential loop's time over the stack's."""
    return results.loop[count][operation] / results.timings[count][mode][operation].seconds


def markdown(results: CliResults, image: str, plugin_cold: ColdStarts, quiet_preview_us: Optional[float] = None) -> str:
    """The CLI part of the report; ``plugin_cold``: the first Check through the plugin alone."""
    parts = [
        _intro(results),
        _wall_time_table(results),
        f"![Wall time against number of offers, through the CLI]({image})",
        _loop_table(results),
        _checkpoint_table(results),
        _breakdown_table(results),
        _cpu_table(results),
        _cold_start(results, plugin_cold),
        _memory_and_state(results),
        _targets(results, plugin_cold, quiet_preview_us),
    ]
    return "\n\n".join(part for part in parts if part)


def _intro(results: CliResults) -> str:
    """What was run and how."""
    return (
        f"### Through the real CLI: what a user waits for\n\n"
        f"Each operation is one `pulumi` command (v3.260.0, file backend, default `--parallel`) on a stack of N "
        f"fallback offers declared in a loop, timed from outside as a terminal would; the emulator adds "
        f"{results.latency * 1000:g} ms to every request. `up`, `refresh` and `destroy` run with `--yes "
        f"--skip-preview` (the apply alone; a user's `pulumi up --yes` adds a preview, timed on its own row). "
        f"**Default**: the backend's settings as they ship; **no checkpoints**: the same stack with "
        f"`PULUMI_SKIP_CHECKPOINTS=true`. The physical limit is N × {results.latency * 1000:g} ms ÷ {ENGINE_WORKERS} "
        f"(the SDK's plugin serves {ENGINE_WORKERS} calls at once, whatever `--parallel`). Default, no checkpoints "
        f"and the sequential loop took turns in the same run, {results.repeats} times each "
        f"({results.loop_repeats} for the loop); figures are medians."
    )


def _wall_time_table(results: CliResults) -> str:
    """Time per operation and size, default settings and without checkpoints, with ratios to the limit."""
    largest, latency = results.largest, results.latency
    header = ["operation", f"requests per offer (N={largest})"]
    header += [f"N={n}" for n in results.sizes] + [f"N={largest}, no checkpoints"]
    rows = [header, ["---"] * len(header)]
    rows.append(
        [f"**physical limit** N × {latency * 1000:g} ms ÷ {ENGINE_WORKERS}", ""]
        + [seconds_text(limit_seconds(n, latency)) for n in results.sizes]
        + [""]
    )
    for operation, label in CLI_OPERATIONS.items():
        big = results.timings[largest]["default"][operation]
        method = EXPECTED_REQUESTS[operation]
        tokens = big.requests["ims"]
        requests = (f"{big.requests['dps'].get(method, 0) / largest:.2f} {method}" if method else "0") + (
            f" + {tokens} token" if tokens else ""
        )
        cells = [label, requests]
        for n in results.sizes:
            cells.append(
                f"{seconds_text(results.timings[n]['default'][operation].seconds)} "
                f"({ratio(results, n, operation):.2f}×)"
            )
        cells.append(
            f"{seconds_text(results.timings[largest]['skip'][operation].seconds)} "
            f"({ratio(results, largest, operation, 'skip'):.2f}×)"
        )
        rows.append(cells)
    return (
        "#### Wall time\n\nIn brackets: the time over the physical limit. Requests are counted by the emulator "
        "and are the same in every run.\n\n" + markdown_table(rows)
    )


def _loop_table(results: CliResults) -> str:
    """The stack against the sequential loop a user would write instead."""
    rows = [
        ["operation", "the loop's calls"]
        + [f"N={n}: loop / stack (speed-up)" for n in results.sizes]
        + [f"N={results.largest}, no checkpoints: speed-up"],
        ["---"] * (3 + len(results.sizes)),
    ]
    for operation, method in LOOP_OPERATIONS.items():
        cells = [CLI_OPERATIONS[operation], f"1 {method} each, one at a time"]
        for n in results.sizes:
            cells.append(
                f"{seconds_text(results.loop[n][operation])} / "
                f"{seconds_text(results.timings[n]['default'][operation].seconds)} "
                f"({speedup(results, n, operation):.2f}×)"
            )
        cells.append(f"{speedup(results, results.largest, operation, 'skip'):.2f}×")
        rows.append(cells)
    return (
        "#### Against a sequential `requests` loop\n\nWhat a user would write instead (`benchmarks/cli/loop.py`): one "
        "kept-alive session, one token, the same calls with the same bodies, one at a time, measured in the "
        f"same run. At best N × {results.latency * 1000:g} ms.\n\n" + markdown_table(rows)
    )


def _checkpoint_table(results: CliResults) -> str:
    """What the file backend's whole-state checkpoint around every step costs as N grows."""
    rows = [
        ["operation"]
        + [f"N={n}: default / no checkpoints" for n in results.sizes]
        + [f"checkpoints per offer at N={n}" for n in results.sizes],
        ["---"] * (1 + 2 * len(results.sizes)),
    ]
    for operation in HTTP_OPERATIONS:
        cells = [CLI_OPERATIONS[operation]]
        costs = []
        for n in results.sizes:
            default, skip = (results.timings[n][mode][operation].seconds for mode in ("default", "skip"))
            cells.append(f"{seconds_text(default)} / {seconds_text(skip)}")
            costs.append(f"{(default - skip) / n * 1000:.1f} ms")
        rows.append(cells + costs)
    state = results.timings[results.largest]["default"]["create"].state_bytes
    return (
        "#### What the checkpoints cost as N grows\n\nWith the file backend, the engine writes the whole state "
        "(and a backup copy) before and after every step, one write at a time; at "
        f"N={results.largest} the state is {state / 1024:.0f} KiB. So each step's checkpoint costs in "
        "proportion to N and a whole apply about N²; `refresh` checkpoints once at the end.\n\n" + markdown_table(rows)
    )


def _breakdown_table(results: CliResults) -> str:
    """Where one offer's time goes, per operation, from the profiled cycle at the largest N."""
    profile = results.profile.get("default")
    if not profile:
        return ""
    operations = list(CLI_OPERATIONS)
    rows: list[list[str]] = [
        ["ms per offer (mean)"] + [CLI_OPERATIONS[op] for op in operations],
        ["---"] + ["---:"] * len(operations),
    ]

    def row(label: str, value: Callable[[OfferTime], Optional[float]], digits: int = 2) -> None:
        """One line of the table: ``value`` of every operation's profile, in ms."""
        rows.append([label] + [_ms(value(profile[op]), digits) for op in operations])

    skip = results.profile.get("skip", {})

    def both(label: str, value: Callable[[OfferTime], float], digits: int = 1) -> None:
        """One line with the default and the no-checkpoints figure side by side."""
        rows.append(
            [label]
            + [
                f"{_ms(value(profile[op]), digits)} / {_ms(value(skip[op]), digits)}"
                if op in skip
                else _ms(value(profile[op]), digits)
                for op in operations
            ]
        )

    both("the user's wait: wall time ÷ N (default / no checkpoints)", lambda t: t.wall)
    row("the engine's gRPC calls to the plugin for the offer (all of the indented rows)", lambda t: t.engine_calls)
    row("↳ gRPC transport, and waiting for one of the plugin's 4 threads", lambda t: t.transport)
    row("↳ the SDK's plugin: servicer, (de)serialisation, unpickling the provider", lambda t: t.sdk_plugin)
    row("↳ our provider code, wall (less the HTTP client inside it; GIL waits included)", lambda t: t.provider, 3)
    row("↳ the HTTP client (requests, urllib3, loopback), and waiting for the first IMS token", lambda t: t.http_client)
    row("↳ the emulator handling the request", lambda t: t.emulator)
    row(f"↳ the added latency ({results.latency * 1000:g} ms per request)", lambda t: t.latency)
    row("our provider code, CPU", lambda t: t.provider_cpu, 3)
    row(
        "our resource class in the program, CPU (FallbackOffer(...), less the SDK inside it)",
        lambda t: t.program_ours,
        3,
    )
    if skip:
        rows.append(
            ["the engine's step, CPU (Go, no checkpoints)"] + [_ms(skip[op].cpu_engine, 1) for op in operations]
        )
        rows.append(
            ["the checkpoint writes, CPU in the engine (default less no checkpoints)"]
            + [_ms(max(profile[op].cpu_engine - skip[op].cpu_engine, 0.0), 1) for op in operations]
        )
    both("the program, CPU (Python SDK: registering the offer, resolving its outputs)", lambda t: t.cpu_program)
    row("the file backend's blob writes, I/O only (checkpoints and backups)", lambda t: t.blob_writes)
    rows.append(["blob writes per offer"] + [f"{profile[op].blob_write_count:.1f}" for op in operations])
    rows.append(
        ["**our code's CPU ÷ the offer's calls as the engine timed them** (target ≤ 3%)"]
        + [f"{profile[op].ours_share:.2%} {_mark(profile[op].ours_share <= TARGET_OURS_SHARE)}" for op in operations]
    )
    return (
        f"#### Where one offer's time goes\n\nOne more cycle at N={results.largest}, default settings, not part "
        "of the timings: the engine's own spans (`--otel-traces file://`) and timers inside the plugin and the "
        "program (`benchmarks/cli/probe/`), each a mean per offer; the same cycle without checkpoints gives "
        "the engine's step apart from its checkpoints. The engine sends up to 8 calls at once "
        "(`--parallel`) and the plugin serves 4, so the calls' transport row includes waiting for a "
        "thread. Our code is counted in CPU time: a thread in it may wait for the GIL that another "
        "plugin thread holds, which the wall row shows.\n\n" + markdown_table(rows)
    )


def _cpu_table(results: CliResults) -> str:
    """CPU per offer by process, against the 2 cores: the floor that the machine, not the network, sets."""
    if not results.profile:
        return ""
    cores = os.cpu_count() or 1
    operations = list(CLI_OPERATIONS)
    rows = [["CPU ms per offer"] + [CLI_OPERATIONS[op] for op in operations], ["---"] + ["---:"] * len(operations)]
    parts: list[tuple[str, Callable[[OfferTime], float]]] = [
        ("the engine (Go: CLI, language host)", lambda t: t.cpu_engine),
        ("the program (Python SDK)", lambda t: t.cpu_program),
        ("the plugin (Python SDK + our provider)", lambda t: t.cpu_plugin),
        ("the emulator", lambda t: t.cpu_emulator),
    ]
    for mode, setting in (("default", "default"), ("skip", "no checkpoints")):
        profile = results.profile.get(mode)
        if not profile:
            continue
        for label, value in parts:
            rows.append([f"{label}, {setting}"] + [_ms(value(profile[op]), 1) for op in operations])
        rows.append(
            [f"**CPU floor on {cores} cores** (all of the above ÷ {cores}), {setting}"]
            + [_ms((profile[op].cpu_total + profile[op].cpu_emulator) / cores, 1) for op in operations]
        )
        rows.append([f"**wall time ÷ N**, {setting}"] + [_ms(profile[op].wall, 1) for op in operations])
    return (
        f"#### CPU per offer, by process\n\nFrom the same profiled cycles. Everything runs on this machine's "
        f"{cores} cores; where the CPU floor comes near the wall time, the machine, not the network, is the "
        f"limit.\n\n" + markdown_table(rows)
    )


def _cold_start(results: CliResults, plugin_cold: ColdStarts) -> str:
    """`pulumi preview` of one offer against one trivial resource, and the plugin's first Check."""
    cold = results.cold
    if cold is None:
        return ""
    ours, trivial, floor = plugin_cold.ours, plugin_cold.trivial, plugin_cold.pydantic
    rows = [
        ["", "our provider", "trivial provider", "ratio", "trivial + pydantic (ratio)"],
        ["---", "---:", "---:", "---:", "---:"],
        [
            f"`pulumi preview` of a 1-resource stack (median of {cold.repeats})",
            f"{cold.offer_seconds * 1000:.0f} ms",
            f"{cold.trivial_seconds * 1000:.0f} ms",
            f"{cold.ratio:.2f}×",
            "–",
        ],
        [
            "the plugin alone: `Popen` to the first Check answered",
            f"{ours.to_check_ms:.0f} ms",
            f"{trivial.to_check_ms:.0f} ms",
            f"{plugin_cold.ratio:.2f}×",
            f"{floor.to_check_ms:.0f} ms ({plugin_cold.pydantic_ratio:.2f}×)",
        ],
    ]
    return (
        "#### Cold start\n\nA preview of one offer against the same stack with one resource of "
        "`benchmarks/trivial_provider.py`, alternately; and the plugin's own start (second part below). The "
        "preview pays our import twice: in the program (`from provider import FallbackOffer`) and in the "
        "plugin (unpickling the provider). The last column is the trivial provider validating its input with "
        "one pydantic model: the floor of any provider whose Check validates with pydantic.\n\n" + markdown_table(rows)
    )


def _memory_and_state(results: CliResults) -> str:
    """The plugin's peak RSS and the state file's size at the largest N."""
    largest = results.largest
    profile = results.profile.get("default", {})
    rss = max((time.plugin_rss_kib for time in profile.values()), default=0)
    state = results.timings[largest]["default"]["create"].state_bytes
    rows = [
        ["at N=" + str(largest), "value"],
        ["---", "---:"],
        ["the plugin's peak RSS (largest over the cycle)", f"{rss / 1024:.0f} MiB"],
        ["the state file after `up`", f"{state / 1024:.0f} KiB ({state / largest:.0f} bytes per offer)"],
    ]
    return "#### Memory and state\n\n" + markdown_table(rows)


def _targets(results: CliResults, plugin_cold: ColdStarts, quiet_preview_us: Optional[float]) -> str:
    """Every target of the issue, met or not, with the measured value."""
    largest = results.largest
    rows = [["target", "measured", ""], ["---", "---", "---"]]
    for operation in NO_REQUEST_OPERATIONS:
        run = results.timings[largest]["default"][operation]
        made = sum(run.requests["dps"].values())
        rows.append(
            [
                f"{CLI_OPERATIONS[operation]}, N={largest}: 0 requests, ≤ {TARGET_NO_OP_SECONDS:g} s",
                f"{made} requests, {seconds_text(run.seconds)}",
                _mark(made == 0 and run.seconds <= TARGET_NO_OP_SECONDS),
            ]
        )
    for operation in HTTP_OPERATIONS:
        measured = ratio(results, largest, operation)
        rows.append(
            [
                f"{CLI_OPERATIONS[operation]}, N={largest}: ≤ {TARGET_RATIO:g}× the limit, default settings",
                f"{measured:.2f}× (no checkpoints: {ratio(results, largest, operation, 'skip'):.2f}×)",
                _mark(measured <= TARGET_RATIO),
            ]
        )
        faster = speedup(results, largest, operation)
        rows.append(
            [
                f"{CLI_OPERATIONS[operation]}, N={largest}: ≥ {TARGET_SPEEDUP:g}× faster than the loop",
                f"{faster:.2f}× (no checkpoints: {speedup(results, largest, operation, 'skip'):.2f}×)",
                _mark(faster >= TARGET_SPEEDUP),
            ]
        )
    profile = results.profile.get("default", {})
    if profile:
        worst = max(profile, key=lambda op: profile[op].ours_share)
        rows.append(
            [
                f"our code ≤ {TARGET_OURS_SHARE:.0%} of each step's time",
                f"at most {profile[worst].ours_share:.2%} ({CLI_OPERATIONS[worst]})",
                _mark(profile[worst].ours_share <= TARGET_OURS_SHARE),
            ]
        )
    ours, trivial = plugin_cold.ours, plugin_cold.trivial
    rows.append(
        [
            f"the plugin's cold start ≤ {TARGET_COLD_RATIO:g}× the trivial provider's",
            f"{plugin_cold.ratio:.2f}× ({ours.to_check_ms:.0f} ms against {trivial.to_check_ms:.0f} ms; "
            f"pydantic alone: {plugin_cold.pydantic_ratio:.2f}×)",
            _mark(plugin_cold.ratio <= TARGET_COLD_RATIO),
        ]
    )
    return "#### Targets\n\n" + markdown_table(rows) + _why_missed(results, plugin_cold, quiet_preview_us)


def _why_missed(results: CliResults, plugin_cold: ColdStarts, quiet_preview_us: Optional[float]) -> str:
    """Why each missed target is missed, in the measured numbers."""
    largest, latency = results.largest, results.latency
    profile, skip = results.profile.get("default", {}), results.profile.get("skip", {})
    if not (profile and skip):
        return ""
    notes: list[str] = []
    missed = [
        op
        for op in HTTP_OPERATIONS
        if ratio(results, largest, op) > TARGET_RATIO or speedup(results, largest, op) < TARGET_SPEEDUP
    ]
    checkpointed = [op for op in missed if profile[op].blob_write_count >= 1]
    if checkpointed:
        state = results.timings[largest]["default"]["create"].state_bytes
        smaller = min(results.sizes)
        per_offer = {
            n: {
                op: (results.timings[n]["default"][op].seconds - results.timings[n]["skip"][op].seconds) / n
                for op in checkpointed
            }
            for n in results.sizes
        }
        notes.append(
            "**Checkpoints** (" + ", ".join(CLI_OPERATIONS[op] for op in checkpointed) + "): around each step the "
            f"file backend writes the whole state, {state / 1024:.0f} KiB at N={largest}, "
            f"{profile[checkpointed[0]].blob_write_count:.0f} blob writes per offer (state and backup, before and "
            "after), one at a time, and the engine serialises it each time: "
            + "; ".join(
                f"{CLI_OPERATIONS[op]} spends {(profile[op].cpu_engine - skip[op].cpu_engine) * 1000:.0f} ms of "
                f"engine CPU per offer on it and waits {max(per_offer[largest][op], 0.0) * 1000:.0f} ms per "
                f"offer for it (at N={smaller}: {max(per_offer[smaller][op], 0.0) * 1000:.1f} ms)"
                for op in checkpointed
            )
            + ". Per offer it grows with N, so the whole apply grows with N²; no provider can change that. "
            "Without checkpoints the same stacks take "
            + ", ".join(
                f"{ratio(results, largest, op, 'skip'):.2f}× the limit ({speedup(results, largest, op, 'skip'):.2f}× "
                f"the loop)"
                for op in checkpointed
            )
            + "."
        )
    beyond = [op for op in HTTP_OPERATIONS if ratio(results, largest, op, "skip") > TARGET_RATIO]
    fixed = results.timings[min(results.sizes)]["skip"]["preview"].seconds
    programs = [op for op in beyond if skip[op].cpu_program > 0]
    if programs:
        notes.append(
            "**Without checkpoints, still above the limit** ("
            + ", ".join(CLI_OPERATIONS[op] for op in programs)
            + "): the program is one Python process that registers every offer with the SDK and resolves its "
            "outputs, "
            + ", ".join(
                f"{skip[op].cpu_program * 1000:.1f} ms of CPU per offer ({CLI_OPERATIONS[op]})" for op in programs
            )
            + f" under one GIL: {largest} offers need "
            + " and ".join(f"{skip[op].cpu_program * largest:.1f} s" for op in programs)
            + f" of it in one thread, on top of about {fixed:.1f} s that every command pays to start (the "
            f"preview of {min(results.sizes)} offers), against a target of "
            f"{TARGET_RATIO * limit_seconds(largest, latency):.2f} s. The 2 cores are shared with the engine, "
            "the plugin and the emulator (see CPU per offer). Of that program time, our resource class is "
            + " and ".join(f"{skip[op].program_ours * 1000:.3f} ms" for op in programs)
            + " per offer."
        )
    others = [op for op in beyond if op not in programs]
    if others:
        notes.append(
            "**Without checkpoints, still above the limit** ("
            + ", ".join(CLI_OPERATIONS[op] for op in others)
            + f"): no program runs, but every command pays about {fixed:.1f} s to start, and each offer's call "
            "costs the plugin "
            + ", ".join(
                f"{(skip[op].engine_calls - skip[op].latency) * 1000:.1f} ms ({CLI_OPERATIONS[op]})" for op in others
            )
            + " beyond the latency, 4 at a time."
        )
    share_missed = [op for op in profile if profile[op].ours_share > TARGET_OURS_SHARE]
    if share_missed:
        notes.append(
            "**Our code's share** (" + ", ".join(CLI_OPERATIONS[op] for op in share_missed) + "): a preview's calls "
            "are a Check and a Diff, no network, "
            + ", ".join(
                f"{profile[op].engine_calls * 1000:.2f} ms per offer as the engine times them, of which ours is "
                f"{profile[op].ours * 1000:.3f} ms"
                for op in share_missed
            )
            + "; against the whole command's wall time per offer ("
            + ", ".join(f"{profile[op].wall * 1000:.1f} ms" for op in share_missed)
            + ") that is "
            + ", ".join(f"{profile[op].ours / profile[op].wall:.1%}" for op in share_missed)
            + "."
            + (
                ""
                if quiet_preview_us is None
                else f" Called in-process on an idle machine, the same Check and Diff take {quiet_preview_us:.0f} µs "
                "(harness path, CPU per call): inside the plugin, on 2 cores the engine and the program keep busy, "
                "the same code costs "
                + ", ".join(f"{profile[op].provider_cpu * 1e6:.0f} µs ({CLI_OPERATIONS[op]})" for op in share_missed)
                + " of CPU."
            )
        )
    ours, trivial, floor = plugin_cold.ours, plugin_cold.trivial, plugin_cold.pydantic
    if plugin_cold.ratio > TARGET_COLD_RATIO:
        notes.append(
            "**Cold start**: the plugin's first Check imports `provider`, "
            f"{ours.to_check_ms - trivial.to_check_ms:.0f} ms more than the trivial provider. "
            f"{floor.to_check_ms - trivial.to_check_ms:.0f} ms of it is pydantic "
            "itself: the trivial provider validating with one pydantic model is already "
            f"{plugin_cold.pydantic_ratio:.2f}× (the target leaves "
            f"{(TARGET_COLD_RATIO - 1) * trivial.to_check_ms:.0f} ms). The other "
            f"{max(ours.to_check_ms - floor.to_check_ms, 0.0):.0f} ms are the served kind's models and our modules: "
            "the first Check loads no HTTP client (it comes with the first call to Adobe), no other kind and no Args "
            "(`tests/unit/test_lazy_imports.py`). Meeting 1.3× would mean validating without pydantic."
        )
    return "\n\n" + "\n\n".join(f"- {note}" for note in notes) if notes else ""


def plot(results: CliResults, path: Path) -> None:
    """Time against N, one line per operation, with the physical limit and the sequential loop; left with the
    default backend settings, right with ``PULUMI_SKIP_CHECKPOINTS=true``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    sizes, latency = results.sizes, results.latency
    figure, panels = plt.subplots(1, 2, figsize=(12, 5.4), dpi=110, sharey=True)
    for axes, mode, title in (
        (panels[0], "default", "default backend settings"),
        (panels[1], "skip", "PULUMI_SKIP_CHECKPOINTS=true"),
    ):
        for operation, label in CLI_OPERATIONS.items():
            axes.plot(sizes, [results.timings[n][mode][operation].seconds for n in sizes], marker="o", label=label)
        axes.plot(
            sizes,
            [limit_seconds(n, latency) for n in sizes],
            color="black",
            linestyle="--",
            label=f"physical limit N × {latency * 1000:g} ms ÷ {ENGINE_WORKERS}",
        )
        axes.plot(
            sizes,
            [TARGET_RATIO * limit_seconds(n, latency) for n in sizes],
            color="grey",
            linestyle=":",
            label=f"target: {TARGET_RATIO:g}× the limit",
        )
        axes.plot(
            sizes,
            [results.loop[n]["create"] for n in sizes],
            color="black",
            linestyle="-.",
            label="sequential requests loop (create)",
        )
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xticks(sizes, [str(n) for n in sizes])
        axes.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda value, _: f"{value:g}"))
        axes.set_xlabel("offers in the stack (N)")
        axes.set_title(f"pulumi, {title}", fontsize=10)
        axes.grid(True, which="both", alpha=0.3)
        axes.legend(fontsize=7)
    panels[0].set_ylabel("wall time (s)")
    figure.suptitle(
        f"offerform through the Pulumi CLI, {latency * 1000:g} ms per request — {os.cpu_count()} cores", fontsize=10
    )
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
