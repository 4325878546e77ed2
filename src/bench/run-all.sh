#!/usr/bin/env bash
# Every benchmark of docs/performance.md, in one run, and the results table there rewritten.
#
# Usage: src/bench/run-all.sh [--smoke] [--jdk17 JAVA_HOME] [--jdk25 JAVA_HOME] [--no-docs]
#   --smoke          a few iterations of each benchmark: proves they all work, in about 3 minutes;
#                    the figures are not fit to compare (fewer keys, shorter loads)
#   --jdk17 HOME     the Java 17 to run the plugin on (default: $JAVA_HOME, else java on PATH)
#   --jdk25 HOME     a Java 25 for the start-up figures (default: /usr/lib/jvm/temurin-25-jdk-amd64
#                    when it exists; skipped otherwise)
#   --out FILE       write the results table to FILE (default: docs/performance.md between its
#                    results markers, unless --smoke, which writes target/bench/results-smoke.md)
#   --dist DIR       the unpacked plain distribution to measure (default: target/dist/..., built
#                    when missing or stale)
#   --classpath CP   the harness's class path (default: target/test-classes, target/classes and
#                    the test class path from Maven offline, compiled when stale)
#
# The plugin is the plain distribution in target/dist/, started through its launcher as SPIRE
# starts it; it is built (mvn -B package -DskipTests) only when missing or older than the
# sources, online as README.md says. The harness (dev.spirekms.bench.PluginBench, test scope) runs the local KMS servers in
# its own JVM. Every comparison is measured in one run, interleaved, and reported as a ratio.
set -euo pipefail

smoke=
jdk17=${JAVA_HOME:-}
jdk25=/usr/lib/jvm/temurin-25-jdk-amd64
out=
dist=
classpath=
while [ $# -gt 0 ]; do
  case $1 in
    --smoke) smoke=--smoke; shift ;;
    --jdk17) jdk17=$2; shift 2 ;;
    --jdk25) jdk25=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --dist) dist=$2; shift 2 ;;
    --classpath) classpath=$2; shift 2 ;;
    *)
      echo "usage: $0 [--smoke] [--jdk17 HOME] [--jdk25 HOME] [--out FILE] [--dist DIR] [--classpath CP]" >&2
      exit 2
      ;;
  esac
done
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
if [ -z "$jdk17" ]; then
  jdk17=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
fi
java=$jdk17/bin/java
[ -x "$java" ] || { echo "no java at $java" >&2; exit 1; }

mkdir -p target/bench
log=target/bench/build.log
# The plain distribution, built online (its SBOM is made only then, README.md) when missing or
# older than the sources.
build_dist() {
  # the build dates every file in the distribution alike (reproducible), so a stamp of our own
  # tells when it was built
  local stamp=target/bench/dist.stamp
  dist=$(ls -d target/dist/spire-aws-kms-keymanager-*/ 2>/dev/null | grep -v -- '-linux-' | head -n 1 || true)
  dist=${dist%/}
  if [ ! -f "$dist/lib/spire-aws-kms-keymanager.jar" ] || [ ! -f "$stamp" ] ||
    [ -n "$(find src/main src/dist src/launcher pom.xml -newer "$stamp" -type f -print -quit)" ]; then
    echo "building the distribution (mvn -B package -DskipTests)" >&2
    touch "$stamp.new"
    mvn -B -q package -DskipTests -Djacoco.skip=true >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
    mv "$stamp.new" "$stamp"
    dist=$(ls -d target/dist/spire-aws-kms-keymanager-*/ | grep -v -- '-linux-' | head -n 1)
    dist=${dist%/}
  fi
}

# The harness's class path, its classes compiled when older than the test sources.
harness_classpath() {
  local class=target/test-classes/dev/spirekms/bench/PluginBench.class
  if [ ! -f "$class" ] || [ -n "$(find src/test/java src/main/java -newer "$class" -name '*.java' -print -quit)" ]; then
    echo "compiling the harness (mvn -B -o test-compile)" >&2
    mvn -B -o -q test-compile -Djacoco.skip=true >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
  fi
  if [ ! -s target/bench/classpath.txt ] || [ pom.xml -nt target/bench/classpath.txt ]; then
    mvn -B -o -q dependency:build-classpath -Dmdep.outputFile="$root/target/bench/classpath.txt" >"$log" 2>&1 ||
      { cat "$log" >&2; exit 1; }
  fi
  classpath=$root/target/test-classes:$root/target/classes:$(cat target/bench/classpath.txt)
}

[ -n "$dist" ] || build_dist
dist=$(cd "$dist" && pwd)
[ -x "$dist/bin/spire-aws-kms-keymanager" ] || { echo "no distribution at $dist" >&2; exit 1; }
[ -n "$classpath" ] || harness_classpath

jdk_args=(--jdk "JDK 17=$jdk17")
if [ -x "$jdk25/bin/java" ]; then
  jdk_args+=(--jdk "JDK 25=$jdk25")
fi
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
started=$(date +%s)
# the harness: small heap, C2, so that it disturbs the figures as little as it can
"$java" -Xmx512m -XX:+UseSerialGC -cp "$classpath" dev.spirekms.bench.PluginBench \
  --dist "$dist" --out "$rows" "${jdk_args[@]}" $smoke
# SPIRE server with our plugin and with its built-in aws_kms (needs target-spire/bin)
"$java" -Xmx256m -XX:+UseSerialGC -cp "$classpath" dev.spirekms.e2e.SpireSideBySide \
  --dist "$dist" --out "$rows" $smoke ||
  echo "| SPIRE | side by side with the built-in aws_kms | failed | | see the output above |" >>"$rows"
elapsed=$(($(date +%s) - started))

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
cores=$(nproc)
mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
load=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "Measured $(date -u +%Y-%m-%d) by \`src/bench/run-all.sh${smoke:+ --smoke}\` in ${elapsed} s."
  echo "Machine: $cpu, $cores cores, $mem, load average $load at the end."
  echo "Plugin JDK: $("$jdk17/bin/java" -version 2>&1 | sed -n 2p)$([ -x "$jdk25/bin/java" ] && echo "; $("$jdk25/bin/java" -version 2>&1 | sed -n 2p)")."
  echo "Local KMS: in the harness's JVM, response floor 0 ms unless a row says otherwise."
  echo
  echo "| part | figure | median | spread | target |"
  echo "|---|---|---|---|---|"
  cat "$rows"
} >"$rows.table"

if [ -z "$out" ] && [ -n "$smoke" ]; then
  out=target/bench/results-smoke.md
fi
if [ -n "$out" ]; then
  cp "$rows.table" "$out"
else
  doc=docs/performance.md
  grep -q '^<!-- results:begin -->$' "$doc" && grep -q '^<!-- results:end -->$' "$doc" ||
    { echo "$doc has no results markers" >&2; exit 1; }
  awk -v table="$rows.table" '
    /^<!-- results:begin -->$/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
    /^<!-- results:end -->$/ { skip = 0 }
    !skip { print }' "$doc" >"$doc.tmp"
  mv "$doc.tmp" "$doc"
  out=$doc
fi
rm -f "$rows.table"
echo "results written to $out" >&2
