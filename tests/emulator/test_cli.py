"""`python -m offerform_emulator`: prints its URLs and credentials, serves, stops cleanly on SIGTERM / SIGINT."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


class RunningCli:
    """A `python -m offerform_emulator` subprocess and what it printed before serving."""

    def __init__(self, *args: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "offerform_emulator", "--port", "0", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.printed: dict[str, str] = {}
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if ": " in line:
                key, value = line.rstrip("\n").split(": ", 1)
                self.printed[key] = value
            if line.startswith("Any IMS org id is accepted"):
                break
        assert "Offer Library API" in self.printed, self.process.stderr.read() if self.process.stderr else ""

    def token(self) -> str:
        response = requests.post(
            self.printed["Adobe IMS token endpoint"],
            timeout=5,
            data={
                "grant_type": "client_credentials",
                "client_id": self.printed["client id"],
                "client_secret": self.printed["client secret"],
                "scope": "openid",
            },
        )
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    def create(self, token: str, name: str = "From the CLI test") -> requests.Response:
        return requests.post(
            self.printed["Offer Library API"] + "/offers",
            params={"offer-type": "fallback"},
            timeout=5,
            headers={
                "Authorization": f"Bearer {token}",
                "x-api-key": self.printed["client id"],
                "x-gw-ims-org-id": "CLI@AdobeOrg",
                "x-sandbox-name": "prod",
            },
            json={
                "name": name,
                "representations": [
                    {
                        "channel": "https://ns.adobe.com/xdm/channel-types/web",
                        "placement": "p",
                        "components": [{"type": "text", "format": "text/plain", "content": "hi"}],
                    }
                ],
            },
        )

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Signal the process, collect the rest of its output into `output`, return its exit status."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        self.output, self.errors = self.process.communicate(timeout=5)
        return self.process.returncode


@pytest.fixture
def cli() -> Iterator[type[RunningCli]]:
    """Start CLI processes; any still running at the end are stopped."""
    started: list[RunningCli] = []

    class Tracked(RunningCli):
        def __init__(self, *args: str) -> None:
            super().__init__(*args)
            started.append(self)

    yield Tracked
    for running in started:
        if running.process.poll() is None:
            running.process.kill()
        running.process.communicate(timeout=5)


def test_help_documents_every_option() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "offerform_emulator", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=10
    )
    assert result.returncode == 0
    for option in (
        "--host",
        "--port",
        "--client-id",
        "--client-secret",
        "--token-lifetime",
        "--data",
        "--referential-integrity",
        "--seed",
        "--seed-client-id",
        "--sandboxes",
        "--return-type-case",
        "--catalog",
        "--tenant-id",
        "--keep-alive-timeout",
    ):
        assert option in result.stdout


def test_it_prints_both_urls_on_one_port_and_the_demo_credentials(cli: type[RunningCli]) -> None:
    running = cli()
    dps_url, ims_url = running.printed["Offer Library API"], running.printed["Adobe IMS token endpoint"]
    assert dps_url.endswith("/data/core/dps") and ims_url.endswith("/ims/token/v3")
    assert dps_url.removesuffix("/data/core/dps") == ims_url.removesuffix("/ims/token/v3")
    assert not dps_url.endswith(":0/data/core/dps")
    assert running.printed["client id"] == "offerform-demo-client"
    assert running.printed["client secret"] == "offerform-demo-secret"
    running.stop()


def test_it_serves_tokens_and_offers_then_exits_cleanly_on_sigterm(cli: type[RunningCli]) -> None:
    running = cli()
    assert running.create(running.token()).status_code == 201
    assert running.stop(signal.SIGTERM) == 0


def test_it_exits_cleanly_on_sigint(cli: type[RunningCli]) -> None:
    assert cli().stop(signal.SIGINT) == 0


def test_custom_credentials_are_the_ones_accepted(cli: type[RunningCli]) -> None:
    running = cli("--client-id", "cli-client", "--client-secret", "cli-secret", "--token-lifetime", "60")
    assert running.printed["client id"] == "cli-client"
    response = requests.post(
        running.printed["Adobe IMS token endpoint"],
        timeout=5,
        data={"grant_type": "client_credentials", "client_id": "cli-client", "client_secret": "cli-secret"},
    )
    assert response.json()["expires_in"] == 60
    running.stop()


def test_the_data_file_keeps_offers_between_runs(cli: type[RunningCli], tmp_path: Path) -> None:
    data = str(tmp_path / "demo.json")
    first = cli("--data", data)
    offer_id = first.create(first.token(), name="Kept between runs").json()["id"]
    assert first.stop() == 0
    second = cli("--data", data)
    response = requests.get(
        second.printed["Offer Library API"] + f"/offers/{offer_id}",
        params={"offer-type": "fallback"},
        timeout=5,
        headers={
            "Authorization": f"Bearer {second.token()}",
            "x-api-key": second.printed["client id"],
            "x-gw-ims-org-id": "CLI@AdobeOrg",
            "x-sandbox-name": "prod",
        },
    )
    assert response.json()["name"] == "Kept between runs"
    assert second.stop() == 0


def test_a_damaged_data_file_stops_it_with_an_error(tmp_path: Path) -> None:
    data = tmp_path / "demo.json"
    data.write_text("not json")
    result = subprocess.run(
        [sys.executable, "-m", "offerform_emulator", "--port", "0", "--data", str(data)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert result.returncode == 1
    assert "cannot start" in result.stderr


def test_it_prints_one_line_per_request_without_tokens(cli: type[RunningCli]) -> None:
    running = cli()
    token = running.token()
    running.create(token)
    assert running.stop() == 0
    assert "POST /data/core/dps/offers?offer-type=fallback 201" in running.output
    assert token not in running.output + running.errors
    assert "emulator stopped" in running.output


def _call(running: RunningCli, method: str, path: str, sandbox: str = "prod", **kwargs: Any) -> requests.Response:
    """An Offer Library call to a CLI process, with a fresh token and the CLI test's org."""
    return requests.request(
        method,
        running.printed["Offer Library API"] + path,
        timeout=5,
        headers={
            "Authorization": f"Bearer {running.token()}",
            "x-api-key": running.printed["client id"],
            "x-gw-ims-org-id": "CLI@AdobeOrg",
            "x-sandbox-name": sandbox,
        },
        **kwargs,
    )


