"""The test kit's parts that need no CLI: finding ``pulumi``, copying a project, reading preview steps, loading lazily."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from offerform_emulator import Emulator
from offerform_emulator.kit import KitError, Step, adobe_config, copy_project, find_pulumi

CHILD = "urn:pulumi:test::marketing-offers::marketing:offers:CampaignOffers$pulumi-python:dynamic/adobe:FallbackOffer::summer-web"


def test_a_step_of_a_components_child_has_its_own_name_and_type() -> None:
    step = Step("create", CHILD, [])

    assert (step.name, step.type) == ("summer-web", "pulumi-python:dynamic/adobe:FallbackOffer")


def test_the_pulumi_cli_is_found_where_it_is_given_then_in_the_environment_then_on_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given, named, on_path = (tmp_path / name for name in ("given", "named", "on-path"))
    for directory in (given, named, on_path):
        directory.mkdir()
        (directory / "pulumi").write_text("#!/bin/sh\n")
        (directory / "pulumi").chmod(0o755)
    monkeypatch.setenv("PATH", str(on_path))
    monkeypatch.setenv("OFFERFORM_PULUMI_BIN", str(named))

    assert find_pulumi(given) == given.resolve()
    assert find_pulumi() == named.resolve()
    monkeypatch.delenv("OFFERFORM_PULUMI_BIN")
    assert find_pulumi() == on_path.resolve()


def test_no_pulumi_cli_is_one_line_saying_how_to_give_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("OFFERFORM_PULUMI_BIN", raising=False)

    with pytest.raises(KitError) as missing:
        find_pulumi()
    with pytest.raises(KitError, match=f"^no pulumi executable in {tmp_path} \\(the given directory\\)$"):
        find_pulumi(tmp_path)

    assert "\n" not in str(missing.value)
    assert "--pulumi-bin DIR" in str(missing.value) and "OFFERFORM_PULUMI_BIN" in str(missing.value)


def test_a_project_is_copied_without_its_virtualenv_caches_and_stack_files(tmp_path: Path) -> None:
    project = tmp_path / "infra"
    (project / "venv" / "bin").mkdir(parents=True)
    (project / "__pycache__").mkdir()
    (project / "offers").mkdir()
    (project / "Pulumi.yaml").write_text(
        textwrap.dedent("""\
        name: marketing-offers
        runtime: {name: python, options: {toolchain: pip, virtualenv: venv}}
        config: {campaign: {type: string, default: spring}}
        """)
    )
    (project / "Pulumi.prod.yaml").write_text("config: {adobe:clientSecret: {secure: v1:not-ours}}\n")
    (project / "__main__.py").write_text("import offers\n")
    (project / "offers" / "__init__.py").write_text("")
    before = sorted(path.relative_to(project) for path in project.rglob("*"))

    name = copy_project(project, tmp_path / "copy")

    assert name == "marketing-offers"
    copied = sorted(str(path.relative_to(tmp_path / "copy")) for path in (tmp_path / "copy").rglob("*"))
    assert copied == ["Pulumi.yaml", "__main__.py", "offers", "offers/__init__.py"]
    manifest = yaml.safe_load((tmp_path / "copy" / "Pulumi.yaml").read_text())
    assert manifest["runtime"]["options"]["virtualenv"] == str((project / "venv").resolve())
    assert manifest["config"] == {"campaign": {"type": "string", "default": "spring"}}
    assert sorted(path.relative_to(project) for path in project.rglob("*")) == before


def test_a_directory_without_pulumi_yaml_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(KitError, match="has no Pulumi.yaml: give the directory of your Pulumi project"):
        copy_project(tmp_path, tmp_path / "copy")


def test_the_pytest_plugin_loads_where_the_emulator_extra_is_missing_and_the_emulator_says_what_to_install() -> None:
    # pytest loads the plugin in every run of an environment with offerform, extra or not.
    script = textwrap.dedent("""\
        import sys
        sys.modules["werkzeug"] = None  # as if offerform[emulator] was not installed
        import offerform_emulator.pytest_plugin
        from offerform_emulator import Fault
        try:
            from offerform_emulator import Emulator
        except ModuleNotFoundError as error:
            print(error)
        """)
    ran = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": ""}
    )

    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith(
        "the Adobe emulator needs offerform's 'emulator' extra: pip install \"offerform[emulator]\""
    )


def test_a_test_of_the_kit_without_a_pulumi_cli_fails_in_one_line_and_is_never_skipped(tmp_path: Path) -> None:
    (tmp_path / "test_stack.py").write_text("def test_stack(offerform_stack):\n    offerform_stack('.')\n")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("OFFERFORM_", "PULUMI_"))}

    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_stack.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**env, "PATH": str(Path(sys.executable).parent)},
    )

    assert ran.returncode == 1 and "1 error" in ran.stdout and "skipped" not in ran.stdout, ran.stdout
    lines = ran.stdout.splitlines()
    reason = next(index for index, line in enumerate(lines) if "ERROR at setup of test_stack" in line) + 1
    assert lines[reason].startswith("offerform kit: no Pulumi CLI: install it (https://www.pulumi.com/docs/install/)")
    assert lines[reason + 1].startswith("=====")  # that one line is the whole report


def test_the_stack_config_names_the_sandboxs_item_catalog_schema_and_tenant() -> None:
    with Emulator(tenant_id="luma") as emulator:
        config = adobe_config(emulator, "ORG@AdobeOrg", "dev")
        assert config["adobe:itemSchemaId"] == emulator.catalog_schema_id("ORG@AdobeOrg", "dev")
        assert config["adobe:itemSchemaId"] != emulator.catalog_schema_id("ORG@AdobeOrg", "prod")
        assert config["adobe:tenantId"] == "luma"
