#!/usr/bin/env bash
# Run pytest-asyncio 0.21.2's and 1.5.0's own test suites against this checkout.
#
# Downloads each sdist from the package index, builds a scratch venv outside
# the repository (0.21.2 on pytest 8.4.*, 1.5.0 on pytest 9.2.*), installs this
# checkout into it, and runs the sdist's tests/ directory with the sdist's own
# pytest configuration, from a directory that holds no copy of their package.
# Prints per suite the counts and the ids of the tests that did not pass.
#
# Usage: compat/run_upstream.sh [--suite 0.21|1.5|all] [--dir DIR] [--python PY]
#                               [--timeout SECONDS] [-k EXPR]
set -euo pipefail

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
    cat <<'HELP'
Options:
  --suite S      0.21, 1.5 or all (default: all)
  --dir DIR      scratch directory (default: ${TMPDIR:-/tmp}/pytest-asyncio-upstream);
                 venvs there are reused, this checkout is reinstalled each run
  --python PY    interpreter for the venvs (default: python3)
  --timeout N    seconds before a suite's run is stopped (default: 1800)
  -k EXPR        passed to pytest's -k
HELP
}

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
SUITES="all"
SCRATCH="${TMPDIR:-/tmp}/pytest-asyncio-upstream"
PYTHON="python3"
TIMEOUT=1800
KEXPR=""

while [ $# -gt 0 ]; do
    case "$1" in
        --suite) SUITES="$2"; shift 2 ;;
        --dir) SCRATCH="$2"; shift 2 ;;
        --python) PYTHON="$2"; shift 2 ;;
        --timeout) TIMEOUT="$2"; shift 2 ;;
        -k) KEXPR="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

case "$SUITES" in
    all) SUITES="0.21 1.5" ;;
    0.21|1.5) ;;
    *) echo "--suite must be 0.21, 1.5 or all, not $SUITES" >&2; exit 2 ;;
esac

case "$(realpath -m "$SCRATCH")/" in
    "$REPO"/*) echo "--dir must lie outside the repository ($REPO)" >&2; exit 2 ;;
esac

# suite -> "upstream version|pytest requirement|extra test requirements"
suite_spec() {
    case "$1" in
        0.21) echo "0.21.2|pytest==8.4.*|hypothesis flaky pytest-trio" ;;
        1.5) echo "1.5.0|pytest==9.2.*|hypothesis" ;;
    esac
}

log() { printf '== %s\n' "$*" >&2; }

build_wheel() {  # builds this checkout's wheel from a copy, so the repository stays clean
    local src="$SCRATCH/src" wheels="$SCRATCH/wheel"
    rm -rf "$src" "$wheels"
    mkdir -p "$src" "$wheels"
    # Tracked and new files, as they are in the work tree; nothing ignored.
    (
        cd "$REPO"
        git ls-files -z --cached --others --exclude-standard |
            while IFS= read -r -d '' file; do
                if [ -f "$file" ]; then printf '%s\0' "$file"; fi
            done | tar --null -T - -cf -
    ) | tar -xf - -C "$src"
    log "building this checkout's wheel"
    "$PYTHON" -m pip wheel -q --no-deps -w "$wheels" "$src" >&2
    WHEEL="$(ls "$wheels"/pytest_asyncio-*.whl)"
}

prepare_venv() {  # $1 venv dir, $2 pytest requirement, $3 extra requirements
    local venv="$1"
    if [ ! -x "$venv/bin/python" ]; then
        log "creating $venv"
        "$PYTHON" -m venv "$venv"
    fi
    log "installing $2 $3 and $(basename "$WHEEL")"
    # shellcheck disable=SC2086  # the extras are a word list on purpose
    "$venv/bin/python" -m pip install -q "$2" $3 "$WHEEL" >&2
    # The same version number may already be there from an earlier run.
    "$venv/bin/python" -m pip install -q --no-deps --force-reinstall "$WHEEL" >&2
}

fetch_sdist() {  # $1 version, $2 scratch dir; prints the unpacked sdist's path
    local version="$1" dir="$2"
    local unpacked="$dir/sdist/pytest_asyncio-$version"
    if [ ! -d "$unpacked" ]; then
        mkdir -p "$dir/sdist"
        log "downloading the pytest-asyncio $version sdist"
        "$PYTHON" -m pip download -q --no-deps --no-binary :all: \
            -d "$dir/sdist" "pytest-asyncio==$version" >&2
        tar -xzf "$dir/sdist/pytest_asyncio-$version.tar.gz" -C "$dir/sdist"
    fi
    echo "$unpacked"
}

stage_tests() {  # $1 unpacked sdist, $2 run dir: their tests/ and pytest config only
    local sdist="$1" run="$2"
    rm -rf "$run"
    mkdir -p "$run"
    cp -r "$sdist/tests" "$run/tests"
    # Their [tool:pytest] / [tool.pytest.ini_options] section decides the mode,
    # filterwarnings and addopts; the rest of these files is inert here.
    for config in setup.cfg pyproject.toml tox.ini pytest.ini; do
        if [ -f "$sdist/$config" ]; then cp "$sdist/$config" "$run/"; fi
    done
}

run_suite() {  # $1 suite name
    local spec version pytest_req extras venv run sdist status
    spec="$(suite_spec "$1")"
    IFS='|' read -r version pytest_req extras <<<"$spec"
    venv="$SCRATCH/venv-$version"
    run="$SCRATCH/run-$version"
    sdist="$(fetch_sdist "$version" "$SCRATCH")"
    prepare_venv "$venv" "$pytest_req" "$extras"
    stage_tests "$sdist" "$run"
    local args=(-p no:cacheprovider -rfEs --tb=short -o console_output_style=classic tests)
    if [ -n "$KEXPR" ]; then args+=(-k "$KEXPR"); fi
    log "running pytest-asyncio $version's tests in $run"
    status=0
    (cd "$run" && timeout "$TIMEOUT" "$venv/bin/python" -m pytest "${args[@]}") \
        >"$run/output.txt" 2>&1 || status=$?
    "$venv/bin/python" "$HERE/summarize.py" --suite "$version" --status "$status" \
        "$run/output.txt"
}

mkdir -p "$SCRATCH"
SCRATCH="$(cd "$SCRATCH" && pwd)"
build_wheel
for suite in $SUITES; do
    run_suite "$suite"
done
