#!/usr/bin/env bash
# The two things a new user runs, on a fresh machine:
#   ./run.sh demo   find or build the Pulumi CLI, set up, start the local Adobe emulator, `pulumi up` the example stack
#   ./run.sh demo-decisioning   the same for examples/decisioning (Adobe's current Decisioning model)
#   ./run.sh test   the same set-up, then `lint` and the whole test suite (what CI runs), the real `pulumi` included;
#                   arguments go to pytest (./run.sh test tests/unit -q -x); pytest collecting nothing is a failure
# the ones a contributor runs before committing:
#   ./run.sh lint       ruff check, ruff format --check and mypy (strict; files in pyproject.toml): reports, changes nothing
#   ./run.sh format     ruff check --fix, then ruff format: rewrites files so that `lint` finds only what needs a person
#   ./run.sh generate   rerun every generator (GENERATORS below) after changing what they read, e.g. a kind's model
# and one for scripts and tests:
#   ./run.sh cli    print the directory of the Pulumi CLI this project runs (finding or building it first)
set -euo pipefail
cd "$(dirname "$0")"

PULUMI_VERSION="$(tools/pulumi-cli/build.sh --version)"   # pinned by tools/pulumi-cli/go.mod; requirements.txt pins the same SDK
EMULATOR_PORT="${OFFERFORM_EMULATOR_PORT:-8787}"
VENV=".venv"
CACHE_ROOT="${OFFERFORM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/offerform}"

# Each writes files from the code they describe; tests fail when a file differs from what its generator writes.
# One Python module per line, run as `python -m MODULE`.
GENERATORS=(
  provider.generators.sdk_args  # provider/sdk/args.py, provider/sdk/outputs.py and provider/__init__.py's public names, from the kinds' models
  provider.generators.reference_docs  # docs/resources/<kind>.md, a reference page per kind, from the same models
)

say() { printf 'offerform: %s\n' "$*" >&2; }

setup() {
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating the virtualenv $VENV"
    python3 -m venv "$VENV"
  fi
  if [ ! -f "$VENV/.installed" ] || [ requirements.txt -nt "$VENV/.installed" ] || [ pyproject.toml -nt "$VENV/.installed" ]; then
    say "installing dependencies (requirements.txt, and this project as the 'offerform' package)"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt
    # setuptools warns about every editable install; the warning is not about this project.
    PYTHONWARNINGS=ignore "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e .
    touch "$VENV/.installed"
  fi
}

# The directory of a `pulumi` at the pinned version, with its Python language host beside it:
# on PATH already; in our per-user cache; from Pulumi's installer; else built from Go modules.
find_cli() {
  local on_path official
  on_path="$(command -v pulumi 2>/dev/null || true)"
  if [ -n "$on_path" ] && [ "$("$on_path" version 2>/dev/null)" = "v$PULUMI_VERSION" ]; then
    dirname "$on_path"
    return
  fi
  if tools/pulumi-cli/build.sh --cached; then
    return
  fi
  official="$CACHE_ROOT/pulumi-official-v$PULUMI_VERSION"
  if [ -x "$official/bin/pulumi" ]; then
    echo "$official/bin"
    return
  fi
  if curl -fsS --max-time 5 -o /dev/null https://get.pulumi.com 2>/dev/null; then
    say "installing Pulumi CLI v$PULUMI_VERSION with Pulumi's official installer into $official"
    if curl -fsSL https://get.pulumi.com | sh -s -- --version "$PULUMI_VERSION" --install-root "$official" --no-edit-path >&2; then
      echo "$official/bin"
      return
    fi
  fi
  if command -v go >/dev/null 2>&1; then
    tools/pulumi-cli/build.sh
    return
  fi
  say "no Pulumi CLI v$PULUMI_VERSION: install Go 1.26+ (this script then builds it) or the Pulumi CLI v$PULUMI_VERSION (https://www.pulumi.com/docs/install/), then run ./run.sh again"
  exit 1
}

# Every `pulumi` this project runs: no update check, no plugin downloads, a passphrase secrets provider.
pulumi_env() {
  export PATH="$1:$PWD/$VENV/bin:$PATH"
  export PULUMI_SKIP_UPDATE_CHECK=true
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  export PIP_DISABLE_PIP_VERSION_CHECK=1
  export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-offerform-demo-passphrase}"
}

