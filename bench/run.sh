#!/usr/bin/env bash
# Benchmarks for PbsPocketIdWizard, all measured side by side in one run on this machine (see docs/benchmarks.md).
#   bench/run.sh            # full run, about 6-9 minutes on 2 cores
#   RUNS=3 TABS=20 bench/run.sh   # quicker, noisier
# Results: bench/results/<timestamp>/ (gitignored): raw numbers (*.txt), results.md (the table for docs/benchmarks.md).
# Needs: .NET 10 SDK, node >= 20, /usr/bin/chromium (for the circuits), curl. Servers bind to 127.0.0.1 only.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
RUNS=${RUNS:-7}          # repetitions of each timed measurement
TABS=${TABS:-50}         # browser tabs (= Blazor circuits) for the memory-per-wizard measurement
stamp=$(date +%Y%m%d-%H%M%S)
out="$root/bench/results/$stamp"
work="$root/bench/results/work"
mkdir -p "$out" "$work"
lib="$root/bench/lib"
token=bench-access-token-0123456789abcdef
pids=()

log() { echo "[bench] $*" >&2; }
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
}
trap cleanup EXIT
stats() { node "$lib/stats.mjs"; }                       # stdin numbers -> "median min max q1 q3 n"
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
established() { ss -tnH state established "( sport = :$1 )" | wc -l; }
wait_http() { # URL [tries]: until it answers (any status)
  for _ in $(seq 1 "${2:-600}"); do
    curl -s -o /dev/null "$1" && return 0
    sleep 0.1
  done
  return 1
}

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
  echo "cpu: $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ //')"
  echo "dotnet: $(dotnet --version), node: $(node --version), chromium: $(/usr/bin/chromium --version 2>/dev/null || echo missing)"
  echo "commit: $(git rev-parse --short HEAD) $(git diff --quiet && echo clean || echo dirty)"
  echo "runs: $RUNS, tabs: $TABS"
  echo "load average at start: $(cut -d" " -f1-3 /proc/loadavg)"
} >"$out/environment.txt"
cat "$out/environment.txt" >&2

# ---- builds (not timed) ---------------------------------------------------------------------------------------------
wizard_dir=${WIZARD_PUBLISH_DIR:-$work/wizard}
if [ -z "${WIZARD_PUBLISH_DIR:-}" ]; then
  log "publishing the wizard (Release)"
  rm -rf "$wizard_dir"
  dotnet publish src/PbsPocketIdWizard.Web -c Release -o "$wizard_dir" -nologo -v q >"$out/publish-wizard.log" 2>&1 \
    || { log "publish failed: $out/publish-wizard.log"; exit 1; }
fi
wizard_dll="$wizard_dir/PbsPocketIdWizard.Web.dll"

bare_dir="$work/bare"
if [ ! -f "$bare_dir/pub/BareBlazor.dll" ]; then
  log "creating and publishing a bare 'dotnet new blazor' app for comparison"
  rm -rf "$bare_dir" && mkdir -p "$bare_dir/src"
  # Outside the repository, so this repo's Directory.Build.props and global.json do not apply to it.
  tmp_bare=$(mktemp -d)
  (cd "$tmp_bare" && dotnet new blazor -n BareBlazor -o . --no-https >/dev/null \
    && dotnet publish -c Release -o "$bare_dir/pub" -nologo -v q) >"$out/publish-bare.log" 2>&1 \
    || { log "bare app failed: $out/publish-bare.log"; exit 1; }
  rm -rf "$tmp_bare"
fi
bare_dll="$bare_dir/pub/BareBlazor.dll"

# Each server runs from its own published folder (static web assets are resolved there in Production).
run_wizard() { # PORT MODE DATA_DIR -> command line for coldstart.mjs / background start
  echo env Wizard__Mode="$2" Wizard__AccessToken="$token" Wizard__DataDirectory="$3" \
    Wizard__PublicHost=127.0.0.1 DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    dotnet "$wizard_dll" --urls "http://127.0.0.1:$1"
}
run_bare() { echo dotnet "$bare_dll" --urls "http://127.0.0.1:$1"; }
run_wizard_live() { rm -rf "$work/data-mem"; run_wizard "$1" Live "$work/data-mem"; }
run_wizard_demo() { rm -rf "$work/data-mem"; run_wizard "$1" Demo "$work/data-mem"; }

