"""What ``pulumi up`` prints when the provider fails: our message is the first thing a user reads.

For a conflict with an edit made in the Adobe UI, refused credentials and throttling that
outlasts the retry budget, both places the CLI shows an error start with the message: the
resource's progress line (the first line of the error only) and its entry under "Diagnostics".
docs/errors.md shows these outputs.
"""

from __future__ import annotations

import time

from offerform_emulator import Emulator, Fault

from harness.project import Project

from ..plugin.test_unreachable import closed_port
from ..support.ui import AdobeUi
from .conftest import ProjectFactory
from .programs import named, offers_program

RESOURCE = "pulumi-python:dynamic/adobe:FallbackOffer"


def _what_the_user_reads(project: Project, resource: str) -> tuple[str, str]:
    """(the error on the resource's progress line, the first line of its diagnostics) of a failing ``pulumi up``."""
    failed = project.up(check=False)
    assert failed.returncode != 0
    lines = failed.stdout.splitlines()
    [progress] = [line for line in lines if f"{RESOURCE} {resource} **" in line and "failed**" in line]
    heading = lines.index(f"  {RESOURCE} ({resource}):", lines.index("Diagnostics:"))
    return progress.split("error: ", 1)[1], lines[heading + 1].strip()


def test_a_conflict_with_an_edit_in_the_ui_is_the_first_thing_up_prints(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = make_project(offers_program(named("web")))
    project.up()
    offer_id = project.resources()["web"]["id"]
    AdobeUi(emulator).patch(offer_id, [{"op": "replace", "path": "/status", "value": "archived"}])
    project.write_program(offers_program(named("web", description="Edited in the stack")))

    progress, diagnostic = _what_the_user_reads(project, "web")

    message = (
        f"provider.errors.ConflictError: fallback offer {offer_id} was changed outside the stack (status differs "
        "from what the stack last saw); nothing was overwritten. Run `pulumi refresh` to bring the stack up "
        "to date, then `pulumi up` again."
    )
    assert progress == message and diagnostic == f"error: {message}"


def test_refused_credentials_are_the_first_thing_up_prints(make_project: ProjectFactory, emulator: Emulator) -> None:
    project = make_project(offers_program(named("web")), **{"adobe:clientSecret": "not-the-secret"})

    progress, diagnostic = _what_the_user_reads(project, "web")

    message = (
        "provider.errors.AuthenticationError: Adobe IMS refused the client credentials of client id "
        f"{emulator.client_id} (HTTP 401: invalid client_id/client_secret); check adobe:clientId "
        "(ADOBE_CLIENT_ID) and adobe:clientSecret (ADOBE_CLIENT_SECRET), wherever they are set"
    )
    assert progress == message and diagnostic == f"error: {message}"


def test_throttling_past_the_retry_deadline_is_the_first_thing_up_prints(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = make_project(offers_program(named("web")), **{"adobe:retryDeadline": "3"})
    emulator.faults.add(Fault("status", status=429, retry_after=1, methods={"POST"}))

    progress, diagnostic = _what_the_user_reads(project, "web")

    assert progress.startswith(
        "provider.errors.ThrottledError: POST /offers failed with HTTP 429: Too many requests "
        "[429050]; throttled by Adobe and still throttled when the retry budget ran out: "
        "raise adobe:retryDeadline or lower adobe:maxRequestsPerSecond (request id "
    )
    assert diagnostic == f"error: {progress}"


def test_an_unreachable_ims_is_one_line_naming_ims_endpoint_and_no_write_is_called_unknown(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    ims = f"http://127.0.0.1:{closed_port()}/ims/token/v3"
    project = make_project(
        offers_program(named("web")),
        **{"adobe:imsEndpoint": ims, "adobe:maxRetries": "1", "adobe:retryDeadline": "10"},
    )

    started = time.monotonic()
    progress, diagnostic = _what_the_user_reads(project, "web")

    assert progress.startswith(
        f"provider.errors.TokenUnavailableError: no access token: Adobe IMS at {ims} did not answer "
        "(connection refused: nothing listens there); tried 2 times in "
    )
    assert "adobe:maxRetries (1) caps the retries, adobe:retryDeadline (10 s) the time they may take" in progress
    assert progress.endswith("check adobe:imsEndpoint (ADOBE_IMS_ENDPOINT) and the network")
    assert diagnostic == f"error: {progress}"
    assert time.monotonic() - started < 60
    assert emulator.log.count(service="dps") == 0


def _preview_errors(project: Project) -> list[str]:
    """The ``error:`` lines of a failing ``pulumi preview``, as a user reads them."""
    failed = project.pulumi("preview", "--non-interactive", check=False)
    assert failed.returncode != 0
    return [line.strip() for line in failed.stdout.splitlines() if line.strip().startswith("error:")]


def test_a_check_failure_deep_in_a_declaration_names_its_path_and_the_value_given_never_nil(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    declared = named("web")
    declared.inputs["representations"][0]["components"][0]["format"] = "png"
    project = make_project(offers_program(declared))

    errors = _preview_errors(project)

    assert errors[0] == (
        f"error: {RESOURCE} resource 'web' has a problem: representations[0].components[0].format: "
        "must be a MIME type such as image/png or text/html, got 'png'"
    )
    assert not [line for line in errors if "<nil>" in line]


def test_a_check_failure_of_a_top_level_property_shows_the_value_given(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = make_project(offers_program(named("web", status="live")))

    errors = _preview_errors(project)

    assert errors[0] == (
        f"error: {RESOURCE} resource 'web': property status value {{live}} has a problem: "
        "must be one of 'draft', 'approved' or 'archived', got 'live'"
    )