# Every check that needs no test run; all three run, so one pass shows every finding.
run_lint() {
  local status=0
  say "lint (ruff check)"
  "$VENV/bin/python" -m ruff check . || status=1
  say "formatting (ruff format --check)"
  "$VENV/bin/python" -m ruff format --check . || status=1
  say "types (mypy --strict over provider/, the emulator, tests/ and benchmarks/)"
  "$VENV/bin/python" -m mypy || status=1
  [ "$status" -eq 0 ] || say "lint found problems: ./run.sh format fixes the formatting and what ruff can fix safely"
  return "$status"
}

run_format() {
  local status=0
  "$VENV/bin/python" -m ruff check --fix . || status=$?  # what it cannot fix is listed, and the exit status says so
  "$VENV/bin/python" -m ruff format .
  return "$status"
}

run_generate() {
  local module
  for module in "${GENERATORS[@]}"; do
    say "generating: python -m $module"
    "$VENV/bin/python" -m "$module"
  done
}

run_tests() {
  local cli
  cli="$(find_cli)"
  setup
  pulumi_env "$cli"
  export OFFERFORM_PULUMI_BIN="$cli"
  run_lint
  set +e
  "$VENV/bin/python" -m pytest "$@"
  status=$?
  set -e
  if [ "$status" -eq 5 ]; then
    say "pytest collected no tests: that is a failure, not a pass"
  fi
  return "$status"
}

run_demo() {
  local cli
  cli="$(find_cli)"
  setup
  pulumi_env "$cli"
  # A local state backend inside the project: no Pulumi Cloud account needed.
  mkdir -p .pulumi-state
  export PULUMI_BACKEND_URL="file://$PWD/.pulumi-state"
  say "Pulumi CLI $(pulumi version) from $cli"

  say "starting the Adobe emulator on 127.0.0.1:$EMULATOR_PORT (offers kept in .emulator-data.json)"
  "$VENV/bin/python" -m offerform_emulator --port "$EMULATOR_PORT" --data .emulator-data.json >.emulator.log 2>&1 &
  local emulator_pid=$!
  # "stopped" only for an emulator that was running (one that could not start has said why already).
  trap 'if kill '"$emulator_pid"' 2>/dev/null; then wait '"$emulator_pid"' 2>/dev/null || true; say "emulator stopped"; fi' EXIT
  for _ in $(seq 100); do
    grep -q "client secret" .emulator.log 2>/dev/null && break
    kill -0 "$emulator_pid" 2>/dev/null || break
    sleep 0.1
  done
  local client_id client_secret
  client_id="$(sed -n 's/^client id: //p' .emulator.log)"
  client_secret="$(sed -n 's/^client secret: //p' .emulator.log)"
  if [ -z "$client_id" ]; then
    if grep -q "already in use" .emulator.log 2>/dev/null; then
      say "the emulator could not start: port $EMULATOR_PORT on 127.0.0.1 is in use by another program;" \
        "stop it, or choose another port: OFFERFORM_EMULATOR_PORT=<port> ./run.sh demo"
    else
      say "the emulator did not start on port $EMULATOR_PORT (set OFFERFORM_EMULATOR_PORT to use another):" \
        "$(tail -n 1 .emulator.log 2>/dev/null); the whole log is in .emulator.log"
    fi
    exit 1
  fi

  pulumi stack select demo --create --non-interactive >/dev/null
  pulumi config set adobe:endpoint "http://127.0.0.1:$EMULATOR_PORT/data/core/dps"
  pulumi config set adobe:imsEndpoint "http://127.0.0.1:$EMULATOR_PORT/ims/token/v3"
  pulumi config set adobe:clientId "$client_id"
  # The secret comes from the environment, so it never enters the stack's config or state.
  export ADOBE_CLIENT_SECRET="$client_secret"
  pulumi config set adobe:imsOrgId "DEMO0000000000000000@AdobeOrg"
  pulumi config set adobe:sandboxName demo

  pulumi up --yes --non-interactive "$@"
  say "a second preview must show no changes:"
  pulumi preview --expect-no-changes --non-interactive
  pulumi stack output --json
}

