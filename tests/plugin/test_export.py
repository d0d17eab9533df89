"""``python -m provider.export`` against the emulator, and the generated program through the plugin path.

The export runs as a subprocess, as a user runs it; the program it writes is evaluated without a
Pulumi engine (``FallbackOffer`` and ``pulumi.export`` replaced by recorders) to get each resource's
declared inputs, which then go through Check, Create (adoption) and Diff of the real plugin.
"""

from __future__ import annotations

import copy
import keyword
import os
import pty
import re
import select
import socket
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pulumi
import pytest
from offerform_emulator import Emulator
from offerform_emulator.faults import Fault
from pulumi.runtime.proto import provider_pb2

import provider
from harness.engine import ROOT, Plugin, Stack
from harness.offers import EMAIL, WEB, offer, plain_inputs
from harness.stack_config import ORG, SANDBOX, TENANT, plugin_config

from ..support.sandbox import seed_connected_sandbox, seed_decisioning_sandbox
from ..support.ui import AdobeUi

MOBILE = "https://ns.adobe.com/xdm/channel-types/mobile"
PAGE_SIZE = 7


# -- helpers -------------------------------------------------------------------------------------------


def export_env(emu: Emulator, **overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ADOBE_", "OFFERFORM_"))}
    env.update(
        {
            "ADOBE_CLIENT_ID": emu.client_id,
            "ADOBE_CLIENT_SECRET": emu.client_secret,
            "ADOBE_IMS_ORG_ID": ORG,
            "ADOBE_ENDPOINT": emu.dps_url,
            "ADOBE_IMS_ENDPOINT": emu.ims_url,
            "ADOBE_RETRY_DEADLINE": "10",
        }
    )
    env.update(overrides)
    return env


def run_export(
    emu: Emulator,
    out: Path | None,
    *args: str,
    env: dict[str, str] | None = None,
    sandbox: str | None = SANDBOX,
    kinds: str | None = "FallbackOffer",
    cwd: Path = ROOT,
) -> subprocess.CompletedProcess[str]:
    """``python -m provider.export`` as a user runs it; fallback offers only unless ``kinds`` says otherwise."""
    command = [sys.executable, "-m", "provider.export", "--page-size", str(PAGE_SIZE), *args]
    if kinds is not None:
        command += ["--kind", kinds]
    if sandbox is not None:
        command += ["--sandbox", sandbox]
    if out is not None:
        command += ["--out", str(out)]
    return subprocess.run(command, cwd=cwd, env=env or export_env(emu), capture_output=True, text=True, timeout=120)


@dataclass
class Declared:
    """One resource of the generated program: its variable, Pulumi resource name and inputs."""

    variable: str
    resource_name: str
    inputs: dict[str, Any]


class _Recorder:
    def __init__(self, resource_name: str, args: Any, opts: Any = None) -> None:
        self.resource_name = resource_name
        self.inputs = plain_inputs(args)
        self.id = f"<id of {resource_name}>"


def evaluate(program: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Declared], dict[str, Any]]:
    """Runs the generated program with recorders in place of ``FallbackOffer`` and ``pulumi.export``."""
    source = program.read_text(encoding="utf-8")
    code = compile(source, str(program), "exec")
    exported: dict[str, Any] = {}
    with monkeypatch.context() as patch:
        patch.setattr(provider, "FallbackOffer", _Recorder)
        patch.setattr(pulumi, "export", lambda key, value: exported.__setitem__(key, value))
        namespace: dict[str, Any] = {"__name__": "__main__"}
        exec(code, namespace)
    declared = [
        Declared(variable, value.resource_name, value.inputs)
        for variable, value in namespace.items()
        if isinstance(value, _Recorder)
    ]
    return declared, exported


def names_by_id(declared: list[Declared]) -> dict[str, tuple[str, str]]:
    return {item.inputs["adoptOfferId"]: (item.variable, item.resource_name) for item in declared}


def component(kind: str = "imagelink", **fields: Any) -> dict[str, Any]:
    formats = {"imagelink": "image/png", "html": "text/html", "json": "application/json", "text": "text/plain"}
    return {"type": kind, "format": formats[kind], **fields}


