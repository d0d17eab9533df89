"""``python -m provider.export``: write one Pulumi program that adopts a whole sandbox, every kind at once.

Pulumi's own ``pulumi import`` does not reach dynamic providers (pulumi/pulumi#16175), so this
command lists the sandbox's objects of every kind (or ``--kind``), every page, and writes
``__main__.py`` declaring each with ``<Kind>(...)`` and its adopt input, in reference order,
with every reference to an exported object written as that object's variable's ``.id``. The
first ``pulumi up`` adopts them as they are, with no POST and no PATCH.

Credentials and endpoints come from the environment, exactly as the provider reads them
(``ADOBE_CLIENT_ID``, ``ADOBE_CLIENT_SECRET`` or ``ADOBE_ACCESS_TOKEN``, ``ADOBE_IMS_ORG_ID``,
``ADOBE_ENDPOINT``, ``ADOBE_IMS_ENDPOINT``, ...). Exit status: 0 on success (also when the sandbox
has nothing to export: nothing is written then), 1 on an API, auth, configuration or file error
(one line on stderr, never a secret nor a traceback), 2 on a usage error.

Each sandbox goes to a folder of its own (``exported/<sandbox>/`` by default), and a folder that
holds another sandbox's export is never overwritten. An unknown sandbox: Adobe's gateway refuses
a sandbox the credential may not use with HTTP 403, reported as one line naming the sandbox.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Optional, Sequence, TextIO
from urllib.parse import urlsplit

import requests

from .adobe.client import AdobeClient, pooled_session
from .adobe.redact import Redactor
from .core.settings import SETTINGS, Settings
from .core.spec import ResourceSpec
from .errors import OfferformError, PermissionDeniedError
from .generators.adoption_program import GENERATED_MARK, Naming, counted, previous_names, render_program, string_literal
from .resources import SPECS

PROG = "offerform export"
PROGRAM_FILE = "__main__.py"
PROJECT_FILE = "Pulumi.yaml"
REQUIREMENTS_FILE = "requirements.txt"
DEFAULT_OUT = "exported"
KINDS = {spec.kind: spec for spec in SPECS}


class ExportError(Exception):
    """A failure this command reports as one line and exit status 1."""


# -- progress ----------------------------------------------------------------------------------------


class Progress:
    """A one-line progress bar for long listings, drawn on a terminal only.

    Silent unless ``stream`` is a TTY; draws only once the listing is known to span more than what
    has arrived (or, with no total, after a second); erases itself when done.
    """

    def __init__(self, stream: TextIO, label: str, enabled: Optional[bool] = None, interval: float = 0.1) -> None:
        self._stream = stream
        self._label = label
        if enabled is None:
            enabled = _is_terminal(stream)
        self.enabled = enabled
        self._interval = interval
        self._started = time.monotonic()
        self._last = 0.0
        self._drawn = False
        self.total: Optional[int] = None
        self.done = 0

    def advance(self, count: int = 1) -> None:
        self.done += count
        if not self.enabled:
            return
        now = time.monotonic()
        long_listing = (self.total is not None and self.total > self.done) or (
            self.total is None and now - self._started >= 1.0
        )
        if (long_listing or self._drawn) and (not self._drawn or now - self._last >= self._interval):
            self._draw()
            self._last = now

    def close(self) -> None:
        """Show the final count for a moment's worth of one frame, then erase the line."""
        if not self._drawn:
            return
        self._draw()
        self._stream.write("\r\x1b[2K")
        self._stream.flush()
        self._drawn = False

    def _draw(self) -> None:
        columns = shutil.get_terminal_size((80, 24)).columns
        if self.total:
            total = max(self.total, self.done)
            count = f" {self.done}/{total}"
            width = max(10, min(30, columns - len(self._label) - len(count) - 4))
            filled = int(width * self.done / total)
            text = f"{self._label} [{'#' * filled}{'.' * (width - filled)}]{count}"
        else:
            text = f"{self._label}... {self.done}"
        self._stream.write("\r" + text[: max(columns - 1, 1)])
        self._stream.flush()
        self._drawn = True


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):
        return False