# examples/decisioning against the emulator: its item catalog defines two custom attributes, and the
# catalog schema's id (x-schema-id) is read from the Schema Registry, as a user reads it from Adobe.
run_demo_decisioning() {
  local cli root
  cli="$(find_cli)"
  setup
  pulumi_env "$cli"
  root="$PWD"
  cd examples/decisioning
  mkdir -p .pulumi-state
  export PULUMI_BACKEND_URL="file://$PWD/.pulumi-state"
  printf '{"colour": "string", "points": "integer"}\n' >.catalog.json
  say "starting the Adobe emulator on 127.0.0.1:$EMULATOR_PORT (item catalog: .catalog.json, tenant offerform)"
  "$root/$VENV/bin/python" -m offerform_emulator --port "$EMULATOR_PORT" --data .emulator-data.json \
    --catalog .catalog.json --tenant-id offerform --referential-integrity >.emulator.log 2>&1 &
  local emulator_pid=$!
  trap 'kill '"$emulator_pid"' 2>/dev/null || true; wait '"$emulator_pid"' 2>/dev/null || true; say "emulator stopped"' EXIT
  for _ in $(seq 100); do
    grep -q "client secret" .emulator.log 2>/dev/null && break
    kill -0 "$emulator_pid" 2>/dev/null || break
    sleep 0.1
  done
  local client_id client_secret org schema_id
  client_id="$(sed -n 's/^client id: //p' .emulator.log)"
  client_secret="$(sed -n 's/^client secret: //p' .emulator.log)"
  [ -n "$client_id" ] || { say "the emulator did not start; see examples/decisioning/.emulator.log"; exit 1; }
  org="DEMO0000000000000000@AdobeOrg"
  schema_id="$(ADOBE_CLIENT_ID="$client_id" ADOBE_CLIENT_SECRET="$client_secret" ADOBE_IMS_ORG_ID="$org" \
    "$root/$VENV/bin/python" - "$EMULATOR_PORT" <<'PY'
import os, sys
import requests
base = f"http://127.0.0.1:{sys.argv[1]}"
token = requests.post(f"{base}/ims/token/v3", data={"grant_type": "client_credentials", "client_id": os.environ["ADOBE_CLIENT_ID"], "client_secret": os.environ["ADOBE_CLIENT_SECRET"], "scope": "openid"}, timeout=10).json()["access_token"]
headers = {"Authorization": f"Bearer {token}", "x-api-key": os.environ["ADOBE_CLIENT_ID"], "x-gw-ims-org-id": os.environ["ADOBE_IMS_ORG_ID"], "x-sandbox-name": "demo"}
print(requests.get(f"{base}/data/foundation/schemaregistry/tenant/schemas", headers=headers, timeout=10).json()["results"][0]["$id"])
PY
)"

  pulumi stack select demo --create --non-interactive >/dev/null
  pulumi config set adobe:endpoint "http://127.0.0.1:$EMULATOR_PORT/data/core/dps"
  pulumi config set adobe:imsEndpoint "http://127.0.0.1:$EMULATOR_PORT/ims/token/v3"
  pulumi config set adobe:clientId "$client_id"
  export ADOBE_CLIENT_SECRET="$client_secret"
  pulumi config set adobe:imsOrgId "$org"
  pulumi config set adobe:sandboxName demo
  pulumi config set adobe:itemSchemaId "$schema_id"
  pulumi config set adobe:tenantId offerform
  pulumi config set adobe:itemAttributes "$(cat .catalog.json)"

  pulumi up --yes --non-interactive "$@"
  say "a second preview must show no changes:"
  pulumi preview --expect-no-changes --non-interactive
  pulumi stack output --json
}

case "${1:-}" in
  demo) shift; run_demo "$@" ;;
  demo-decisioning) shift; run_demo_decisioning "$@" ;;
  test) shift; run_tests "$@" ;;
  lint) setup; run_lint ;;
  format) setup; run_format ;;
  generate) setup; run_generate ;;
  cli) find_cli ;;
  *) echo "usage: ./run.sh demo | ./run.sh demo-decisioning | ./run.sh test [pytest args] | ./run.sh lint | ./run.sh format | ./run.sh generate | ./run.sh cli" >&2; exit 2 ;;
esac
