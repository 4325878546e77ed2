#!/usr/bin/env bash
# Builds SPIRE's spire-server and spire-agent, at the release pinned in go.mod beside this script,
# from SPIRE's published Go module, for the integration tests (src/test/java/.../e2e/Spire*).
#
#   src/it/spire/build.sh [OUT_DIR]      default OUT_DIR: <repository>/target-spire
#
# The binaries go to OUT_DIR/bin, with OUT_DIR/STAMP naming the SPIRE release, the Go toolchain
# and the hash of go.sum. A build whose stamp matches is reused; anything else is rebuilt. Go's own
# module and build caches make a rebuild on the same machine quick.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${1:-$root/target-spire}
case "$out" in /*) ;; *) out=$PWD/$out ;; esac

command -v go >/dev/null 2>&1 || { echo "build.sh: go is not on PATH; SPIRE needs Go 1.26 or later" >&2; exit 1; }

version=$(awk '$1 == "github.com/spiffe/spire" { print $2 }' "$here/go.mod")
[ -n "$version" ] || { echo "build.sh: go.mod pins no github.com/spiffe/spire version" >&2; exit 1; }
sum=$(sha256sum "$here/go.sum" | cut -d' ' -f1)
stamp="spire $version; $(go env GOVERSION) $(go env GOOS)/$(go env GOARCH); go.sum $sum"

if [ -x "$out/bin/spire-server" ] && [ -x "$out/bin/spire-agent" ] \
    && [ "$(cat "$out/STAMP" 2>/dev/null)" = "$stamp" ]; then
  echo "SPIRE $version already built in $out/bin"
  exit 0
fi

echo "Building SPIRE $version (spire-server, spire-agent) into $out/bin" >&2
start=$(date +%s)
mkdir -p "$out"
staging=$(mktemp -d "$out/.build.XXXXXX")
trap 'rm -rf "$staging"' EXIT
# -mod=readonly: go.mod and go.sum are the pin; a build never rewrites them.
(cd "$here" && GOFLAGS="-mod=readonly -buildvcs=false" go build -o "$staging/" \
  github.com/spiffe/spire/cmd/spire-server github.com/spiffe/spire/cmd/spire-agent)
rm -rf "$out/bin"
mv "$staging" "$out/bin"
trap - EXIT
printf '%s\n' "$stamp" > "$out/STAMP"
echo "Built SPIRE $version in $(( $(date +%s) - start )) s: $("$out/bin/spire-server" --version 2>&1 | head -n 1)" >&2