def test_sandboxes_limits_which_sandboxes_exist(cli: type[RunningCli]) -> None:
    running = cli("--sandboxes", "dev,prod")
    assert running.printed["sandboxes"] == "dev, prod"
    assert _call(running, "GET", "/placements", sandbox="dev").status_code == 200
    refused = _call(running, "GET", "/placements", sandbox="staging")
    assert refused.status_code == 403 and refused.json()["error_code"] == "403025"
    assert running.stop() == 0


def test_referential_integrity_is_off_unless_asked_for(cli: type[RunningCli]) -> None:
    decision = {
        "name": "d",
        "fallback": "dps:fallback-offer:0",
        "criteria": [{"placements": ["dps:offer-placement:0"], "optionSelection": {"filter": "dps:offer-filter:0"}}],
    }
    running = cli()
    assert running.printed["referential integrity"] == "off"
    assert _call(running, "POST", "/offer-decisions", json=decision).status_code == 201
    assert running.stop() == 0
    checked = cli("--referential-integrity")
    assert checked.printed["referential integrity"] == "on"
    assert _call(checked, "POST", "/offer-decisions", json=decision).status_code == 422
    assert checked.stop() == 0


def test_seed_stores_the_files_objects_before_serving(cli: type[RunningCli], tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(
        json.dumps(
            {
                "org": "CLI@AdobeOrg",
                "sandbox": "prod",
                "objects": [
                    {"kind": "collection-qualifier", "id": "dps:tag:00000000000000aa", "body": {"name": "Black Friday"}}
                ],
            }
        )
    )
    running = cli("--seed", str(seed), "--seed-client-id", "marketer")
    assert running.printed["seeded"].startswith("1 objects from")
    qualifier = _call(running, "GET", "/tags/dps:tag:00000000000000aa").json()
    assert qualifier["name"] == "Black Friday" and qualifier["createdByClientId"] == "marketer"
    assert running.stop() == 0


def test_a_seed_file_it_cannot_use_stops_it_with_an_error(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"objects": [{"kind": "widget"}]}))
    result = subprocess.run(
        [sys.executable, "-m", "offerform_emulator", "--port", "0", "--seed", str(seed)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert result.returncode == 1
    assert "cannot start" in result.stderr and "widget" in result.stderr


def test_a_catalog_file_gives_decision_items_their_custom_attributes(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "catalog.json").write_text(json.dumps({"points": "integer"}))
    running = cli("--catalog", str(tmp_path / "catalog.json"), "--tenant-id", "luma")
    assert running.printed["item catalog tenant"].startswith("_luma")
    headers = {
        "Authorization": f"Bearer {running.token()}",
        "x-api-key": running.printed["client id"],
        "x-gw-ims-org-id": "CLI@AdobeOrg",
        "x-sandbox-name": "prod",
    }
    base = running.printed["Offer Library API"].removesuffix("/data/core/dps")
    listed = requests.get(base + "/data/foundation/schemaregistry/tenant/schemas", headers=headers, timeout=5)
    item = {
        "_experience": {
            "decisioning": {
                "offeritem": {"lifecycleStatus": "draft"},
                "decisionitem": {"itemName": "From the CLI", "itemPriority": 0},
            }
        },
        "_luma": {"points": 5},
    }
    created = requests.post(
        running.printed["Offer Library API"] + "/offer-items",
        headers={**headers, "x-schema-id": listed.json()["results"][0]["$id"]},
        json=item,
        timeout=5,
    )
    assert created.status_code == 201, created.text
    assert running.stop() == 0


def test_an_unreadable_catalog_file_stops_the_start_with_exit_1(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "offerform_emulator", "--port", "0", "--catalog", str(tmp_path / "missing.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert result.returncode == 1 and "cannot read the catalog file" in result.stderr