# ---- 1. cold start to the first page --------------------------------------------------------------------------------
log "cold start: $RUNS rounds, interleaved (wizard demo /health, wizard demo first page, wizard live first page, bare blazor /)"
: >"$out/cold-wizard-demo-health.txt"; : >"$out/cold-wizard-demo-page.txt"; : >"$out/cold-wizard-live-page.txt"; : >"$out/cold-bare.txt"
for i in $(seq 1 "$RUNS"); do
  port=$(free_port)
  d="$work/data-cold"; rm -rf "$d"
  (cd "$wizard_dir" && node "$lib/coldstart.mjs" "http://127.0.0.1:$port/health" 60000 -- $(run_wizard "$port" Demo "$d")) >>"$out/cold-wizard-demo-health.txt"
  rm -rf "$d"
  (cd "$wizard_dir" && node "$lib/coldstart.mjs" "http://127.0.0.1:$port/?token=$token" 60000 -- $(run_wizard "$port" Demo "$d")) >>"$out/cold-wizard-demo-page.txt"
  rm -rf "$d"
  (cd "$wizard_dir" && node "$lib/coldstart.mjs" "http://127.0.0.1:$port/?token=$token" 60000 -- $(run_wizard "$port" Live "$d")) >>"$out/cold-wizard-live-page.txt"
  (cd "$bare_dir/pub" && node "$lib/coldstart.mjs" "http://127.0.0.1:$port/" 60000 -- $(run_bare "$port")) >>"$out/cold-bare.txt"
done

# ---- 2. memory: idle RSS, and RSS per additional open wizard (Blazor circuit) ---------------------------------------
# Each tab of a headless Chromium opens the page and keeps its SignalR circuit; tabs are opened through the DevTools
# HTTP endpoint, so no browser automation package is needed.
measure_memory() { # NAME DIR URL_PATH START_CMD...
  local name=$1 dir=$2 path=$3; shift 3
  local port; port=$(free_port)
  local cmd; cmd=$("$@" "$port")
  (cd "$dir" && exec $cmd >"$out/mem-$name.log" 2>&1) &
  local pid=$!; pids+=("$pid")
  wait_http "http://127.0.0.1:$port/health" 300 || wait_http "http://127.0.0.1:$port/" 300
  local server_pid=$pid   # exec: env execs dotnet in place
  curl -s -o /dev/null -L -c /dev/null "http://127.0.0.1:$port$path"
  sleep 5
  local idle; idle=$(rss_kib "$server_pid")
  local dt_port; dt_port=$(free_port)
  local profile; profile=$(mktemp -d)
  /usr/bin/chromium --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
    --remote-debugging-port="$dt_port" --user-data-dir="$profile" about:blank >"$out/chromium-$name.log" 2>&1 &
  local cpid=$!; pids+=("$cpid")
  wait_http "http://127.0.0.1:$dt_port/json/version" 300
  local before; before=$(established "$port")
  node "$lib/cdp-tabs.mjs" "$dt_port" "http://127.0.0.1:$port$path" 1 >/dev/null
  for _ in $(seq 1 100); do [ "$(established "$port")" -gt "$before" ] && break; sleep 0.2; done
  sleep 3
  local one; one=$(rss_kib "$server_pid")
  node "$lib/cdp-tabs.mjs" "$dt_port" "http://127.0.0.1:$port$path" $((TABS - 1)) >/dev/null
  for _ in $(seq 1 300); do [ "$(established "$port")" -ge $((before + TABS)) ] && break; sleep 0.2; done
  sleep 10
  local circuits; circuits=$(( $(established "$port") - before ))
  local many; many=$(rss_kib "$server_pid")
  kill "$cpid" 2>/dev/null; wait "$cpid" 2>/dev/null; rm -rf "$profile"
  kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null
  echo "$name idle_kib=$idle one_kib=$one many_kib=$many tabs=$TABS connections=$circuits" | tee -a "$out/memory.txt" >&2
}
: >"$out/memory.txt"
if [ -x /usr/bin/chromium ]; then
  log "memory: idle RSS and RSS with $TABS open wizards (circuits)"
  measure_memory wizard-live "$wizard_dir" "/?token=$token" run_wizard_live
  measure_memory wizard-demo "$wizard_dir" "/?token=$token" run_wizard_demo
  measure_memory bare "$bare_dir/pub" "/counter" run_bare
