#!/usr/bin/env bash
# The static launcher and what a bundled Java runtime needs on a host without a C library.
#
#   static-launcher.sh build <basedir> <build-dir> <artifact> <version> <mtime-millis>
#     Builds bin/<artifact>-static for linux-amd64 and linux-arm64 into <build-dir>/launcher/, with
#     the SHA-256 of <build-dir>/dist/<artifact>-<version>/lib/<artifact>.jar pinned in. When the
#     self-contained distribution <build-dir>/dist/<artifact>-<version>-linux-amd64/ exists, bundles
#     it (below). Run by the Maven build (package phase, after the distribution is assembled).
#
#   static-launcher.sh bundle <self-contained-dir> <launcher> <mtime-millis>
#     Into a distribution with a jlink runtime in runtime/: copies <launcher> to bin/, copies the
#     dynamic loader and the shared libraries that ldd names for runtime/bin/java, runtime/lib's
#     libraries and the jar's native libraries into runtime/glibc/, from this build host (so the C
#     library is this host's), writes runtime/glibc/SOURCES, rewrites SHA256SUMS over every file,
#     sets every file time to <mtime-millis>, and rewrites <self-contained-dir>.tar.gz if there is
#     one.
set -euo pipefail
export LC_ALL=C

die() {
  echo "static-launcher.sh: $*" >&2
  exit 1
}

build() {
  local basedir=$1 build_dir=$2 artifact=$3 version=$4 mtime=$5
  local jar=$build_dir/dist/$artifact-$version/lib/$artifact.jar
  [ -f "$jar" ] || die "$jar is missing; build the distribution first"
  command -v go >/dev/null 2>&1 || die "Go 1.26 or later is needed to build the static launcher (go not on PATH)"
  local sha
  sha=$(sha256sum "$jar" | cut -d' ' -f1)
  for arch in amd64 arm64; do
    local out=$build_dir/launcher/linux-$arch/$artifact-static
    mkdir -p "${out%/*}"
    # reproducible: no paths, VCS stamp or build id in the binary; tool chain settings pinned
    (cd "$basedir/src/launcher" &&
      env CGO_ENABLED=0 GOOS=linux GOARCH=$arch GOAMD64=v1 GOARM64=v8.0 GOFLAGS= GOTOOLCHAIN=local \
        GOPROXY=off GOWORK=off go build -trimpath -buildvcs=false \
        -ldflags "-s -w -buildid= -X main.jarSHA256=$sha" -o "$out" .)
    touch -d "@$((mtime / 1000))" "$out"
  done
  local self_contained=$build_dir/dist/$artifact-$version-linux-amd64
  if [ -d "$self_contained" ]; then
    bundle "$self_contained" "$build_dir/launcher/linux-amd64/$artifact-static" "$mtime"
  fi
}

# Prints "<soname> <path>" for every library ldd names for the files given, and "loader <path>".
needed() {
  local file line
  for file in "$@"; do
    ldd "$file" 2>/dev/null | while IFS= read -r line; do
      set -- $line
      case $line in
        *'=> not found'*) echo "missing $1 $file" ;;
        *' => /'*) echo "$1 $3" ;;
        *linux-vdso*) ;;
        *ld-linux*) echo "loader $1" ;;
      esac
    done
  done
}

