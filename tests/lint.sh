#!/usr/bin/env bash
# Lints the container files: docker/compose.yaml and docker/compose.demo.yaml with dclint, docker/Dockerfile with
# dockerfile-utils (+ the project's own image rules in tests/lint/dockerfile-lint.cjs). Warnings fail too.
# Called by tests/run.sh as `bash tests/lint.sh RESULTS_DIR`; writes RESULTS_DIR/lint.passed and lint.failed (one
# check per file) and prints failures to stderr. Tools are installed once into tests/.tools (gitignored) with npm;
# after that it runs offline in a few seconds.
set -uo pipefail
cd "$(dirname "$0")/.."
results=${1:-TestResults}
mkdir -p "$results"
tools=tests/.tools
dclint_version=3.1.0
dockerfile_utils_version=0.16.3

log() { echo "[lint.sh] $*" >&2; }

installed_version() {
  node -p "require('./$tools/node_modules/$1/package.json').version" 2>/dev/null
}

passed=0
failed=0
record() { # record NAME STATUS OUTPUT
  if [ "$2" -eq 0 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    log "FAILED $1"
    printf '%s\n' "$3" | sed 's/^/    /' >&2
  fi
  printf '== %s (exit %s)\n%s\n' "$1" "$2" "$3" >>"$results/lint.log"
}
: >"$results/lint.log"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  log "node/npm missing: cannot lint the container files"
  echo 0 >"$results/lint.passed"; echo 3 >"$results/lint.failed"
  exit 1
fi

if [ "$(installed_version dclint)" != "$dclint_version" ] \
  || [ "$(installed_version dockerfile-utils)" != "$dockerfile_utils_version" ]; then
  log "installing dclint $dclint_version and dockerfile-utils $dockerfile_utils_version into $tools"
  mkdir -p "$tools"
  [ -f "$tools/package.json" ] || echo '{ "name": "pbs-pocket-id-wizard-lint-tools", "private": true }' >"$tools/package.json"
  if ! npm install --prefix "$tools" --no-audit --no-fund --save-exact \
      "dclint@$dclint_version" "dockerfile-utils@$dockerfile_utils_version" >"$results/lint-install.log" 2>&1; then
    log "npm install failed (see $results/lint-install.log)"
    echo 0 >"$results/lint.passed"; echo 3 >"$results/lint.failed"
    exit 1
  fi
fi

for compose in docker/compose.yaml docker/compose.demo.yaml; do
  out=$("$tools/node_modules/.bin/dclint" "$compose" --max-warnings 0 --no-color -f compact 2>&1)
  record "dclint $compose" $? "$out"
done

out=$(node tests/lint/dockerfile-lint.cjs "$(pwd)/$tools/node_modules" docker/Dockerfile 2>&1)
record "dockerfile-utils docker/Dockerfile" $? "$out"

echo "$passed" >"$results/lint.passed"
echo "$failed" >"$results/lint.failed"
log "$passed passed, $failed failed (details: $results/lint.log)"
[ "$failed" -eq 0 ]
