#!/usr/bin/env bash
# Start-up benchmark: time from starting the packaged launcher (as SPIRE's go-plugin host does, with
# the KeyManager cookie) to reading its whole handshake line on stdout. Prints every run, then the
# median and the minimum.
#
# Usage: src/bench/startup.sh [-n RUNS] [-j JAVA_HOME] [-d DIST_DIR] [--no-archive]
#   -n RUNS         timed runs (default 10)
#   -j JAVA_HOME    the Java to run the plugin on (default: $JAVA_HOME, else java on PATH)
#   -d DIST_DIR     the unpacked distribution (default: target/dist/spire-aws-kms-keymanager-*/)
#   --no-archive    measure without a class-data archive (SPIRE_AWS_KMS_KEYMANAGER_CACHE_DIR=off)
#
# Run `mvn -B package -DskipTests` first. The launcher keeps its class-data archive in a private
# temporary cache: one untimed start trains it, the script waits until it is in place, then one more
# untimed start warms the page cache before the timed runs.
set -euo pipefail

runs=10
java_home=${JAVA_HOME:-}
dist=
archive=yes
while [ $# -gt 0 ]; do
  case $1 in
    -n) runs=$2; shift 2 ;;
    -j) java_home=$2; shift 2 ;;
    -d) dist=$2; shift 2 ;;
    --no-archive) archive=no; shift ;;
    *) echo "usage: $0 [-n RUNS] [-j JAVA_HOME] [-d DIST_DIR] [--no-archive]" >&2; exit 2 ;;
  esac
done
if [ -z "$dist" ]; then
  root=$(cd "$(dirname "$0")/../.." && pwd)
  dist=$(ls -d "$root"/target/dist/spire-aws-kms-keymanager-*/ 2>/dev/null | head -n 1)
  dist=${dist%/}
fi
launcher=$dist/bin/spire-aws-kms-keymanager
[ -x "$launcher" ] || { echo "no launcher at $launcher; run mvn -B package -DskipTests first" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -n "$java_home" ]; then
  export JAVA_HOME=$java_home
else
  unset JAVA_HOME
fi
if [ "$archive" = yes ]; then
  export SPIRE_AWS_KMS_KEYMANAGER_CACHE_DIR=$work/cache
else
  export SPIRE_AWS_KMS_KEYMANAGER_CACHE_DIR=off
fi
errlog=$work/stderr.log

# Prints the milliseconds from starting the launcher to reading the handshake line.
one_run() {
  local start end line
  start=${EPOCHREALTIME/./}
  coproc plugin {
    export KeyManager=KeyManager PLUGIN_MIN_PORT=10000 PLUGIN_MAX_PORT=25000 PLUGIN_PROTOCOL_VERSIONS=1
    exec "$launcher" 2>>"$errlog"
  }
  IFS= read -r -t 60 line <&"${plugin[0]}" || line=
  end=${EPOCHREALTIME/./}
  local pid=$plugin_PID
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  case $line in
    1\|1\|unix\|*\|grpc\| | 1\|1\|tcp\|*\|grpc\|) ;;
    *) echo "no handshake line (got \"$line\"); stderr:" >&2; cat "$errlog" >&2; exit 1 ;;
  esac
  echo $(((end - start) / 1000))
}

java_desc=$(
  if [ -n "${JAVA_HOME:-}" ]; then "$JAVA_HOME/bin/java" -version 2>&1; else java -version 2>&1; fi | sed -n 2p
)
echo "launcher: $launcher"
echo "java:     $java_desc"
echo "archive:  $archive"

# Prints the trained archive's name, if there is one.
trained_archive() {
  local f
  for f in "$work/cache"/*.jsa "$work/cache"/*.aot; do
    if [ -f "$f" ]; then
      echo "${f##*/}"
      return 0
    fi
  done
  return 1
}

one_run >/dev/null
if [ "$archive" = yes ]; then
  for _ in $(seq 1 600); do
    trained_archive >/dev/null && break
    sleep 0.2
  done
  trained_archive >/dev/null || {
    echo "no class-data archive was trained; log:" >&2
    cat "$work/cache"/*.log >&2 || true
    exit 1
  }
  echo "archive:  $(trained_archive)"
fi
one_run >/dev/null

times=()
for i in $(seq 1 "$runs"); do
  t=$(one_run)
  times+=("$t")
  echo "run $i: $t ms"
done
printf '%s\n' "${times[@]}" | sort -n | awk '
  { v[NR] = $1 }
  END {
    median = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "median %s ms, min %s ms (%d runs)\n", median, v[1], NR
  }'