# -- command line ------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m provider.export",
        description=(
            "List the objects of an Adobe Journey Optimizer sandbox, every kind of the Offer Library (every page), "
            "and write one Pulumi program that declares each with its adopt input, references between them written "
            "as Python references, so that the first `pulumi up` adopts them all as they are (no POST, no PATCH). "
            "Credentials and endpoints come from the environment, as the provider reads them: ADOBE_CLIENT_ID, "
            "ADOBE_CLIENT_SECRET (or ADOBE_ACCESS_TOKEN), ADOBE_IMS_ORG_ID, ADOBE_ENDPOINT, ADOBE_IMS_ENDPOINT."
        ),
        epilog=(
            "Exit status: 0 on success (also when nothing matches: nothing is written then); 1 on an API, "
            "authentication, configuration or file error (one line on stderr); 2 on a usage error. "
            "Example: python -m provider.export --sandbox prod --kind Placement,FallbackOffer --filter 'name~^Spring'"
        ),
    )
    parser.add_argument(
        "--sandbox",
        metavar="NAME",
        default=None,
        help="the sandbox to export (default: $ADOBE_SANDBOX_NAME; one of the two is required)",
    )
    parser.add_argument(
        "--kind",
        metavar="KIND[,KIND...]",
        action="append",
        default=[],
        dest="kinds",
        help=f"export only these kinds (repeatable or comma-separated): {', '.join(KINDS)} (default: every kind)",
    )
    parser.add_argument(
        "--filter",
        metavar="EXPR",
        action="append",
        default=[],
        dest="filters",
        help="a property filter of the list endpoint, [!]field[op]value with op in "
        "== != <= >= < > ~ (regular expression), e.g. 'name~^Spring' or 'status==approved', "
        "applied to every kind; repeat it to AND several (the API also splits one value at a "
        "comma that starts another expression)",
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        default=None,
        help=f"directory to write {PROGRAM_FILE} into (created if missing), plus {PROJECT_FILE} and "
        f"{REQUIREMENTS_FILE} when it has none (default: ./{DEFAULT_OUT}/<sandbox>). Exporting "
        "the same sandbox again into it keeps the names it gave before; another sandbox's "
        "export is never overwritten",
    )
    parser.add_argument(
        "--exclude-client",
        metavar="CLIENT_ID",
        action="append",
        default=[],
        help="skip objects whose createdByClientId is CLIENT_ID (repeatable), e.g. the client of "
        "a system integration whose offers you do not want to manage",
    )
    parser.add_argument(
        "--endpoint",
        metavar="URL",
        default=None,
        help="Offer Library base URL (overrides $ADOBE_ENDPOINT; default https://platform.adobe.io/data/core/dps)",
    )
    parser.add_argument(
        "--ims-endpoint", metavar="URL", default=None, help="Adobe IMS token URL (overrides $ADOBE_IMS_ENDPOINT)"
    )
    parser.add_argument(
        "--page-size",
        metavar="N",
        type=_positive_int,
        default=None,
        help="objects per list page (the list endpoint's limit; default: the server's)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help=f"overwrite {PROGRAM_FILE} in --out even if this command did not write it, or wrote it "
        "for another sandbox",
    )
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, not {text!r}")
    return value