bundle() {
  local dir=$1 launcher=$2 mtime=$3
  local name=${launcher##*/} runtime=$dir/runtime
  [ -x "$runtime/bin/java" ] || die "$runtime/bin/java is missing"
  case $(uname -m) in
    x86_64) ;;
    *) die "the libraries of a linux-amd64 runtime must be collected on an x86_64 build host" ;;
  esac
  install -m 755 "$launcher" "$dir/bin/$name"

  # the jar's native libraries are loaded by the same C library: netty's epoll transport
  local native
  native=$(mktemp -d)
  (cd "$native" && "${JAVA_HOME:?JAVA_HOME must name the JDK running the build}/bin/jar" xf \
    "$dir/lib/${name%-static}.jar" META-INF/native)
  local files=("$runtime/bin/java")
  while IFS= read -r -d '' f; do files+=("$f"); done < <(find "$runtime/lib" -name '*.so' -print0 | sort -z)
  while IFS= read -r -d '' f; do files+=("$f"); done < <(find "$native" -name '*x86_64*.so' -print0 | sort -z)
  [ -x "$runtime/lib/jspawnhelper" ] && files+=("$runtime/lib/jspawnhelper")

  local glibc=$runtime/glibc
  rm -rf "$glibc"
  mkdir -p "$glibc"
  local soname path from
  local -A copied=()
  while read -r soname path from; do
    if [ "$soname" = missing ]; then
      # a library of the runtime itself that ldd cannot place (libjvm.so, found by the JVM)
      [ -n "$(find "$runtime/lib" -name "$path" -print -quit)" ] || die "$from needs $path, which this host does not have"
      continue
    fi
    if [ "$soname" = loader ]; then
      soname=${path##*/}
    fi
    case $(readlink -f "$path") in "$(readlink -f "$runtime")"/*) continue ;; esac
    [ -n "${copied[$soname]:-}" ] && continue
    copied[$soname]=$(readlink -f "$path")
  done < <(needed "${files[@]}")
  [ -n "${copied[ld-linux-x86-64.so.2]:-}" ] || die "ldd named no dynamic loader for $runtime/bin/java"
  {
    echo "# The C library and the shared libraries runtime/ links against, copied from the build host."
    echo "# runtime/glibc/ld-linux-x86-64.so.2 starts runtime/bin/java with them (bin/$name does this)."
    "${copied[libc.so.6]}" | sed -n 1p
    for soname in $(printf '%s\n' "${!copied[@]}" | sort); do
      from=${copied[$soname]}
      local package=
      if command -v dpkg-query >/dev/null 2>&1 && package=$(dpkg -S "$from" 2>/dev/null || dpkg -S "${from#/usr}" 2>/dev/null); then
        package=${package%%:*}
        package=" (package $package $(dpkg-query -W -f='${Version}' "$package"))"
      fi
      echo "$soname from $from$package"
      if [ "$soname" = ld-linux-x86-64.so.2 ]; then
        install -m 755 "$from" "$glibc/$soname"
      else
        install -m 644 "$from" "$glibc/$soname"
      fi
    done
  } >"$glibc/SOURCES"

  # SHA256SUMS over every file but itself, in byte order of the paths; jlink's legal/ files are
  # symbolic links, listed and archived as the files they point to, as the Maven build does
  (cd "$dir" && find -L . -type f ! -name SHA256SUMS -printf '%P\n' | sort | xargs -d '\n' sha256sum) >"$native/SHA256SUMS"
  mv "$native/SHA256SUMS" "$dir/SHA256SUMS"
  rm -rf "$native"
  find "$dir" -exec touch -h -d "@$((mtime / 1000))" {} +
  if [ -f "$dir.tar.gz" ]; then
    tar --dereference --sort=name --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
      --mtime="@$((mtime / 1000))" --owner=0 --group=0 --numeric-owner \
      -C "${dir%/*}" -cf - "${dir##*/}" | gzip -n -9 >"$dir.tar.gz.tmp"
    mv "$dir.tar.gz.tmp" "$dir.tar.gz"
  fi
}

case ${1:-} in
  build) shift; [ $# -eq 5 ] || die "usage: build <basedir> <build-dir> <artifact> <version> <mtime-millis>"; build "$@" ;;
  bundle) shift; [ $# -eq 3 ] || die "usage: bundle <self-contained-dir> <launcher> <mtime-millis>"; bundle "$@" ;;
  *) die "usage: static-launcher.sh build|bundle ..." ;;
esac
