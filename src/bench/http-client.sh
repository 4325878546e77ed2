#!/usr/bin/env bash
# HTTP client start-up benchmark: for each of the AWS SDK's url-connection-client (the one the
# plugin uses) and apache-client, RUNS fresh JVMs each build a KmsClient with that HTTP client and
# make one ListAliases call to a local KMS. Prints every run, then per client the median and the
# minimum of
#   built: JVM launch -> KmsClient built (JVM start, SDK and HTTP client classes, client set-up)
#   first: KmsClient built -> first response (first request: connection, signing, (un)marshalling)
#   total: built + first
#
# Usage: src/bench/http-client.sh [-n RUNS] [-j JAVA_HOME]
#   -n RUNS         timed runs per client (default 10); the clients take turns
#   -j JAVA_HOME    the Java to run on (default: $JAVA_HOME, else java on PATH)
#
# It compiles the test classes and takes the test classpath from Maven offline, so the project's
# dependencies must already be in the local repository (any earlier `mvn -B verify` puts them
# there). The timed JVMs run with the launcher's JVM options, without a class-data archive. The
# local KMS runs in a JVM of its own, so that the timed JVMs do client work only; one untimed run
# per client warms it and the page cache first.
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
case $runs in
  '' | *[!0-9]* | 0) echo "RUNS must be a positive number, got \"$runs\"" >&2; exit 2 ;;
esac
if [ -n "$java_home" ]; then
  java=$java_home/bin/java
else
  java=java
fi

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

mvn -B -q -o test-compile >"$work/mvn.log" 2>&1 &&
  mvn -B -q -o dependency:build-classpath -Dmdep.outputFile="$work/classpath.txt" >>"$work/mvn.log" 2>&1 || {
  cat "$work/mvn.log" >&2
  echo "could not build the test classpath offline; run mvn -B verify once first" >&2
  exit 1
}
classpath=$root/target/test-classes:$root/target/classes:$(cat "$work/classpath.txt")

# the launcher's JVM options (src/dist/bin/spire-aws-kms-keymanager), less its logging settings
jvm_opts="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms8m -Xmx128m -XX:-UsePerfData"

"$java" -cp "$classpath" dev.spirekms.localkms.LocalKmsServer --port 0 >"$work/kms.out" 2>"$work/kms.err" &
server_pid=$!
endpoint=
for _ in $(seq 1 300); do
  endpoint=$(sed -n 's/^Local KMS listening on \(http:[^ ]*\) .*/\1/p' "$work/kms.out")
  [ -n "$endpoint" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$endpoint" ] || { echo "the local KMS did not start:" >&2; cat "$work/kms.err" >&2; exit 1; }

# Prints "client=<name> built_ms=<ms> first_response_ms=<ms>".
one_run() {
  local start=${EPOCHREALTIME/./}
  # shellcheck disable=SC2086 # the option list is split on purpose
  "$java" $jvm_opts -cp "$classpath" dev.spirekms.bench.HttpClientStartup "$1" "$endpoint" "$start"
}

clients=(url-connection-client apache-client)
echo "java:     $("$java" -version 2>&1 | sed -n 2p)"
echo "local KMS: $endpoint"
echo "jvm opts: $jvm_opts"
for client in "${clients[@]}"; do
  one_run "$client" >/dev/null
done

: >"$work/results.txt"
for i in $(seq 1 "$runs"); do
  for client in "${clients[@]}"; do
    line=$(one_run "$client")
    echo "run $i: $line"
    echo "$line" >>"$work/results.txt"
  done
done

echo
for client in "${clients[@]}"; do
  grep "^client=$client " "$work/results.txt" | awk -v client="$client" '
    function median(v, n,   i, j, t) {
      for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
      return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    {
      split($2, a, "="); split($3, b, "=")
      n++; built[n] = a[2]; first[n] = b[2]; total[n] = a[2] + b[2]
    }
    END {
      for (k = 1; k <= n; k++) { bs[k] = built[k]; fs[k] = first[k]; ts[k] = total[k] }
      mb = median(bs, n); mf = median(fs, n); mt = median(ts, n)
      printf "%-22s built: median %6.1f ms, min %6.1f ms | first: median %6.1f ms, min %6.1f ms | total: median %6.1f ms, min %6.1f ms (%d runs)\n",
        client, mb, bs[1], mf, fs[1], mt, ts[1], n
    }'
done