def main(argv: Optional[Sequence[str]] = None, environ: Optional[dict[str, str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    env = dict(os.environ if environ is None else environ)
    sandbox = (args.sandbox if args.sandbox is not None else env.get("ADOBE_SANDBOX_NAME") or "").strip()
    if not sandbox:
        parser.error("--sandbox is required (or set ADOBE_SANDBOX_NAME)")
    for expression in args.filters:
        if not expression.strip():
            parser.error("--filter must not be empty")
    args.kinds = [name.strip() for value in args.kinds for name in value.split(",") if name.strip()]
    unknown = [name for name in args.kinds if name not in KINDS]
    if unknown:
        parser.error(f"unknown --kind {', '.join(unknown)}; the kinds are {', '.join(KINDS)}")

    redactor = Redactor([env.get("ADOBE_CLIENT_SECRET", ""), env.get("ADOBE_ACCESS_TOKEN", "")])
    try:
        return _export(args, sandbox, env)
    except KeyboardInterrupt:
        _fail("interrupted; nothing written", redactor)
        return 130
    except (ExportError, OfferformError) as error:
        _fail(_for_the_command_line(str(error)), redactor)
    except OSError as error:
        _fail(f"{error.strerror or type(error).__name__}: {error.filename or ''}".rstrip(": "), redactor)
    except requests.RequestException as error:
        _fail(f"no answer from Adobe ({type(error).__name__})", redactor)
    except Exception as error:  # noqa: BLE001 - the promise is one line, never a traceback
        _fail(f"unexpected error ({type(error).__name__}): {error}", redactor)
    return 1


def _export(args: argparse.Namespace, sandbox: str, env: dict[str, str]) -> int:
    overrides = {"adobe:sandboxName": sandbox, "adobe:endpoint": args.endpoint, "adobe:imsEndpoint": args.ims_endpoint}
    settings = Settings.load(overrides.get, env)
    _require_credentials(settings)

    out = Path(args.out) if args.out is not None else Path(DEFAULT_OUT) / _slug(sandbox)
    program_path = out / PROGRAM_FILE
    previous: dict[str, Naming] = {}
    if program_path.exists():
        existing = program_path.read_text(encoding="utf-8", errors="replace")
        if GENERATED_MARK not in existing[:1000] and not args.force:
            raise ExportError(
                f"{_shown(program_path)} exists and was not written by this command; "
                "choose another --out, or pass --force to overwrite it"
            )
        if _sandbox_line(sandbox) not in existing[:1000] and GENERATED_MARK in existing[:1000] and not args.force:
            raise ExportError(
                f"{_shown(program_path)} holds the export of another sandbox; choose another --out "
                f"(the default is {DEFAULT_OUT}/<sandbox>), or pass --force to replace it"
            )
        previous = previous_names(existing)

    specs = [spec for spec in SPECS if not args.kinds or spec.kind in args.kinds]
    if not settings.item_schema_id and any(spec.endpoint.item_schema for spec in specs):
        # Decision items cannot even be listed without the catalog's schema id: say so, export the rest.
        specs = [spec for spec in specs if not spec.endpoint.item_schema]
        print(
            f"{PROG}: warning: decision items not exported: listing them needs the item catalog's schema id "
            f"({SETTINGS['item_schema_id'].env_var})",
            file=sys.stderr,
        )
        if not specs:
            raise ExportError(f"set {SETTINGS['item_schema_id'].env_var} to export decision items")
    session = pooled_session(settings)
    client = AdobeClient(settings, session=session)
    excluded = set(args.exclude_client)
    listed: dict[str, list[dict[str, Any]]] = {}
    seen = skipped = 0
    try:
        for spec in specs:
            found = _list_kind(client, session, settings, spec, sandbox, args)
            seen += len(found)
            kept = [item for item in found.values() if item.get("createdByClientId") not in excluded]
            skipped += len(found) - len(kept)
            if kept:
                listed[spec.kind] = kept
    finally:
        session.close()

    if not listed:
        print(f"{PROG}: {_nothing_found(sandbox, args.filters, seen, specs)}; nothing written", file=sys.stderr)
        return 0

    program = render_program(listed, sandbox, previous=previous, filters=args.filters)
    out.mkdir(parents=True, exist_ok=True)
    _write_atomically(program_path, program.source)
    wrote = []
    for path, text in ((out / PROJECT_FILE, project_stub(sandbox)), (out / REQUIREMENTS_FILE, REQUIREMENTS)):
        if not path.exists():
            _write_atomically(path, text)
            wrote.append(path)

    by_id = {str(item["id"]): (KINDS[kind], item) for kind, items in listed.items() for item in items}
    for object_id, problems in sorted(program.problems.items()):
        spec, item = by_id[object_id]
        print(
            f"{PROG}: warning: {spec.label} {item.get('name')!r} ({object_id}) would not pass the provider's "
            f"check as it is ({problems[0]}{'; ...' if len(problems) > 1 else ''}); see the NOTE in "
            f"{_shown(program_path)}",
            file=sys.stderr,
        )
    for object_id in sorted(set(previous) - set(by_id)):
        print(
            f"{PROG}: warning: {previous[object_id].variable} ({object_id}) was in the previous {PROGRAM_FILE} and "
            "is not in this one; unless it was deleted in Adobe, `pulumi up` of a stack that manages it would "
            "now delete it",
            file=sys.stderr,
        )
    extra = [f"skipped {skipped} created by excluded clients"] if skipped else []
    extra += [f"wrote {_shown(path)}" for path in wrote]
    print(
        f"exported {counted({kind: len(items) for kind, items in listed.items()})} from sandbox {sandbox} to "
        f"{_shown(program_path)}" + (f" ({'; '.join(extra)})" if extra else "")
    )
    return 0


def _list_kind(
    client: AdobeClient,
    session: requests.Session,
    settings: Settings,
    spec: ResourceSpec,
    sandbox: str,
    args: argparse.Namespace,
) -> dict[str, dict[str, Any]]:
    """Every object of one kind in the sandbox (every page), by id, with a progress bar on a terminal."""
    progress = Progress(sys.stderr, f"listing {spec.plural} of sandbox {sandbox}")
    hook = _total_hook(settings.endpoint, spec, progress)
    session.hooks["response"].append(hook)
    found: dict[str, dict[str, Any]] = {}
    try:
        for item in client.list(spec.endpoint, sandbox, filters=tuple(args.filters), page_size=args.page_size):
            progress.advance()
            if isinstance(item, dict) and item.get("id"):
                # A nested body (decision items) as the kind's flat fields, metadata kept.
                found.setdefault(str(item["id"]), spec.from_api(item))
    except PermissionDeniedError as error:
        # The gateway answers 403 for a sandbox this credential cannot use, too: say which one was asked.
        raise ExportError(f"sandbox {sandbox}: {error}") from None
    finally:
        session.hooks["response"].remove(hook)
        progress.close()
    return found


# What README's "Using it from another repo" shows: a pip toolchain and a project virtualenv.
REQUIREMENTS = (
    f"# Written by `{GENERATED_MARK}` (offerform). The program imports offerform's `provider` package: install\n"
    "# offerform into this project's virtualenv from your checkout or repository (see offerform's README),\n"
    "# for example: .venv/bin/pip install -e ../offerform\n"
    "pulumi>=3.140,<4\n"
)


def project_stub(sandbox: str) -> str:
    """The Pulumi.yaml of the exported program, as the README shows one."""
    return (
        f"# Written by `{GENERATED_MARK}` (offerform). Create the virtualenv and install {REQUIREMENTS_FILE}\n"
        "# (and offerform) into it before `pulumi up`.\n"
        f"name: offers-{_slug(sandbox)}\n"
        f"description: {json.dumps(f'Offer decisioning of sandbox {sandbox}, adopted from Adobe Journey Optimizer')}\n"
        "runtime:\n"
        "  name: python\n"
        "  options:\n"
        "    toolchain: pip\n"
        "    virtualenv: .venv\n"
    )


def _slug(sandbox: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in sandbox).strip("-.") or "sandbox"


def _sandbox_line(sandbox: str) -> str:
    """How the program's header names its sandbox (codegen writes it so)."""
    return f"of sandbox {string_literal(sandbox)}, written by"


def _require_credentials(settings: Settings) -> None:
    missing = [
        SETTINGS[name].env_var
        for name, value in (("client_id", settings.client_id), ("ims_org_id", settings.ims_org_id))
        if not value
    ]
    if not settings.client_secret and not settings.access_token:
        missing.append("ADOBE_CLIENT_SECRET (or ADOBE_ACCESS_TOKEN)")
    if missing:
        raise ExportError("Adobe credentials are not configured; set " + ", ".join(missing))


def _total_hook(endpoint: str, spec: ResourceSpec, progress: Progress) -> Any:
    """A response hook that reads the listing's ``total`` (when the API gives one) for the progress bar."""
    listing_path = urlsplit(endpoint).path.rstrip("/") + spec.endpoint.collection

    def hook(response: requests.Response, *_args: Any, **_kwargs: Any) -> None:
        try:
            if (
                response.request.method == "GET"
                and response.status_code == 200
                and urlsplit(response.url).path.rstrip("/") == listing_path
            ):
                total = response.json().get("total")
                if isinstance(total, int) and not isinstance(total, bool) and total >= 0:
                    progress.total = total
        except Exception:  # noqa: BLE001 - progress is cosmetic; the client reports bad answers itself
            pass

    return hook


def _nothing_found(sandbox: str, filters: Sequence[str], listed: int, specs: Sequence[ResourceSpec]) -> str:
    what = "objects" if len(specs) != 1 else specs[0].plural
    if listed:
        return f"all {listed} {what} of sandbox {sandbox} were created by excluded clients"
    if filters:
        return f"no {what} in sandbox {sandbox} match {' and '.join(filters)}"
    return f"no {what} found in sandbox {sandbox} (check the sandbox name)"


def _write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        # mkstemp makes a private file; a program is an ordinary one (0644 with the usual umask).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _shown(path: Path) -> str:
    return os.path.normpath(str(path))


def _for_the_command_line(message: str) -> str:
    """The provider's message, naming environment variables instead of stack config, on one line."""
    for setting in sorted(SETTINGS.values(), key=lambda item: len(item.config_key), reverse=True):
        message = message.replace(f"{setting.config_key} / {setting.env_var}", setting.env_var)
        message = message.replace(f"{setting.config_key} ({setting.env_var})", setting.env_var)
        message = message.replace(setting.config_key, setting.env_var)
    return " ".join(part.strip() for part in message.splitlines() if part.strip())


def _fail(message: str, redactor: Redactor) -> None:
    print(f"{PROG}: {redactor.text(message)}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