def representation(
    channel: str = WEB, placement: str = "dps:offer-placement:1a2b3c", *components: dict[str, Any]
) -> dict[str, Any]:
    return {
        "channel": channel,
        "placement": placement,
        "components": list(components) or [component(deliveryURL="https://cdn.example.com/a.png")],
    }


def varied_offers() -> list[dict[str, Any]]:
    """Thirty offers covering every field kind, odd names and duplicate names."""
    html = component(
        "html", language=["en-US", "fr-FR"], content='<p class="promo">It\'s "spring"!\n\tÉté ☀️ \\ back\\slash</p>'
    )
    json_part = component("json", content='{"title": "Hi", "items": [1, 2, 3], "quote": "\\"q\\""}')
    text = component("text", language=["de"], content="Line one\nLine two\r\nÜmlaut ß 😀")
    image = component(
        deliveryURL="https://cdn.example.com/banner.png?size=large&v=2",
        linkURL="https://www.example.com/landing#top",
        language=["en-US"],
    )
    offers = [
        offer("Spring fallback"),
        offer("Spring fallback", description="Second offer with the same name", status="draft"),
        offer("Spring fallback", description="Third with the same name", status="archived"),
        offer("spring_fallback"),
        offer("SpringFallback"),
        offer("class"),
        offer("import"),
        offer("pulumi"),
        offer("FallbackOffer"),
        offer("123 Go!"),
        offer("2024"),
        offer("Ünïcödé Ñame — été"),
        offer("Straße Smørrebrød"),
        offer("🎉🎉🎉"),
        offer("🎉 Party 🎉"),
        offer("日本語のオファー"),
        offer("---"),
        offer('It\'s "quoted" \\ name'),
        offer("two\nlines\ttabbed"),
        offer("x" * 256),
        offer(
            "Every field",
            description="Desc with \"quotes\", 'apostrophes',\nnewlines and unicode: naïve ☕",
            status="approved",
            representations=[
                representation(WEB, "dps:offer-placement:web1", html, image),
                representation(EMAIL, "dps:offer-placement:mail1", text, json_part),
                representation(
                    MOBILE,
                    "dps:offer-placement:app1",
                    component("imagelink", deliveryURL="https://cdn.example.com/m.png"),
                ),
            ],
            characteristics={
                "a.b-c_d": "dotted",
                "9lives": "leading digit",
                "UPPER": "Ünïcode 😀",
                "empty": "",
                "quote": 'it\'s "q"',
            },
            selectionConstraint={
                "startDate": "2025-06-01T00:00:00Z",
                "endDate": "2032-06-06T23:29:21.402+00:00",
                "profileConstraintType": "none",
            },
            rank={"priority": 5},
            tags=["spring", "b2c", "été"],
        ),
        offer("Dates in offsets", selectionConstraint={"startDate": "2026-01-01T02:00:00+02:00"}),
        offer("Only end date", selectionConstraint={"endDate": "2030-12-31T23:59:59.999Z"}),
        offer("Rank zero", rank={"priority": 0}, tags=["t"] * 1 + [f"tag-{n}" for n in range(19)]),
        offer("Negative rank", rank={"priority": -3}),
        offer("No description"),
        offer("Empty description", description=""),
        offer(
            "Empty language list",
            representations=[representation(WEB, "p", component("text", content="", language=[]))],
        ),
        offer("Empty characteristics", characteristics={}),
        offer("Draft with tags", status="draft", tags=["a"]),
    ]
    del offers[25]["description"]  # "No description"
    offers[18]["characteristics"] = {"multi": "line\nvalue"}
    assert len(offers) == 30
    return offers


def seed(emu: Emulator, offers: list[dict[str, Any]], sandbox: str = SANDBOX, **kwargs: Any) -> list[dict[str, Any]]:
    return [emu.seed_offer(ORG, sandbox, copy.deepcopy(item), **kwargs) for item in offers]


# -- the round trip ------------------------------------------------------------------------------------


