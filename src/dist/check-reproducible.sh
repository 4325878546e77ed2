#!/usr/bin/env bash
# Builds the committed tree twice, in two fresh copies, and checks that the distributions are the
# same to the byte: every file under target/dist, that is both distributions (plain and
# self-contained) and their .tar.gz: the jar, the launcher (which pins the jar's SHA-256), the SBOM,
# SHA256SUMS and the self-contained one's Java runtime, C libraries and static launcher; and the
# static launchers for linux-amd64 and linux-arm64 under target/launcher (which pin it too). Run
# from anywhere in the repository; it builds what is committed (HEAD), online (the SBOM plugin
# does nothing offline).
set -euo pipefail
root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for n in 1 2; do
  mkdir -p "$work/$n"
  git -C "$root" archive HEAD | tar -x -C "$work/$n"
  (cd "$work/$n" && mvn -B -q package -DskipTests -Djacoco.skip=true >"$work/build-$n.log" 2>&1) \
    || { cat "$work/build-$n.log" >&2; echo "check-reproducible.sh: build $n failed" >&2; exit 1; }
  (cd "$work/$n/target" && find dist launcher -type f | LC_ALL=C sort | xargs sha256sum) >"$work/sums-$n"
done
if ! diff -u "$work/sums-1" "$work/sums-2"; then
  echo "check-reproducible.sh: two builds of $(git -C "$root" rev-parse --short HEAD) differ" >&2
  exit 1
fi
echo "Reproducible: two builds of $(git -C "$root" rev-parse --short HEAD) gave the same $(wc -l <"$work/sums-1") files:"
cat "$work/sums-1"
