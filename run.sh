#!/usr/bin/env bash
# The two things a new user runs, on a fresh machine:
#   ./run.sh demo   find or build the Pulumi CLI, set up, start the local Adobe emulator, `pulumi up` the example stack
#   ./run.sh test   the same set-up, then the whole test suite (what CI runs), the real `pulumi` included
# and one for scripts and tests:
#   ./run.sh cli    print the directory of the Pulumi CLI this project runs (finding or building it first)
set -euo pipefail
cd "$(dirname "$0")"

PULUMI_VERSION="$(tools/pulumi-cli/build.sh --version)"   # pinned by tools/pulumi-cli/go.mod; requirements.txt pins the same SDK
EMULATOR_PORT="${OFFERFORM_EMULATOR_PORT:-8787}"
VENV=".venv"
CACHE_ROOT="${OFFERFORM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/offerform}"

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

run_tests() {
  local cli
  cli="$(find_cli)"
  setup
  pulumi_env "$cli"
  export OFFERFORM_PULUMI_BIN="$cli"
  say "type-checking provider/ and emulator/ (mypy)"
  "$VENV/bin/python" -m mypy
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

case "${1:-}" in
  demo) shift; run_demo "$@" ;;
  test) shift; run_tests "$@" ;;
  cli) find_cli ;;
  *) echo "usage: ./run.sh demo | ./run.sh test [pytest args] | ./run.sh cli" >&2; exit 2 ;;
esac
