#!/usr/bin/env bash
# The package test (./dev test, so CI): every CMake package the configure step of BUILD_DIR loaded
# (the *_DIR entries of its CMakeCache.txt), the compiler, make and cmake must come from a Debian
# package that ./dev installs, directly or as a dependency of one. A machine that already has a
# package by chance (CI's, a developer's) otherwise hides a missing entry until a fresh machine
# fails at configure: Debian 12's qt6-charts-dev needs Qt6OpenGL's CMake files but does not depend
# on libqt6opengl6-dev.
#
# usage: check_debian_packages.sh BUILD_DIR SOURCE_DIR
# TELEMETRY_PACKAGES_WITHOUT=PKG drops PKG from ./dev's list: the test of this test, which must
# then see the check fail and name PKG.
# Exit 0: all covered; 1: something is not (each named with its package); 77: not a Debian system.
set -euo pipefail
BUILD=${1:?usage: check_debian_packages.sh BUILD_DIR SOURCE_DIR}
SOURCE=${2:?usage: check_debian_packages.sh BUILD_DIR SOURCE_DIR}
CACHE=$BUILD/CMakeCache.txt

if ! command -v dpkg >/dev/null || ! command -v apt-cache >/dev/null; then
    echo "SKIP: dpkg/apt-cache not found: not a Debian system" >&2
    exit 77
fi
[ -f "$CACHE" ] || { echo "no $CACHE: configure first" >&2; exit 1; }

mapfile -t listed < <("$SOURCE/dev" packages | grep -vxF -- "${TELEMETRY_PACKAGES_WITHOUT:-}")
[ ${#listed[@]} -gt 0 ] || { echo "./dev lists no packages" >&2; exit 1; }

# Everything installing the list brings: the packages and their dependencies, recursively (virtual
# packages appear as <name>; dpkg names real ones, so both spellings are kept).
declare -A covered=()
while read -r name; do
    name=${name#<}; name=${name%>}; name=${name%%:*}
    [ -n "$name" ] && covered[$name]=1
done < <(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
             --no-replaces --no-enhances "${listed[@]}" 2>/dev/null | grep -v '^ ')

# The files configure used: each package config file in a *_DIR the cache records, and the tools.
files=()
while IFS= read -r dir; do
    case "$dir" in
        *-NOTFOUND|"$BUILD"*|"$SOURCE"*|"") continue ;;
    esac
    for f in "$dir"/*Config.cmake "$dir"/*-config.cmake; do
        [ -f "$f" ] && files+=("$f")
    done
done < <(sed -n 's/^[A-Za-z0-9_]*_DIR:PATH=//p' "$CACHE")
for key in CMAKE_CXX_COMPILER CMAKE_MAKE_PROGRAM CMAKE_COMMAND; do
    tool=$(sed -n "s/^$key:[A-Z]*=//p" "$CACHE" | head -n1)
    [ -n "$tool" ] && files+=("$(readlink -f "$tool")")
done
[ ${#files[@]} -gt 0 ] || { echo "no package files recorded in $CACHE" >&2; exit 1; }

# One dpkg -S for all files (each call reads the whole file database). It answers
# "pkg[:arch][, pkg2...]: /path" per file; "diversion ..." lines are not owners.
declare -A owner_of=()
while IFS= read -r line; do
    case "$line" in diversion*) continue ;; esac
    owner_of[${line#*: }]=${line%%: *}
done < <(dpkg -S "${files[@]}" 2>/dev/null || true)

status=0
for f in "${files[@]}"; do
    owners=${owner_of[$f]:-}
    if [ -z "$owners" ]; then
        echo "NOT FROM A PACKAGE: $f (configure used it, but no Debian package owns it)"
        status=1
        continue
    fi
    ok=0 names=()
    for owner in ${owners//,/ }; do
        owner=${owner%%:*}
        names+=("$owner")
        [ -n "${covered[$owner]:-}" ] && ok=1
    done
    if [ $ok -eq 0 ]; then
        echo "MISSING PACKAGE: ${names[*]} (owns $f, which configure loaded) is not installed by" \
             "./dev: add it to PACKAGES in ./dev"
        status=1
    fi
done
if [ $status -eq 0 ]; then
    echo "OK: ${#files[@]} files configure used come from ${#listed[@]} listed packages and their dependencies"
fi
exit $status
