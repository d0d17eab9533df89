"""What CI sees: a preview with no Adobe credentials at all, and no secret anywhere the CLI writes."""

from __future__ import annotations

import json
from pathlib import Path

from offerform_emulator import Emulator

from harness.project import Project

from .conftest import ProjectFactory
from .programs import named, offers_program


def test_a_preview_needs_no_adobe_credentials_and_makes_no_request(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = make_project(offers_program(named("web"), named("email")), configure=False)
    project.configure({"adobe:sandboxName": "dev"})

    steps = project.preview()

    assert sorted((step.op, step.name) for step in steps) == [("create", "email"), ("create", "web")]
    assert len(emulator.log) == 0


def test_a_preview_of_a_deployed_stack_needs_no_credentials_either(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = make_project(offers_program(named("web")))
    project.up()
    emulator.log.clear()
    for key in ("adobe:clientId", "adobe:clientSecret", "adobe:imsOrgId"):
        project.pulumi("config", "rm", key)

    project.assert_no_changes()
    project.write_program(offers_program(named("web", description="Reviewed in CI")))
    [step] = project.changes()

    assert (step.op, step.changed) == ("update", ["description"])
    assert len(emulator.log) == 0


def _everything_written(project_dirs: list[Path]) -> str:
    """Every file the CLI, the engine and the plugins wrote: state, backups, history, logs."""
    texts = []
    for directory in project_dirs:
        for path in directory.rglob("*"):
            if path.is_file():
                texts.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(texts)


SECRET = "s3cr3t-Planted-In-Config-7f3a"
LOUD = ("--debug", "-v=9", "--logtostderr", "--logflow")
# The engine's own -v=9 trace of the values it marshals for a provider's Configure call: for a secret
# it logs the inner value of the secret object (upstream behaviour, not ours; see docs/configuration.md).
ENGINE_CONFIGURE_TRACE = ".Configure().inputs]: value={" + SECRET + "}"


def _loud_lifecycle(project: Project) -> tuple[str, str]:
    """Up, preview, update, refresh and destroy at full verbosity: (everything printed, both stack exports)."""
    printed = [project.up(*LOUD), project.pulumi("preview", "--diff", *LOUD)]
    project.write_program(offers_program(named("web", description="Edited"), named("email")))
    printed += [project.up(*LOUD), project.refresh(*LOUD)]
    exported = project.pulumi("stack", "export").stdout + project.pulumi("stack", "export", "--show-secrets").stdout
    printed.append(project.destroy(*LOUD))
    return "\n".join(done.stdout + done.stderr for done in printed), exported


def _files_under(*directories: Path) -> str:
    """Every file the CLI, the engine and the plugins wrote there: state, backups, history, logs."""
    return "\n".join(
        path.read_bytes().decode("utf-8", errors="replace")
        for directory in directories
        for path in directory.rglob("*")
        if path.is_file()
    )


def test_a_secret_in_the_environment_and_every_token_appear_nowhere_even_at_full_verbosity(
    make_project: ProjectFactory,
) -> None:
    with Emulator(client_secret=SECRET) as emulator:
        project = make_project(offers_program(named("web"), named("email")), emu=emulator)
        project.pulumi("config", "rm", "adobe:clientSecret")
        project.env["ADOBE_CLIENT_SECRET"] = SECRET

        printed, exported = _loud_lifecycle(project)

        tokens = emulator.issued_tokens()
    assert tokens, "the provider must have minted a token for this test to mean anything"
    for where, text in {
        "the CLI's output": printed,
        "stack export": exported,
        "the state backend and PULUMI_HOME": _files_under(project.backend, project.home),
    }.items():
        assert SECRET not in text, f"the client secret reached {where}"
        assert not [token for token in tokens if token in text], f"an access token reached {where}"


def test_a_secret_in_stack_config_stays_encrypted_in_state_and_leaks_only_through_the_engines_trace(
    make_project: ProjectFactory,
) -> None:
    with Emulator(client_secret=SECRET) as emulator:
        project = make_project(offers_program(named("web"), named("email")), emu=emulator)

        printed, _ = _loud_lifecycle(project)
        project.up()
        plain, shown = project.export(), project.export("--show-secrets")

        tokens = emulator.issued_tokens()
    assert tokens
    # Pulumi records the stack config as the inputs of the default provider, secrets encrypted.
    assert SECRET not in json.dumps(plain) and SECRET not in _files_under(project.backend, project.home)
    decrypted_at = [resource["type"] for resource in shown["deployment"]["resources"] if SECRET in json.dumps(resource)]
    assert decrypted_at == ["pulumi:providers:pulumi-python"]
    leaking_lines = [line for line in printed.splitlines() if SECRET in line]
    assert leaking_lines and all(ENGINE_CONFIGURE_TRACE in line for line in leaking_lines)
    assert not [token for token in tokens if token in printed + json.dumps(plain) + json.dumps(shown)]
