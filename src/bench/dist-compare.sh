#!/usr/bin/env bash
# Compares the plain and the self-contained distribution: size of the directory and of the .tar.gz,
# start-up time to the handshake line with a class-data archive (warm) and without one (cold), the
# resident memory of the serving plugin just after its handshake, and the peak resident memory of
# the class-data training. Start-up times are medians from src/bench/startup.sh.
#
# Usage: src/bench/dist-compare.sh [-n RUNS] [-j JAVA_HOME]
#   -n RUNS        timed start-up runs per case (default 10)
#   -j JAVA_HOME   the Java for the plain distribution (default: $JAVA_HOME, else java on PATH);
#                  the self-contained one always runs on its own runtime/
#
# Run `mvn -B package -DskipTests` first.
set -euo pipefail

runs=10
java_home=${JAVA_HOME:-}
while [ $# -gt 0 ]; do
  case $1 in
    -n) runs=$2; shift 2 ;;
    -j) java_home=$2; shift 2 ;;
    *) echo "usage: $0 [-n RUNS] [-j JAVA_HOME]" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
plain=
self_contained=
for d in "$root"/target/dist/spire-aws-kms-keymanager-*/; do
  d=${d%/}
  if [ -d "$d/runtime" ]; then self_contained=$d; else plain=$d; fi
done
[ -n "$plain" ] && [ -n "$self_contained" ] ||
  { echo "no distributions in $root/target/dist; run mvn -B package -DskipTests first" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

# Prints "<VmRSS kB> <VmHWM kB>" of the plugin just after its handshake (no class-data archive).
rss_after_handshake() {
  local launcher=$1 line pid rss hwm
  coproc plugin {
    export KeyManager=KeyManager PLUGIN_MIN_PORT=10000 PLUGIN_MAX_PORT=25000 PLUGIN_PROTOCOL_VERSIONS=1
    export SPIRE_AWS_KMS_KEYMANAGER_CACHE_DIR=off
    exec "$launcher" 2>/dev/null
  }
  pid=$plugin_PID
  IFS= read -r -t 60 line <&"${plugin[0]}" || line=
  sleep 1
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
  hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "$rss $hwm"
}

# Prints the largest peak RSS (kB) among the JVMs of one background class-data training: starts the
# plugin once with an empty cache directory, then samples the VmHWM of every process whose command
# line names that directory until the archive is in place.
training_peak() {
  local dist=$1 cache=$work/training-$2 peak=0 p hwm
  (
    export KeyManager=KeyManager PLUGIN_MIN_PORT=10000 PLUGIN_MAX_PORT=25000 PLUGIN_PROTOCOL_VERSIONS=1
    export SPIRE_AWS_KMS_KEYMANAGER_CACHE_DIR=$cache
    coproc plugin { exec "$dist/bin/spire-aws-kms-keymanager" 2>/dev/null; }
    IFS= read -r -t 60 _ <&"${plugin[0]}" || true
    kill -TERM "$plugin_PID" 2>/dev/null || true
    wait "$plugin_PID" 2>/dev/null || true
  )
  for _ in $(seq 1 3000); do
    for p in /proc/[0-9]*; do
      grep -qF -- "$cache" "$p/cmdline" 2>/dev/null || continue
      hwm=$(awk '/^VmHWM:/ { print $2 }' "$p/status" 2>/dev/null) || continue
      [ -n "$hwm" ] && [ "$hwm" -gt "$peak" ] && peak=$hwm
    done
    compgen -G "$cache/*.jsa" >/dev/null || compgen -G "$cache/*.aot" >/dev/null && break
    sleep 0.05
  done
  echo "$peak"
}

startup_median() {
  local out
  out=$("$here/startup.sh" -n "$runs" -d "$1" ${java_home:+-j "$java_home"} $2 | grep '^to handshake')
  echo "$out" | sed 's/^to handshake: median \([0-9.]*\) ms.*/\1/'
}

if [ -n "$java_home" ]; then export JAVA_HOME=$java_home; fi
printf '%-16s %12s %12s %10s %10s %12s %14s\n' distribution directory tar.gz warm cold rss-serving training-peak
for d in "$plain" "$self_contained"; do
  kind=plain
  [ -d "$d/runtime" ] && kind=self-contained
  size=$(du -sb "$d" | cut -f1)
  tgz=$(stat -c %s "$d.tar.gz")
  warm=$(startup_median "$d" "")
  cold=$(startup_median "$d" --no-archive)
  read -r rss _ < <(rss_after_handshake "$d/bin/spire-aws-kms-keymanager")
  peak=$(training_peak "$d" "$kind")
  printf '%-16s %12s %12s %7s ms %7s ms %12s %14s\n' "$kind" "$(mib "$size")" "$(mib "$tgz")" \
    "$warm" "$cold" "$(mib $((rss * 1024)))" "$(mib $((peak * 1024)))"
done
echo "($runs runs per start-up median; plain on: $("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | sed -n 2p))"
