"""A stack runs with whatever config it has: none at all, only secrets, or only project-level config.

A stack with no config is exactly what ``provider.export`` writes and what the CI example runs
(credentials from the environment). Our language host once sent such a program ``PULUMI_CONFIG=null``,
which the SDK cannot read; Pulumi's own host leaves the variable out when there is no config.
"""

from __future__ import annotations

import textwrap

import pytest
from offerform_emulator import Emulator
from offerform_emulator.kit import adobe_config

from harness.project import ORG, SANDBOX, Project
from provider.core.settings import SETTINGS

from .conftest import ProjectFactory
from .programs import named, offers_program

BY_KEY = {setting.config_key: setting for setting in SETTINGS.values()}


def _in_environment(project: Project, config: dict[str, str]) -> None:
    """Give the stack these settings through their environment variables (ADOBE_*), as a CI job does."""
    project.env.update({BY_KEY[key].env_var: value for key, value in config.items()})


def _stack_config_file(project: Project) -> str:
    return (project.project_dir / f"Pulumi.{project.stack}.yaml").read_text()


def _no_config(project: Project, settings: dict[str, str]) -> None:
    _in_environment(project, settings)


def _only_secrets(project: Project, settings: dict[str, str]) -> None:
    project.configure({"adobe:clientSecret": settings.pop("adobe:clientSecret")})
    _in_environment(project, settings)


def _only_project_config(project: Project, settings: dict[str, str]) -> None:
    secret = {"adobe:clientSecret": settings.pop("adobe:clientSecret")}
    values = "".join(f"  {key}:\n    value: {value!r}\n" for key, value in settings.items())
    project.write(
        "Pulumi.yaml",
        (project.project_dir / "Pulumi.yaml").read_text() + "config:\n" + values,
    )
    _in_environment(project, secret)


SHAPES = {"no-config": _no_config, "only-secrets": _only_secrets, "only-project-config": _only_project_config}


@pytest.fixture(params=sorted(SHAPES))
def shaped_project(request: pytest.FixtureRequest, make_project: ProjectFactory, emulator: Emulator) -> Project:
    """A stack of one offer whose settings come from the environment, its secrets, or Pulumi.yaml."""
    project = make_project(offers_program(named("web")), configure=False)
    assert "adobe:" not in _stack_config_file(project)
    SHAPES[request.param](project, adobe_config(emulator, ORG, SANDBOX))
    return project


def test_a_stack_previews_with_no_config_only_secrets_or_only_project_config(
    shaped_project: Project, emulator: Emulator
) -> None:
    steps = shaped_project.preview()

    assert [(step.op, step.name) for step in steps] == [("create", "web")]


def test_a_stack_applies_with_no_config_only_secrets_or_only_project_config(
    shaped_project: Project, emulator: Emulator
) -> None:
    shaped_project.up()

    [offer] = emulator.offers(ORG, SANDBOX)
    assert shaped_project.resources()["web"]["id"] == offer["id"]
    shaped_project.assert_no_changes()


def test_the_no_config_stack_has_an_empty_stack_config_file(make_project: ProjectFactory) -> None:
    """The premise of the tests above: ``configure=False`` leaves the stack with no config key at all."""
    project = make_project(offers_program(named("web")), configure=False)

    assert project.pulumi("config", "--json").stdout.strip() == "{}"
    assert textwrap.dedent(_stack_config_file(project)).strip().startswith("encryptionsalt:")
