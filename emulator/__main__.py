"""`python -m offerform_emulator`: serve Adobe IMS and the whole Offer Library locally until stopped."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any, Sequence

from .connections import PortInUseError
from .seeding import DEFAULT_SEED_CLIENT_ID
from .server import DEFAULT_KEEP_ALIVE_TIMEOUT, DEFAULT_TOKEN_LIFETIME, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Emulator
from .settings import LINK_FORMS, RETURN_TYPE_CASES


def _sandbox_list(text: str) -> list[str]:
    """`dev,prod` as a list of sandbox names (at least one)."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("give at least one sandbox name, e.g. dev,prod")
    return names


def _catalog(path: str | None) -> dict[str, Any] | None:
    """The catalog attributes of a --catalog file; ValueError when unreadable or not a JSON object."""
    if path is None:
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read the catalog file {path}: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"the catalog file {path} must hold a JSON object of attribute name to type")
    return data


def build_parser() -> argparse.ArgumentParser:
    """The command line, with every option documented for --help."""
    parser = argparse.ArgumentParser(
        prog="python -m offerform_emulator",
        description=(
            "Local emulator of Adobe IMS (OAuth server-to-server tokens) and the Journey Optimizer "
            "Offer Library API (fallback and personalized offers, placements, decisions, collection "
            "qualifiers, collections, decision rules, ranking formulas). One port serves both: IMS at "
            "/ims/token/v3 and the Offer Library under /data/core/dps. Any IMS org id is accepted; objects "
            "are isolated per org and sandbox. Runs until SIGINT (Ctrl+C) or SIGTERM."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument(
        "--port",
        type=int,
        default=8787,
        help="TCP port to listen on; 0 picks a free port (the URLs printed show the real one)",
    )
    parser.add_argument(
        "--client-id",
        default=DEMO_CLIENT_ID,
        help="the only client id IMS accepts; it is also the x-api-key the Offer Library expects",
    )
    parser.add_argument(
        "--client-secret", default=DEMO_CLIENT_SECRET, help="the client secret IMS accepts for --client-id"
    )
    parser.add_argument(
        "--token-lifetime",
        type=float,
        default=DEFAULT_TOKEN_LIFETIME,
        metavar="SECONDS",
        help="lifetime of issued access tokens (expires_in); small values let you watch expiry",
    )
    parser.add_argument(
        "--data",
        metavar="FILE",
        default=None,
        help="JSON file that keeps the offers between runs: loaded at start if it exists, "
        "rewritten atomically after every change; without it offers live in memory only",
    )
    parser.add_argument("--page-size", type=int, default=20, help="default list page size (limit when none given)")
    parser.add_argument("--max-page-size", type=int, default=100, help="largest page size a list request may ask for")
    parser.add_argument(
        "--test-failure-status", type=int, default=400, help="HTTP status answered when a PATCH 'test' operation fails"
    )
    parser.add_argument(
        "--link-form",
        choices=LINK_FORMS,
        default="api",
        help="how list answers write their next/self links: relative to the dps base URL "
        "(/offers?...), root-relative (/data/core/dps/offers?...) or absolute",
    )
    parser.add_argument(
        "--referential-integrity",
        action="store_true",
        help="refuse creates and patches that name missing objects (422) and deletes of objects "
        "others still name (409); Adobe documents neither, so it is off by default",
    )
    parser.add_argument(
        "--seed",
        metavar="FILE",
        default=None,
        help="JSON file of objects made in the UI, stored at start (format: emulator/README.md); "
        "with --data, objects whose id is already kept are left alone",
    )
    parser.add_argument(
        "--seed-client-id",
        metavar="ID",
        default=None,
        help=f"client id the seeded objects were made by (default: the file's clientId, else {DEFAULT_SEED_CLIENT_ID})",
    )
    parser.add_argument(
        "--sandboxes",
        metavar="NAMES",
        type=_sandbox_list,
        default=None,
        help="comma-separated sandbox names, e.g. dev,prod: the only sandboxes that exist; any "
        "other x-sandbox-name gets the gateway's 403 (default: every sandbox exists)",
    )
    parser.add_argument(
        "--return-type-case",
        choices=RETURN_TYPE_CASES,
        default="upper",
        help="how a ranking formula's returnType.type is stored: upper-case as Adobe's look-up shows, or as sent",
    )
    parser.add_argument(
        "--keep-alive-timeout",
        type=float,
        default=DEFAULT_KEEP_ALIVE_TIMEOUT,
        metavar="SECONDS",
        help="an idle HTTP/1.1 connection is closed after this long",
    )
    parser.add_argument(
        "--catalog",
        metavar="FILE",
        default=None,
        help="JSON file of the custom attributes every sandbox's item catalog schema defines, e.g. "
        '{"colour": "string", "points": "integer"} (format: emulator/catalog.py); default: none',
    )
    parser.add_argument(
        "--tenant-id",
        default="offerform",
        help="the org's tenant id: decision items keep custom attributes in _<tenant-id>",
    )
    parser.add_argument("--quiet", action="store_true", help="do not print one line per request")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Start the emulator, print its URLs and credentials, serve until a stop signal; the exit status."""
    args = build_parser().parse_args(argv)
    if not args.quiet:
        logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
        logging.getLogger("offerform_emulator.server").setLevel(logging.WARNING)
    try:
        emu = Emulator(
            client_id=args.client_id,
            client_secret=args.client_secret,
            token_lifetime=args.token_lifetime,
            data_file=args.data,
            host=args.host,
            port=args.port,
            default_page_size=args.page_size,
            max_page_size=args.max_page_size,
            test_failure_status=args.test_failure_status,
            link_form=args.link_form,
            referential_integrity=args.referential_integrity,
            sandboxes=args.sandboxes,
            return_type_case=args.return_type_case,
            keep_alive_timeout=args.keep_alive_timeout,
            tenant_id=args.tenant_id,
            catalog_attributes=_catalog(args.catalog),
        )
        seeded = emu.load_seed(args.seed, args.seed_client_id) if args.seed else []
        emu.start()
    except PortInUseError as exc:
        print(
            f"emulator: cannot start: {exc}: stop it, or choose another with --port (0 picks a free one)",
            file=sys.stderr,
        )
        return 1
    except (OSError, ValueError) as exc:
        print(f"emulator: cannot start: {exc}", file=sys.stderr)
        return 1

    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    # Printing the credentials is the point of the demo: they are what a client must send.
    print(f"Offer Library API: {emu.dps_url}")
    print(f"Adobe IMS token endpoint: {emu.ims_url}")
    print(f"client id: {emu.client_id}")
    print(f"client secret: {emu.client_secret}")
    print(f"data file: {emu.data_file if emu.data_file else '(none: objects are kept in memory)'}")
    print(f"sandboxes: {', '.join(sorted(emu.sandboxes)) if emu.sandboxes else '(any name)'}")
    print(f"referential integrity: {'on' if emu.referential_integrity else 'off'}")
    print(f"item catalog tenant: _{args.tenant_id}{' (attributes from ' + args.catalog + ')' if args.catalog else ''}")
    if args.seed:
        print(f"seeded: {len(seeded)} objects from {args.seed}")
    print("Any IMS org id is accepted. Press Ctrl+C to stop.", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        emu.stop()
    print("emulator stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
