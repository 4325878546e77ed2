#!/usr/bin/env bash
# Start-up benchmark: time from starting the packaged launcher (as SPIRE's go-plugin host does, with
# the KeyManager cookie) to reading its whole handshake line on stdout, and the CPU time used by
# then. Prints every run, then the median and the minimum of each.
#
# Usage: src/bench/startup.sh [-n RUNS] [-j JAVA_HOME] [-d DIST_DIR] [--no-archive] [--static]
#   -n RUNS         timed runs (default 10)
#   -j JAVA_HOME    the Java to run the plugin on (default: $JAVA_HOME, else java on PATH); a
#                   self-contained distribution runs on its own runtime/ whatever this says
#   -d DIST_DIR     the unpacked distribution (default: the plain one in target/dist/)
#   --no-archive    measure without a class-data archive (SPIRE_AWS_KMS_KEYMANAGER_CACHE_DIR=off)
#   --static        start bin/spire-aws-kms-keymanager-static (self-contained distribution only)
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
    --static) launcher_name=spire-aws-kms-keymanager-static; shift ;;
    *) echo "usage: $0 [-n RUNS] [-j JAVA_HOME] [-d DIST_DIR] [--no-archive] [--static]" >&2; exit 2 ;;
  esac
done
if [ -z "$dist" ]; then
  root=$(cd "$(dirname "$0")/../.." && pwd)
  dist=$(ls -d "$root"/target/dist/spire-aws-kms-keymanager-*/ 2>/dev/null | grep -v -- '-linux-' | head -n 1)
  dist=${dist%/}
fi
launcher=$dist/bin/${launcher_name:-spire-aws-kms-keymanager}
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

ticks=$(getconf CLK_TCK)

# Prints "<wall ms> <cpu ms>": from starting the launcher to reading the handshake line, and the CPU
# time the process (launcher, its checksum tool, then the JVM) had used by then. CPU time is much less
# disturbed by other work on the machine than wall time.
one_run() {
  local start end line stat
  start=${EPOCHREALTIME/./}
  coproc plugin {
    export KeyManager=KeyManager PLUGIN_MIN_PORT=10000 PLUGIN_MAX_PORT=25000 PLUGIN_PROTOCOL_VERSIONS=1
    exec "$launcher" 2>>"$errlog"
  }
  IFS= read -r -t 60 line <&"${plugin[0]}" || line=
  end=${EPOCHREALTIME/./}
  local pid=$plugin_PID
  read -r -a stat <"/proc/$pid/stat" || stat=()
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  case $line in
    1\|1\|unix\|*\|grpc\| | 1\|1\|tcp\|*\|grpc\|) ;;
    *) echo "no handshake line (got \"$line\"); stderr:" >&2; cat "$errlog" >&2; exit 1 ;;
  esac
  # utime, stime, cutime, cstime (proc(5)); the command name field is "(java)", without spaces
  local cpu=$(( (stat[13] + stat[14] + stat[15] + stat[16]) * 1000 / ticks ))
  echo "$(((end - start) / 1000)) $cpu"
}

java_desc=$(
  if [ -x "$dist/runtime/bin/java" ]; then
    "$dist/runtime/bin/java" -version 2>&1
  elif [ -n "${JAVA_HOME:-}" ]; then "$JAVA_HOME/bin/java" -version 2>&1; else java -version 2>&1; fi | sed -n 2p
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

results=()
for i in $(seq 1 "$runs"); do
  r=$(one_run)
  results+=("$r")
  echo "run $i: ${r% *} ms (cpu ${r#* } ms)"
done
summary() {
  sort -n | awk -v what="$1" '
    { v[NR] = $1 }
    END {
      median = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%s: median %s ms, min %s ms (%d runs)\n", what, median, v[1], NR
    }'
}
printf '%s\n' "${results[@]}" | cut -d' ' -f1 | summary "to handshake"
printf '%s\n' "${results[@]}" | cut -d' ' -f2 | summary "cpu to handshake"