else
  log "no /usr/bin/chromium: memory per circuit skipped"
fi

# ---- report ---------------------------------------------------------------------------------------------------------
row() { # LABEL FILE UNIT -> "| label | median | min–max | IQR | n |"
  read -r med min max q1 q3 n < <(stats <"$2")
  echo "| $1 | $med $3 | $min–$max | $q1–$q3 | $n |"
}
median_of() { stats <"$1" | awk '{print $1}'; }
ratio() { node -e "const [a,b]=process.argv.slice(1).map(Number); console.log(Number.isFinite(a/b)&&b>0 ? (a/b).toFixed(2)+'×' : 'n/a')" "$1" "$2"; }
kib_mib() { node -e "console.log((Number(process.argv[1])/1024).toFixed(1))" "$1"; }

echo "load average at end: $(cut -d" " -f1-3 /proc/loadavg)" >>"$out/environment.txt"
{
  echo "## Results $stamp"
  echo
  echo '```'
  cat "$out/environment.txt"
  echo '```'
  echo
  echo "### Cold start to the first page (ms from process start to the first 200)"
  echo
  echo "| what | median | min–max | IQR | runs |"
  echo "| --- | --- | --- | --- | --- |"
  row "wizard, demo mode (simulators start too), \`/health\`" "$out/cold-wizard-demo-health.txt" ms
  row "wizard, demo mode, first page via the token link" "$out/cold-wizard-demo-page.txt" ms
  row "wizard, live mode, first page via the token link" "$out/cold-wizard-live-page.txt" ms
  row "bare \`dotnet new blazor\`, \`/\`" "$out/cold-bare.txt" ms
  echo
  b=$(median_of "$out/cold-bare.txt")
  echo "Ratios of medians to the bare app: demo \`/health\` $(ratio "$(median_of "$out/cold-wizard-demo-health.txt")" "$b"),"\
    "demo first page $(ratio "$(median_of "$out/cold-wizard-demo-page.txt")" "$b"),"\
    "live first page $(ratio "$(median_of "$out/cold-wizard-live-page.txt")" "$b")."
  echo
  if [ -s "$out/memory.txt" ]; then
    echo "### Memory (RSS of the server process)"
    echo
    echo "| app | idle after first page | with 1 open circuit | with $TABS open circuits | per additional circuit | open TCP connections (circuits + keep-alive) |"
    echo "| --- | --- | --- | --- | --- | --- |"
    while read -r name idle one many tabs conns; do
      idle=${idle#idle_kib=}; one=${one#one_kib=}; many=${many#many_kib=}; tabs=${tabs#tabs=}; conns=${conns#connections=}
      per=$(node -e "console.log(((Number(process.argv[2])-Number(process.argv[1]))/(Number(process.argv[3])-1)/1024).toFixed(2))" "$one" "$many" "$tabs")
      echo "| $name | $(kib_mib "$idle") MiB | $(kib_mib "$one") MiB | $(kib_mib "$many") MiB | $per MiB | $conns |"
    done <"$out/memory.txt"
    echo
  fi
} >"$out/results.md"

for f in "$out"/results-*.md; do [ -f "$f" ] && cat "$f" >>"$out/results.md"; done
cat "$out/results.md"
log "results in $out"
