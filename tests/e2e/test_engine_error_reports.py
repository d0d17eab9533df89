"""What ``pulumi up`` prints when the provider fails: our message is the first thing a user reads.

For a conflict with an edit made in the Adobe UI, refused credentials and throttling that
outlasts the retry budget, both places the CLI shows an error start with the message: the
resource's progress line (the first line of the error only) and its entry under "Diagnostics".
docs/errors.md shows these outputs.
"""

from __future__ import annotations

from offerform_emulator import Emulator, Fault

from ..ui import AdobeUi
from .conftest import ProjectFactory
from .programs import named, offers_program
from .project import Project

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
        f"{emulator.client_id} (HTTP 401: invalid client_id/client_secret); check adobe:clientId and "
        "adobe:clientSecret"
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
