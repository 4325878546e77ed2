#!/usr/bin/env bash
# Soak: the packaged plugin, started as SPIRE starts it (go-plugin handshake), signs at a steady rate
# for N minutes against a local KMS, in 3-second steps: every third step rotates a key, the others
# each inject one fault (connection resets, HTML 503s, malformed and truncated bodies, throttling,
# slow and frozen answers, KMS 500s, and a KMS that goes away for the step). Prints progress every
# 5 seconds, then requests, SignData errors by gRPC code, p50/p99 latency, RSS, threads and open file
# descriptors of the plugin process over time, and the key inventory at the end. Exits 1 if an RPC ended with a code
# other than OK or Unavailable, a key was leaked (neither aliased nor pending deletion) or a key id
# lost its key.
#
# Usage: src/bench/soak.sh [--minutes N] [--rate SIGNS_PER_SECOND] [-d DIST_DIR]
#   --minutes N   how long to run (default 10)
#   --rate R      SignData calls per second (default 20)
#   -d DIST_DIR   the unpacked distribution (default: the plain one in target/dist/)
#
# Run `mvn -B package -DskipTests` first. It compiles the test classes and takes the test classpath
# from Maven offline, so the project's dependencies must already be in the local repository.
set -euo pipefail

minutes=10
rate=20
dist=
while [ $# -gt 0 ]; do
  case $1 in
    --minutes) minutes=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    -d) dist=$2; shift 2 ;;
    *) echo "usage: $0 [--minutes N] [--rate SIGNS_PER_SECOND] [-d DIST_DIR]" >&2; exit 2 ;;
  esac
done
case $minutes in
  '' | *[!0-9]* | 0) echo "N must be a positive number of minutes, got \"$minutes\"" >&2; exit 2 ;;
esac
case $rate in
  '' | *[!0-9]* | 0) echo "the rate must be a positive number, got \"$rate\"" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
if [ -z "$dist" ]; then
  dist=$(ls -d "$root"/target/dist/spire-aws-kms-keymanager-*/ 2>/dev/null | grep -v -- '-linux-' | head -n 1)
  dist=${dist%/}
fi
[ -x "$dist/bin/spire-aws-kms-keymanager" ] || {
  echo "no launcher in ${dist:-target/dist}; run mvn -B package -DskipTests first" >&2
  exit 1
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mvn -B -q -o test-compile >"$work/mvn.log" 2>&1 &&
  mvn -B -q -o dependency:build-classpath -Dmdep.outputFile="$work/classpath.txt" >>"$work/mvn.log" 2>&1 || {
  cat "$work/mvn.log" >&2
  echo "could not build the test classpath offline; run mvn -B verify once first" >&2
  exit 1
}
classpath=$root/target/test-classes:$root/target/classes:$(cat "$work/classpath.txt")

echo "soak: $minutes min, $rate SignData/s, distribution $dist"
java -cp "$classpath" dev.spirekms.bench.Soak "$dist" $((minutes * 60)) "$rate"
