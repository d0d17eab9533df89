#!/usr/bin/env bash
# The two things a new user runs, on a fresh machine:
#   ./run.sh demo   set up, start the local Adobe emulator, and `pulumi up` the example stack against it
#   ./run.sh test   set up, and run the whole test suite (what CI runs)
set -euo pipefail
cd "$(dirname "$0")"

PULUMI_VERSION="3.272.0"                     # the CLI pinned for the demo (matches the SDK in requirements.txt)
EMULATOR_PORT="${OFFERFORM_EMULATOR_PORT:-8787}"
VENV=".venv"

say() { printf 'offerform: %s\n' "$*" >&2; }

setup() {
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating the virtualenv $VENV"
    python3 -m venv "$VENV"
  fi
  if [ ! -f "$VENV/.installed" ] || [ requirements.txt -nt "$VENV/.installed" ] || [ pyproject.toml -nt "$VENV/.installed" ]; then
    say "installing dependencies (requirements.txt, and this project as the 'offerform' package)"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -r requirements.txt
    "$VENV/bin/python" -m pip install --quiet --no-deps -e .
    touch "$VENV/.installed"
  fi
}

run_tests() {
  setup
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

find_pulumi() {
  if command -v pulumi >/dev/null 2>&1; then
    command -v pulumi
  elif [ -x "$HOME/.pulumi/bin/pulumi" ]; then
    echo "$HOME/.pulumi/bin/pulumi"
  fi
}

install_pulumi() {
  say "no Pulumi CLI on PATH: installing v$PULUMI_VERSION with Pulumi's official installer (get.pulumi.com)"
  if ! curl -fsSL https://get.pulumi.com | sh -s -- --version "$PULUMI_VERSION" >&2; then
    say "could not install the Pulumi CLI (offline?); install it from https://www.pulumi.com/docs/install/ and run ./run.sh demo again"
    exit 1
  fi
}

run_demo() {
  setup
  local pulumi
  pulumi="$(find_pulumi)"
  if [ -z "$pulumi" ]; then
    install_pulumi
    pulumi="$(find_pulumi)"
  fi

  # A local state backend inside the project: no Pulumi Cloud account needed.
  mkdir -p .pulumi-state
  export PULUMI_BACKEND_URL="file://$PWD/.pulumi-state"
  export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-offerform-demo-passphrase}"
  export PULUMI_SKIP_UPDATE_CHECK=1
  export PATH="$PWD/$VENV/bin:$PATH"

  say "starting the Adobe emulator on 127.0.0.1:$EMULATOR_PORT (offers kept in .emulator-data.json)"
  "$VENV/bin/python" -m emulator --port "$EMULATOR_PORT" --data .emulator-data.json >.emulator.log 2>&1 &
  local emulator_pid=$!
  trap 'kill '"$emulator_pid"' 2>/dev/null || true; wait '"$emulator_pid"' 2>/dev/null || true' EXIT
  for _ in $(seq 50); do
    grep -q "client secret" .emulator.log 2>/dev/null && break
    sleep 0.1
  done
  local client_id client_secret
  client_id="$(sed -n 's/^client id: //p' .emulator.log)"
  client_secret="$(sed -n 's/^client secret: //p' .emulator.log)"
  [ -n "$client_id" ] || { say "the emulator did not start; see .emulator.log"; exit 1; }

  "$pulumi" stack select demo --create --non-interactive >/dev/null
  "$pulumi" config set adobe:endpoint "http://127.0.0.1:$EMULATOR_PORT/data/core/dps"
  "$pulumi" config set adobe:imsEndpoint "http://127.0.0.1:$EMULATOR_PORT/ims/token/v3"
  "$pulumi" config set adobe:clientId "$client_id"
  "$pulumi" config set --secret adobe:clientSecret "$client_secret"
  "$pulumi" config set adobe:imsOrgId "DEMO0000000000000000@AdobeOrg"
  "$pulumi" config set adobe:sandboxName demo

  "$pulumi" up --yes --non-interactive
  say "a second preview must show no changes:"
  "$pulumi" preview --expect-no-changes --non-interactive
  "$pulumi" stack output --json
}

case "${1:-}" in
  demo) shift; run_demo "$@" ;;
  test) shift; run_tests "$@" ;;
  *) echo "usage: ./run.sh demo | ./run.sh test [pytest args]" >&2; exit 2 ;;
esac
