#!/usr/bin/env bash
# Builds the Pulumi CLI and its Python language host from the Go modules pinned in go.mod, into a
# per-user cache keyed by version, and prints the directory that holds them (on stdout, alone).
#
#   tools/pulumi-cli/build.sh           build unless the cache is complete; print its bin directory
#   tools/pulumi-cli/build.sh --cached  print the bin directory if it is complete, else exit 1 (no build)
#   tools/pulumi-cli/build.sh --version print the pinned version (3.x.y)
#
# The directory holds the four files the engine needs, first on PATH: `pulumi`, our
# `pulumi-language-python`, and upstream's `pulumi-language-python-exec` shim and
# `pulumi-resource-pulumi-python` launcher, copied executable from the pinned sdk/v3 module.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

say() { printf 'offerform: %s\n' "$*" >&2; }

version="$(sed -n 's#^[[:space:]]*github.com/pulumi/pulumi/pkg/v3 \(v[0-9][0-9.]*\).*#\1#p' "$here/go.mod")"
[ -n "$version" ] || { say "cannot read the pinned pkg/v3 version from $here/go.mod"; exit 2; }
if [ "${1:-}" = "--version" ]; then
  echo "${version#v}"
  exit 0
fi

# Keyed by version, and by what we compile besides upstream (go.sum, our host), so an edit rebuilds.
inputs="$(cat "$here/go.mod" "$here/go.sum" "$here"/pulumi-language-python/*.go "$here/build.sh" | sha256sum | cut -c1-12)"
cache_root="${OFFERFORM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/offerform}"
cache="$cache_root/pulumi-$version-$inputs"
files=(pulumi pulumi-language-python pulumi-language-python-exec pulumi-resource-pulumi-python)

complete() {
  local file
  for file in "${files[@]}"; do
    [ -x "$cache/bin/$file" ] || return 1
  done
  [ "$("$cache/bin/pulumi" version 2>/dev/null)" = "$version" ]
}

if complete; then
  echo "$cache/bin"
  exit 0
fi
if [ "${1:-}" = "--cached" ]; then
  exit 1
fi
command -v go >/dev/null 2>&1 || { say "building the Pulumi CLI needs Go (1.26 or newer) on PATH"; exit 1; }

cd "$here"
for module in github.com/pulumi/pulumi/pkg/v3 github.com/pulumi/pulumi/sdk/v3; do
  selected="$(go list -m -f '{{.Version}}' "$module")"
  [ "$selected" = "$version" ] || { say "$module resolves to $selected, not $version: go.mod is inconsistent"; exit 1; }
done

mkdir -p "$cache_root"
staging="$(mktemp -d "$cache_root/.building-pulumi-$version.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
mkdir "$staging/bin"
say "building Pulumi CLI $version and its Python language host from Go modules (a first build takes a few minutes)"
started=$SECONDS
ldflags="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version"
# Static binaries, as Pulumi's releases are built.
export CGO_ENABLED=0
go build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$staging/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
go build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$staging/bin/pulumi-language-python" ./pulumi-language-python

# Upstream's scripts, as shipped in the sdk/v3 module: the module cache keeps them read-only and
# without the exec bit, and the engine only runs an executable plugin.
sdk="$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)"
install -m 0755 "$sdk/python/cmd/pulumi-language-python-exec" "$staging/bin/"
install -m 0755 "$sdk/python/dist/pulumi-resource-pulumi-python" "$staging/bin/"

built="$("$staging/bin/pulumi" version)"
[ "$built" = "$version" ] || { say "the built CLI reports version '$built', not $version"; exit 1; }

# Publish in one rename, so a concurrent or interrupted build never leaves a half-filled cache.
rm -rf "$cache.old"
[ -d "$cache" ] && mv "$cache" "$cache.old"
mv "$staging" "$cache"
rm -rf "$cache.old"
trap - EXIT
say "built Pulumi CLI $version in $((SECONDS - started)) s: $cache/bin"
echo "$cache/bin"
