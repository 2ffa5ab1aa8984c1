#!/usr/bin/env bash
# usage: tests/lint/run_lint.sh SOURCE_DIR BUILD_DIR   (what `./dev lint` runs; CI runs it too)
# 1. clang-format: every C++ file changed since FORMAT_BASE matches .clang-format (prints the
#    files that do not; fix with: clang-format -i FILE). Files untouched since then predate the
#    check and are formatted when they are next changed, not in one tree-wide rewrite.
# 2. clang-tidy: the checks of .clang-tidy on every source of logger/, app/ and ui/, with the
#    compile commands of BUILD_DIR (configured here if needed), two files at a time.
set -euo pipefail
src=$1
build=$2
cd "$src"
status=0

FORMAT_BASE=fcc7d85 # the last commit before the lint existed
if git cat-file -e "$FORMAT_BASE^{commit}" 2>/dev/null; then
    mapfile -t files < <(git diff --name-only --diff-filter=d "$FORMAT_BASE" -- '*.cpp' '*.hpp' '*.h')
else # a shallow clone without that commit: check everything
    mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h')
fi
unformatted=()
for f in "${files[@]}"; do
    clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || unformatted+=("$f")
done
if [ ${#unformatted[@]} -gt 0 ]; then
    echo "clang-format: ${#unformatted[@]} file(s) differ from .clang-format (clang-format -i FILE):"
    printf '  %s\n' "${unformatted[@]}"
    status=1
else
    echo "clang-format: ${#files[@]} files match"
fi

[ -f "$build/compile_commands.json" ] || cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
# Generated headers (moc, version.hpp) must exist for the sources to parse.
cmake --build "$build" --parallel "$(nproc)" --target viewer_ui telemetry_logger >/dev/null
mapfile -t sources < <(git ls-files 'logger/src/*.cpp' 'logger/examples/*.cpp' 'app/*.cpp' 'ui/*.cpp')
# -std=gnu++17 first: the logger's targets ask for C++17 by compile feature, which g++ meets by
# default so CMake writes no -std flag, while clang-tidy's own default is C++14. A later -std in a
# compile command (the viewer's C++20) still wins.
log=$build/clang-tidy.log
: >"$log"
if ! printf '%s\n' "${sources[@]}" \
    | xargs -P "$(nproc)" -n 1 clang-tidy -p "$build" --quiet --extra-arg-before=-std=gnu++17 >>"$log" 2>/dev/null; then
    grep -E "(warning|error): " "$log" | sort -u
    echo "clang-tidy: findings above (full output: $log)"
    status=1
else
    echo "clang-tidy: ${#sources[@]} sources clean"
fi
exit $status
