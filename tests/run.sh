#!/usr/bin/env bash
# The one test command (README): installs what a fresh machine lacks, builds, runs every test project,
# and ends with one line "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
results="$root/TestResults"
rm -rf "$results" && mkdir -p "$results"

log() { echo "[run.sh] $*" >&2; }

# --- set-up a fresh machine lacks -------------------------------------------------------------
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    log "installing Debian's chromium for the end-to-end tests"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core) >"$results/apt.log" 2>&1 \
      || log "chromium install failed (see TestResults/apt.log); browser tests will fail"
  else
    log "no /usr/bin/chromium and not root: browser tests will fail"
  fi
fi

if [ -f tests/lint.sh ]; then
  bash tests/lint.sh "$results" || true
fi

# --- build once, then every test project ------------------------------------------------------
log "building"
if ! dotnet build PbsPocketIdWizard.sln -c Release -nologo -v quiet >"$results/build.log" 2>&1; then
  grep -E "error|Error" "$results/build.log" | head -40 >&2
  echo "0 passed, 1 failed"
  exit 1
fi

for project in tests/*.Tests/*.csproj; do
  name=$(basename "$project" .csproj)
  log "testing $name"
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" >"$results/$name.log" 2>&1
  grep -E "^\s*(Failed|Skipped) |Passed!|Failed!|error" "$results/$name.log" | head -60 >&2
done

# --- independent probe of the `simulators` command (tests/probe/README.md) --------------------
if command -v node >/dev/null; then
  log "probing the simulators command"
  RESULTS="$results" node tests/probe/probe.mjs src/PbsPocketIdWizard.Web/bin/Release/net10.0/PbsPocketIdWizard.Web.dll \
    >"$results/probe.log" 2>&1
  grep -E "^FAIL|^probe:" "$results/probe.log" | head -60 >&2
else
  log "no node on PATH: the probe cannot run"
fi

# --- the container image, built and run for real (tests/container.sh; needs root, installs Docker) ----------
log "building and running the container image"
bash tests/container.sh "$results" || true

# --- count ------------------------------------------------------------------------------------
passed=0; failed=0; skipped=0
for project in tests/*.Tests/*.csproj; do
  name=$(basename "$project" .csproj)
  trx="$results/$name.trx"
  if [ ! -f "$trx" ]; then
    log "$name produced no results"
    failed=$((failed + 1))
    continue
  fi
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  p=$(get passed); f=$(get failed); t=$(get total); e=$(get executed)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  skipped=$((skipped + ${t:-0} - ${e:-0}))
done
# Scripts that count their own checks write RESULTS/NAME.passed and NAME.failed; a required one that wrote nothing
# counts as one failure.
add_counts() { # add_counts NAME required|optional
  if [ -f "$results/$1.failed" ]; then
    failed=$((failed + $(cat "$results/$1.failed")))
  elif [ "$2" = required ]; then
    log "$1 produced no results"
    failed=$((failed + 1))
  fi
  if [ -f "$results/$1.passed" ]; then
    passed=$((passed + $(cat "$results/$1.passed")))
  fi
}
add_counts lint optional
add_counts probe required
add_counts container required

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