def test_round_trip_of_thirty_varied_offers_adopts_all_with_no_write_and_empty_diffs(
    emulator: Emulator, start_plugin: Callable[..., Plugin], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded = seed(emulator, varied_offers())
    before = emulator.offers(ORG, SANDBOX)

    result = run_export(emulator, tmp_path / "exported")

    assert result.returncode == 0, result.stderr
    assert (
        result.stdout == f"exported 30 fallback offers from sandbox {SANDBOX} to {tmp_path}/exported/__main__.py "
        f"(wrote {tmp_path}/exported/Pulumi.yaml; wrote {tmp_path}/exported/requirements.txt)\n"
    )
    assert result.stderr == ""
    list_calls = [e for e in emulator.log.entries(service="dps") if e.method == "GET"]
    assert len(list_calls) == 5 and all(e.query["limit"] == [str(PAGE_SIZE)] for e in list_calls)  # every page

    declared, exported = evaluate(tmp_path / "exported" / "__main__.py", monkeypatch)
    assert sorted(item.inputs["adoptOfferId"] for item in declared) == sorted(o["id"] for o in seeded)
    variables = [item.variable for item in declared]
    assert len(set(variables)) == 30 and all(
        v.isidentifier() and v.isascii() and not keyword.iskeyword(v) for v in variables
    )
    assert exported == {"fallbackOfferIds": {item.resource_name: f"<id of {item.resource_name}>" for item in declared}}

    stack = Stack(start_plugin(plugin_config(emulator)))
    emulator.log.clear()
    for item in declared:
        assert stack.up(item.resource_name, item.inputs).op == "create"
        assert stack.state[item.resource_name].id == item.inputs["adoptOfferId"]
    assert emulator.log.count(method="GET", service="dps") == 30  # one look-up per adopted offer, nothing else
    for item in declared:
        state = stack.state[item.resource_name]
        checked, failures = stack.plugin.check(item.resource_name, item.inputs, state.inputs)
        assert failures == []
        diff = stack.plugin.diff(item.resource_name, state.id, state.outputs, checked)
        assert diff.changes == provider_pb2.DiffResponse.DIFF_NONE and not diff.replaces and not diff.diffs
        assert stack.preview(item.resource_name, item.inputs).op == "same"

    assert emulator.log.count(method="POST", service="dps") == 0
    assert emulator.log.count(method="PATCH", service="dps") == 0
    assert emulator.offers(ORG, SANDBOX) == before


def test_round_trip_keeps_adobes_older_content_type_uris_and_adopts_with_no_write(
    emulator: Emulator, start_plugin: Callable[..., Plugin], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    older = "https://ns.adobe.com/experience/offer-management/content-component-"
    seed(
        emulator,
        [
            offer(
                f"Older {kind}",
                representations=[
                    representation(
                        WEB, "xcore:offer-placement:12d544ae54e7e7db", {**component(kind), "type": older + kind}
                    )
                ],
            )
            for kind in ("imagelink", "html", "json", "text")
        ],
    )
    result = run_export(emulator, tmp_path / "exported")
    assert result.returncode == 0, result.stderr

    declared, _ = evaluate(tmp_path / "exported" / "__main__.py", monkeypatch)
    stack = Stack(start_plugin(plugin_config(emulator)))
    emulator.log.clear()
    for item in declared:
        assert item.inputs["representations"][0]["components"][0]["type"].startswith(older)
        assert stack.up(item.resource_name, item.inputs).op == "create"
        assert stack.preview(item.resource_name, item.inputs).op == "same"

    assert emulator.log.count(method="POST", service="dps") == 0
    assert emulator.log.count(method="PATCH", service="dps") == 0


def test_generated_program_compiles_and_names_every_offer_by_its_name(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(
        emulator,
        [offer("class"), offer("123 Go!"), offer("Ünïcödé Ñame"), offer("🎉"), offer("Spring"), offer("Spring")],
    )

    assert run_export(emulator, tmp_path).returncode == 0

    declared, _ = evaluate(tmp_path / "__main__.py", monkeypatch)
    variables = {item.variable for item in declared}
    [twin] = variables - {"offer", "offer_123_go", "offer_class", "spring", "unicode_name"}
    assert twin.startswith("spring_") and len(twin) == len("spring_") + 6
    assert {item.resource_name for item in declared} == {v.replace("_", "-") for v in variables}


def test_pulumi_yaml_stub_is_written_only_when_the_directory_has_none(emulator: Emulator, tmp_path: Path) -> None:
    seed(emulator, [offer()])
    assert run_export(emulator, tmp_path).returncode == 0
    stub = (tmp_path / "Pulumi.yaml").read_text()
    assert f"name: offers-{SANDBOX}" in stub
    assert "runtime:\n  name: python\n  options:\n    toolchain: pip\n    virtualenv: .venv\n" in stub
    assert "pulumi>=3.140,<4" in (tmp_path / "requirements.txt").read_text()

    (tmp_path / "Pulumi.yaml").write_text("name: mine\nruntime: python\n")
    result = run_export(emulator, tmp_path)

    assert result.returncode == 0 and "Pulumi.yaml" not in result.stdout
    assert (tmp_path / "Pulumi.yaml").read_text() == "name: mine\nruntime: python\n"


# -- filters and names -----------------------------------------------------------------------------------


def test_filters_pass_through_to_the_list_endpoint_and_only_matching_offers_are_exported(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(emulator, [offer("Spring A"), offer("Spring B", status="draft"), offer("Summer"), offer("Spring C")])

    result = run_export(emulator, tmp_path, "--filter", "name~^Spring", "--filter", "status==approved")

    assert result.returncode == 0, result.stderr
    assert "exported 2 fallback offers" in result.stdout
    declared, _ = evaluate(tmp_path / "__main__.py", monkeypatch)
    assert sorted(item.inputs["name"] for item in declared) == ["Spring A", "Spring C"]
    assert {tuple(e.query["property"]) for e in emulator.log.entries(service="dps") if e.method == "GET"} == {
        ("name~^Spring", "status==approved")
    }


def test_names_are_stable_across_exports_after_new_offers_appear(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(emulator, [offer("Solo"), offer("Twin"), offer("Twin"), offer("class"), offer("🎉")])
    assert run_export(emulator, tmp_path / "first").returncode == 0
    first = names_by_id(evaluate(tmp_path / "first" / "__main__.py", monkeypatch)[0])

    added = seed(emulator, [offer("Solo"), offer("Twin"), offer("New one"), offer("🎉")])
    assert run_export(emulator, tmp_path / "fresh").returncode == 0
    assert run_export(emulator, tmp_path / "first").returncode == 0

    fresh = names_by_id(evaluate(tmp_path / "fresh" / "__main__.py", monkeypatch)[0])
    again = names_by_id(evaluate(tmp_path / "first" / "__main__.py", monkeypatch)[0])
    assert len(fresh) == len(again) == 9
    assert {offer_id: fresh[offer_id] for offer_id in first} == first
    assert again == fresh
    assert fresh[added[0]["id"]][0].startswith("solo_") and ("solo", "solo") in first.values()


def test_exporting_again_into_the_same_directory_keeps_names_after_an_offer_is_deleted(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(emulator, [offer("Twin"), offer("Twin")])
    assert run_export(emulator, tmp_path).returncode == 0
    before = names_by_id(evaluate(tmp_path / "__main__.py", monkeypatch)[0])
    [bare] = [offer_id for offer_id, (variable, _) in before.items() if variable == "twin"]
    [suffixed] = [offer_id for offer_id in before if offer_id != bare]

    AdobeUi(emulator).delete(bare)
    assert run_export(emulator, tmp_path).returncode == 0

    after = names_by_id(evaluate(tmp_path / "__main__.py", monkeypatch)[0])
    assert after == {suffixed: before[suffixed]}


def test_exporting_again_without_an_offer_the_previous_program_declared_warns_that_up_would_delete_it(
    emulator: Emulator, tmp_path: Path
) -> None:
    kept, dropped = seed(emulator, [offer("Spring kept"), offer("Summer dropped")])
    assert run_export(emulator, tmp_path).returncode == 0

    result = run_export(emulator, tmp_path, "--filter", "name~^Spring")

    assert result.returncode == 0 and "exported 1 fallback offer" in result.stdout
    line = _one_clear_line(result)
    assert f"summer_dropped ({dropped['id']}) was in the previous __main__.py and is not in this one" in line
    assert "would now delete it" in line and kept["id"] not in line


def test_exclude_client_skips_offers_created_by_that_client(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(emulator, [offer("Made by hand")])
    seed(emulator, [offer("Made by a system")], client_id="in-app-messaging-service")

    result = run_export(emulator, tmp_path, "--exclude-client", "in-app-messaging-service")

    assert result.returncode == 0, result.stderr
    assert (
        "exported 1 fallback offer from" in result.stdout and "skipped 1 created by excluded clients" in result.stdout
    )
    declared, _ = evaluate(tmp_path / "__main__.py", monkeypatch)
    assert [item.inputs["name"] for item in declared] == ["Made by hand"]


# -- errors ---------------------------------------------------------------------------------------------


def _one_clear_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("offerform export: ") and "Traceback" not in result.stderr
    return lines[0]


def test_a_wrong_client_secret_fails_with_one_line_and_never_shows_the_secret(
    emulator: Emulator, tmp_path: Path
) -> None:
    seed(emulator, [offer()])
    secret = "wrong-s3cret-value-0123456789"

    result = run_export(emulator, tmp_path / "out", env=export_env(emulator, ADOBE_CLIENT_SECRET=secret))

    assert result.returncode == 1
    line = _one_clear_line(result)
    assert "Adobe IMS refused the client credentials" in line and "ADOBE_CLIENT_SECRET" in line
    assert secret not in result.stdout + result.stderr and result.stdout == ""
    assert not (tmp_path / "out").exists()


def test_missing_credentials_fail_with_one_line_naming_the_environment_variables(
    emulator: Emulator, tmp_path: Path
) -> None:
    env = export_env(emulator)
    del env["ADOBE_CLIENT_SECRET"], env["ADOBE_IMS_ORG_ID"]

    result = run_export(emulator, tmp_path, env=env)

    assert result.returncode == 1
    line = _one_clear_line(result)
    assert "ADOBE_IMS_ORG_ID" in line and "ADOBE_CLIENT_SECRET (or ADOBE_ACCESS_TOKEN)" in line
    assert emulator.log.count(service=None) == 0


def test_a_sandbox_the_gateway_refuses_fails_with_one_line_naming_it(emulator: Emulator, tmp_path: Path) -> None:
    emulator.faults.add(Fault("status", status=403, methods=["GET"], path_contains="/offers"))

    result = run_export(emulator, tmp_path, sandbox="no-access")

    assert result.returncode == 1
    line = _one_clear_line(result)
    assert line.startswith("offerform export: sandbox no-access: GET /offers") and "HTTP 403" in line
    assert "the sandbox name" in line and "ADOBE_IMS_ORG_ID" in line


def test_an_unknown_sandbox_with_no_offers_says_so_and_writes_nothing(emulator: Emulator, tmp_path: Path) -> None:
    seed(emulator, [offer()])

    result = run_export(emulator, tmp_path / "out", sandbox="typo-sandbox")

    assert result.returncode == 0
    assert _one_clear_line(result) == (
        "offerform export: no fallback offers found in sandbox typo-sandbox (check the sandbox name); nothing written"
    )
    assert not (tmp_path / "out").exists()


def test_the_sandbox_comes_from_the_flag_or_ADOBE_SANDBOX_NAME_and_is_required(
    emulator: Emulator, tmp_path: Path
) -> None:
    seed(emulator, [offer()])

    missing = run_export(emulator, tmp_path, sandbox=None)
    assert missing.returncode == 2 and "--sandbox is required (or set ADOBE_SANDBOX_NAME)" in missing.stderr

    from_env = run_export(emulator, tmp_path, sandbox=None, env=export_env(emulator, ADOBE_SANDBOX_NAME=SANDBOX))
    assert from_env.returncode == 0, from_env.stderr
    assert from_env.stdout.startswith(f"exported 1 fallback offer from sandbox {SANDBOX} to ")


def test_endpoint_flags_override_the_environment(emulator: Emulator, tmp_path: Path) -> None:
    seed(emulator, [offer()])
    env = export_env(emulator, ADOBE_ENDPOINT="http://127.0.0.1:9/nowhere", ADOBE_IMS_ENDPOINT="http://127.0.0.1:9/ims")

    result = run_export(emulator, tmp_path, "--endpoint", emulator.dps_url, "--ims-endpoint", emulator.ims_url, env=env)

    assert result.returncode == 0, result.stderr
    assert "exported 1 fallback offer" in result.stdout


def test_a_program_not_written_by_the_export_is_never_overwritten(emulator: Emulator, tmp_path: Path) -> None:
    seed(emulator, [offer()])
    (tmp_path / "__main__.py").write_text("print('my own program')\n")

    result = run_export(emulator, tmp_path)

    assert result.returncode == 1
    assert "exists and was not written by this command" in _one_clear_line(result)
    assert (tmp_path / "__main__.py").read_text() == "print('my own program')\n"
    assert run_export(emulator, tmp_path, "--force").returncode == 0


# -- progress and help -----------------------------------------------------------------------------------


def test_progress_stays_quiet_when_stderr_is_not_a_terminal(emulator: Emulator, tmp_path: Path) -> None:
    seed(emulator, [offer(f"Offer {n}") for n in range(30)])

    result = run_export(emulator, tmp_path)

    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.count("\n") == 1 and "\r" not in result.stdout


def test_progress_bar_is_drawn_on_a_terminal_and_erased_at_the_end(emulator: Emulator, tmp_path: Path) -> None:
    seed(emulator, [offer(f"Offer {n}") for n in range(30)])
    master, slave = pty.openpty()
    command = [
        sys.executable,
        "-m",
        "provider.export",
        "--page-size",
        str(PAGE_SIZE),
        "--sandbox",
        SANDBOX,
        "--out",
        str(tmp_path),
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, env=export_env(emulator, TERM="xterm"), stdout=subprocess.PIPE, stderr=slave
    )
    os.close(slave)
    terminal = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        terminal += chunk
    os.close(master)
    stdout, _ = process.communicate(timeout=60)

    assert process.returncode == 0
    assert b"listing fallback offers of sandbox dev [" in terminal and b"30/30" in terminal
    assert terminal.endswith(b"\r\x1b[2K")
    assert stdout.decode().startswith("exported 30 fallback offers")


def test_help_describes_the_command_and_exits_zero() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "provider.export", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    for option in (
        "--sandbox",
        "--filter",
        "--out",
        "--page-size",
        "--endpoint",
        "--ims-endpoint",
        "--exclude-client",
        "ADOBE_CLIENT_ID",
        "Exit status",
    ):
        assert option in result.stdout


# -- a sandbox per folder, every kind, and endpoints that do not answer ---------------------------------


def test_each_sandbox_goes_to_a_folder_of_its_own_by_default(emulator: Emulator, tmp_path: Path) -> None:
    seed(emulator, [offer("In dev")])
    seed(emulator, [offer("In staging")], sandbox="staging")

    first = run_export(emulator, None, cwd=tmp_path)
    second = run_export(emulator, None, sandbox="staging", cwd=tmp_path)

    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "In dev" in (tmp_path / "exported" / SANDBOX / "__main__.py").read_text()
    assert "In staging" in (tmp_path / "exported" / "staging" / "__main__.py").read_text()


def test_another_sandboxs_export_is_never_overwritten(emulator: Emulator, tmp_path: Path) -> None:
    seed(emulator, [offer("In dev")])
    seed(emulator, [offer("In staging")], sandbox="staging")
    assert run_export(emulator, tmp_path).returncode == 0
    before = (tmp_path / "__main__.py").read_text()

    refused = run_export(emulator, tmp_path, sandbox="staging")

    assert refused.returncode == 1
    assert _one_clear_line(refused) == (
        f"offerform export: {tmp_path}/__main__.py holds the export of another "
        "sandbox; choose another --out (the default is exported/<sandbox>), or pass "
        "--force to replace it"
    )
    assert (tmp_path / "__main__.py").read_text() == before


def test_the_written_files_are_ordinary_files(emulator: Emulator, tmp_path: Path) -> None:
    seed(emulator, [offer()])
    old_umask = os.umask(0o022)
    try:
        assert run_export(emulator, tmp_path).returncode == 0
    finally:
        os.umask(old_umask)

    for name in ("__main__.py", "Pulumi.yaml", "requirements.txt"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644, name


def test_every_kind_is_exported_unless_kind_narrows_it(emulator: Emulator, tmp_path: Path) -> None:
    seed_connected_sandbox(emulator, ORG, SANDBOX)

    everything = run_export(emulator, tmp_path / "all", kinds=None)
    narrowed = run_export(emulator, tmp_path / "two", kinds="Placement,Decision")

    assert everything.returncode == 0 and narrowed.returncode == 0, everything.stderr + narrowed.stderr
    assert "8 placements" in everything.stdout and "12 personalized offers" in everything.stdout
    assert narrowed.stdout.startswith(f"exported 8 placements and 6 decisions from sandbox {SANDBOX} to ")
    program = (tmp_path / "two" / "__main__.py").read_text()
    assert "placements=[placement_0.id, placement_1.id]" in program
    assert "# not in this export" in program  # the fallback offers a decision names were left out


def test_an_unknown_kind_is_a_usage_error_naming_the_kinds(emulator: Emulator, tmp_path: Path) -> None:
    result = run_export(emulator, tmp_path, kinds="Offer")

    assert result.returncode == 2
    assert "unknown --kind Offer; the kinds are CollectionQualifier, Placement" in result.stderr


def test_an_endpoint_whose_name_does_not_resolve_fails_at_once_naming_it_and_the_retry_settings(
    emulator: Emulator, tmp_path: Path
) -> None:
    env = export_env(emulator, ADOBE_ENDPOINT="http://offer-library.invalid/data/core/dps", ADOBE_RETRY_DEADLINE="60")

    started = time.monotonic()
    result = run_export(emulator, tmp_path, env=env)

    assert result.returncode == 1 and time.monotonic() - started < 20
    line = _one_clear_line(result)
    assert "http://offer-library.invalid/data/core/dps" in line
    assert "(the host name does not resolve); tried once in " in line
    assert "then gave up: a host name that does not resolve is not retried (ADOBE_MAX_RETRIES (8) caps" in line
    assert "ADOBE_RETRY_DEADLINE (60 s) the time they may take" in line
    assert line.endswith("check ADOBE_ENDPOINT and the network")


def test_an_endpoint_that_refuses_connections_names_it_and_the_retry_settings(
    emulator: Emulator, tmp_path: Path
) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    env = export_env(
        emulator,
        ADOBE_ENDPOINT=f"http://127.0.0.1:{port}/data/core/dps",
        ADOBE_MAX_RETRIES="1",
        ADOBE_RETRY_DEADLINE="5",
    )

    result = run_export(emulator, tmp_path, env=env)

    assert result.returncode == 1
    line = _one_clear_line(result)
    assert f"http://127.0.0.1:{port}/data/core/dps" in line and "connection refused" in line
    assert "tried 2 times in " in line and "no retries left (ADOBE_MAX_RETRIES is 1)" in line


def test_a_sandbox_using_both_models_exports_to_one_connected_program(emulator: Emulator, tmp_path: Path) -> None:
    seed_connected_sandbox(emulator, ORG, SANDBOX)
    seed_decisioning_sandbox(emulator, ORG, SANDBOX, TENANT)
    env = export_env(emulator, ADOBE_ITEM_SCHEMA_ID=emulator.catalog_schema_id(ORG, SANDBOX), ADOBE_TENANT_ID=TENANT)

    result = run_export(emulator, tmp_path / "both", kinds=None, env=env)

    assert result.returncode == 0, result.stderr
    assert "8 decision rules" in result.stdout and "8 ranking formulas" in result.stdout  # both models', once each
    assert "2 Decisioning placements, 4 decision items, 2 item collections and 2 selection strategies" in result.stdout
    program = (tmp_path / "both" / "__main__.py").read_text()
    compact = re.sub(r"\s+", "", program)
    assert "option_selection=ItemSelectionArgs(filter=green_items.id,)" in compact  # references are Python references
    assert "eligibility_rule=eligible_0.id" in compact and "function=score_0.id" in compact
    assert "exd_rule=True" in compact and "exd_function=True" in compact
    assert 'attributes={"colour":"green","points":10}' in compact
    compile(program, "__main__.py", "exec")


def test_decision_items_are_left_out_with_a_warning_without_the_catalogs_schema_id(
    emulator: Emulator, tmp_path: Path
) -> None:
    seed_decisioning_sandbox(emulator, ORG, SANDBOX, TENANT)

    result = run_export(emulator, tmp_path / "out", kinds=None)

    assert result.returncode == 0, result.stderr
    assert "decision items not exported" in result.stderr and "ADOBE_ITEM_SCHEMA_ID" in result.stderr
    assert "decision item" not in result.stdout.split(" to ")[0] and "2 selection strategies" in result.stdout
