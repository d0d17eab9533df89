"""``python -m provider.export``: write a Pulumi program that adopts a sandbox's existing fallback offers.

Pulumi's own ``pulumi import`` does not reach dynamic providers (pulumi/pulumi#16175), so this
command lists the sandbox's fallback offers (every page) and writes ``__main__.py`` declaring each
one with ``FallbackOffer(...)`` and ``adopt_offer_id``: the first ``pulumi up`` adopts them as
they are, with no POST and no PATCH.

Credentials and endpoints come from the environment, exactly as the provider reads them
(``ADOBE_CLIENT_ID``, ``ADOBE_CLIENT_SECRET`` or ``ADOBE_ACCESS_TOKEN``, ``ADOBE_IMS_ORG_ID``,
``ADOBE_ENDPOINT``, ``ADOBE_IMS_ENDPOINT``, ...). Exit status: 0 on success (also when the sandbox
has no fallback offers: nothing is written then), 1 on an API, auth, configuration or file error
(one line on stderr, never a secret nor a traceback), 2 on a usage error.

An unknown sandbox: Adobe's gateway refuses a sandbox the credential may not use with HTTP 403,
which is reported as one line naming the sandbox (exit 1). A sandbox that answers with no
fallback offers at all (a typo the gateway lets through, or simply an empty sandbox) is one
warning line, ``no fallback offers found in sandbox X (check the sandbox name)``, exit 0, and
nothing is written, so an earlier export in ``--out`` is never replaced by an empty program.
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

from .client import OfferLibraryClient, pooled_session
from .codegen import GENERATED_MARK, Naming, previous_names, render_program
from .errors import OfferformError, PermissionDeniedError
from .redact import Redactor
from .resources.fallback_offer import FALLBACK_OFFER
from .settings import SETTINGS, Settings

PROG = "offerform export"
PROGRAM_FILE = "__main__.py"
PROJECT_FILE = "Pulumi.yaml"
DEFAULT_OUT = "exported"


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
            self.total is None and now - self._started >= 1.0)
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
            "List the fallback offers of an Adobe Journey Optimizer sandbox (every page) and write a Pulumi "
            "program that declares each one with FallbackOffer(...) and adopt_offer_id, so that the first "
            "`pulumi up` adopts them as they are (no POST, no PATCH). Credentials and endpoints come from the "
            "environment, as the provider reads them: ADOBE_CLIENT_ID, ADOBE_CLIENT_SECRET (or "
            "ADOBE_ACCESS_TOKEN), ADOBE_IMS_ORG_ID, ADOBE_ENDPOINT, ADOBE_IMS_ENDPOINT."
        ),
        epilog=(
            "Exit status: 0 on success (also when no offer matches: nothing is written then); 1 on an API, "
            "authentication, configuration or file error (one line on stderr); 2 on a usage error. "
            "Example: python -m provider.export --sandbox prod --filter 'name~^Spring' --out offers"
        ),
    )
    parser.add_argument("--sandbox", metavar="NAME", default=None,
                        help="the sandbox to export (default: $ADOBE_SANDBOX_NAME; one of the two is required)")
    parser.add_argument("--filter", metavar="EXPR", action="append", default=[], dest="filters",
                        help="a property filter of the list endpoint, [!]field[op]value with op in "
                             "== != <= >= < > ~ (regular expression), e.g. 'name~^Spring' or 'status==approved'; "
                             "repeat it to AND several (the API also splits one value at a comma that starts another "
                             "expression)")
    parser.add_argument("--out", metavar="DIR", default=DEFAULT_OUT,
                        help=f"directory to write {PROGRAM_FILE} into (created if missing), plus a {PROJECT_FILE} "
                             f"stub when it has none (default: ./{DEFAULT_OUT}). Exporting again into the same "
                             "directory keeps the names it gave before")
    parser.add_argument("--exclude-client", metavar="CLIENT_ID", action="append", default=[],
                        help="skip offers whose createdByClientId is CLIENT_ID (repeatable), e.g. the client of "
                             "a system integration whose offers you do not want to manage")
    parser.add_argument("--endpoint", metavar="URL", default=None,
                        help="Offer Library base URL (overrides $ADOBE_ENDPOINT; default "
                             "https://platform.adobe.io/data/core/dps)")
    parser.add_argument("--ims-endpoint", metavar="URL", default=None,
                        help="Adobe IMS token URL (overrides $ADOBE_IMS_ENDPOINT)")
    parser.add_argument("--page-size", metavar="N", type=_positive_int, default=None,
                        help="offers per list page (the list endpoint's limit; default: the server's)")
    parser.add_argument("--force", action="store_true",
                        help=f"overwrite {PROGRAM_FILE} in --out even if this command did not write it")
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
    overrides = {"adobe:sandboxName": sandbox, "adobe:endpoint": args.endpoint,
                 "adobe:imsEndpoint": args.ims_endpoint}
    settings = Settings.load(overrides.get, env)
    _require_credentials(settings)

    out = Path(args.out)
    program_path = out / PROGRAM_FILE
    previous: dict[str, Naming] = {}
    if program_path.exists():
        existing = program_path.read_text(encoding="utf-8", errors="replace")
        if GENERATED_MARK not in existing[:1000] and not args.force:
            raise ExportError(f"{_shown(program_path)} exists and was not written by this command; "
                              "choose another --out, or pass --force to overwrite it")
        previous = previous_names(existing)

    progress = Progress(sys.stderr, f"listing fallback offers of sandbox {sandbox}")
    session = pooled_session(settings)
    session.hooks["response"].append(_total_hook(settings.endpoint, progress))
    client = OfferLibraryClient(settings, session=session)
    offers: dict[str, dict[str, Any]] = {}
    try:
        for offer in client.list(FALLBACK_OFFER.endpoint, sandbox, filters=tuple(args.filters), page_size=args.page_size):
            progress.advance()
            if isinstance(offer, dict) and offer.get("id"):
                offers.setdefault(str(offer["id"]), offer)
    except PermissionDeniedError as error:
        # The gateway answers 403 for a sandbox this credential cannot use, too: say which one was asked.
        raise ExportError(f"sandbox {sandbox}: {error}") from None
    finally:
        progress.close()
        session.close()

    excluded = set(args.exclude_client)
    kept = [offer for offer in offers.values() if offer.get("createdByClientId") not in excluded]
    if not kept:
        print(f"{PROG}: {_nothing_found(sandbox, args.filters, len(offers))}; nothing written", file=sys.stderr)
        return 0

    program = render_program(kept, sandbox, previous=previous, filters=args.filters)
    out.mkdir(parents=True, exist_ok=True)
    _write_atomically(program_path, program.source)
    project_path = out / PROJECT_FILE
    wrote_project = not project_path.exists()
    if wrote_project:
        _write_atomically(project_path, project_stub(sandbox))

    by_id = {str(offer["id"]): offer for offer in kept}
    for offer_id, problems in sorted(program.problems.items()):
        print(f"{PROG}: warning: offer {by_id[offer_id].get('name')!r} ({offer_id}) would not pass the provider's "
              f"check as it is ({problems[0]}{'; ...' if len(problems) > 1 else ''}); see the NOTE in "
              f"{_shown(program_path)}", file=sys.stderr)
    for offer_id in sorted(set(previous) - set(by_id)):
        print(f"{PROG}: warning: {previous[offer_id].variable} ({offer_id}) was in the previous {PROGRAM_FILE} and "
              "is not in this one; unless it was deleted in Adobe, `pulumi up` of a stack that manages it would "
              "now delete it", file=sys.stderr)
    skipped = len(offers) - len(kept)
    count = f"{len(kept)} fallback offer{'s' if len(kept) != 1 else ''}"
    extra = [f"skipped {skipped} created by excluded clients"] if skipped else []
    if wrote_project:
        extra.append(f"wrote {_shown(project_path)}")
    print(f"exported {count} from sandbox {sandbox} to {_shown(program_path)}"
          + (f" ({'; '.join(extra)})" if extra else ""))
    return 0


def project_stub(sandbox: str) -> str:
    """A minimal Pulumi.yaml for the exported program."""
    slug = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in sandbox).strip("-.") or "sandbox"
    return (
        f"# Written by `{GENERATED_MARK}` (offerform). The program imports the `provider` package:\n"
        "# install offerform into the project's virtualenv (see the README) before `pulumi up`.\n"
        f"name: fallback-offers-{slug}\n"
        f"description: {json.dumps(f'Fallback offers of sandbox {sandbox}, adopted from Adobe Journey Optimizer')}\n"
        "runtime: python\n"
    )


def _require_credentials(settings: Settings) -> None:
    missing = [SETTINGS[name].env_var for name, value in
               (("client_id", settings.client_id), ("ims_org_id", settings.ims_org_id)) if not value]
    if not settings.client_secret and not settings.access_token:
        missing.append("ADOBE_CLIENT_SECRET (or ADOBE_ACCESS_TOKEN)")
    if missing:
        raise ExportError("Adobe credentials are not configured; set " + ", ".join(missing))


def _total_hook(endpoint: str, progress: Progress) -> Any:
    """A response hook that reads the listing's ``total`` (when the API gives one) for the progress bar."""
    offers_path = urlsplit(endpoint).path.rstrip("/") + "/offers"

    def hook(response: requests.Response, *_args: Any, **_kwargs: Any) -> None:
        try:
            if (response.request.method == "GET" and response.status_code == 200
                    and urlsplit(response.url).path.rstrip("/") == offers_path):
                total = response.json().get("total")
                if isinstance(total, int) and not isinstance(total, bool) and total >= 0:
                    progress.total = total
        except Exception:  # noqa: BLE001 - progress is cosmetic; the client reports bad answers itself
            pass

    return hook


def _nothing_found(sandbox: str, filters: Sequence[str], listed: int) -> str:
    if listed:
        return f"all {listed} fallback offers of sandbox {sandbox} were created by excluded clients"
    if filters:
        return f"no fallback offers in sandbox {sandbox} match {' and '.join(filters)}"
    return f"no fallback offers found in sandbox {sandbox} (check the sandbox name)"


def _write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
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
        message = message.replace(setting.config_key, setting.env_var)
    return " ".join(part.strip() for part in message.splitlines() if part.strip())


def _fail(message: str, redactor: Redactor) -> None:
    print(f"{PROG}: {redactor.text(message)}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
