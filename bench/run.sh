#!/usr/bin/env bash
# Benchmarks for PbsPocketIdWizard, all measured side by side in one run on this machine (see docs/benchmarks.md).
#   bench/run.sh            # full run, about 6-9 minutes on 2 cores
#   RUNS=3 TABS=20 bench/run.sh   # quicker, noisier
#   BEFORE_REF=<commit> bench/run.sh   # adds that commit's wizard (published the same way) to the cold-start rounds
#   SECTIONS=cold,memory,apply,pause,sequence,clicks (default: all); PAUSE_POINTS="2 30 300" (seconds into the pause)
# Results: bench/results/<timestamp>/ (gitignored): raw numbers (*.txt), results.md (the table for docs/benchmarks.md).
# Needs: .NET 10 SDK, node >= 20, /usr/bin/chromium (for the circuits), curl. Servers bind to 127.0.0.1 only.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
RUNS=${RUNS:-7}          # repetitions of each timed measurement
TABS=${TABS:-50}         # browser tabs (= Blazor circuits) for the memory-per-wizard measurement
HOLD=${HOLD:-60}         # seconds the scripted sign-in waits at the pause while the CLI's requests are counted
PAUSE_POINTS=${PAUSE_POINTS:-2 30 300}  # seconds into the pause at which the web wizard's detection is timed (real waits)
BEFORE_REF=${BEFORE_REF:-}              # a commit whose wizard joins the cold-start rounds as "before"
SECTIONS=${SECTIONS:-cold,memory,apply,pause,sequence,clicks}
section() { [[ ",$SECTIONS," == *",$1,"* ]]; }
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
  echo "runs: $RUNS, tabs: $TABS, hold: $HOLD s, pause points: $PAUSE_POINTS s, before: ${BEFORE_REF:-none}, sections: $SECTIONS"
  echo "load average at start: $(cut -d" " -f1-3 /proc/loadavg)"
} >"$out/environment.txt"
cat "$out/environment.txt" >&2

# ---- builds (not timed) ---------------------------------------------------------------------------------------------
# Both apps are published the same way: Release, for this machine's runtime, framework-dependent, ReadyToRun (the
# wizard's project turns ReadyToRun on for any runtime publish, as its container image is built; the bare app gets it
# on the command line).
rid="linux-$(uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/')"
publish_flags=(-c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -nologo -v q)
wizard_dir=${WIZARD_PUBLISH_DIR:-$work/wizard}
if [ -z "${WIZARD_PUBLISH_DIR:-}" ]; then
  log "publishing the wizard (Release, $rid, ReadyToRun)"
  rm -rf "$wizard_dir"
  dotnet publish src/PbsPocketIdWizard.Web "${publish_flags[@]}" -o "$wizard_dir" >"$out/publish-wizard.log" 2>&1 \
    || { log "publish failed: $out/publish-wizard.log"; exit 1; }
fi
before_dir=""
if [ -n "$BEFORE_REF" ]; then
  before_dir="$work/wizard-before"
  log "publishing the wizard of $BEFORE_REF the same way (the 'before' column)"
  rm -rf "$before_dir" "$work/before-src" && mkdir -p "$work/before-src"
  git archive "$BEFORE_REF" | tar -x -C "$work/before-src"
  (cd "$work/before-src" && dotnet publish src/PbsPocketIdWizard.Web "${publish_flags[@]}" -o "$before_dir") >"$out/publish-before.log" 2>&1 \
    || { log "publish of $BEFORE_REF failed: $out/publish-before.log"; exit 1; }
fi
wizard_dll="$wizard_dir/PbsPocketIdWizard.Web.dll"

bare_dir="$work/bare"
if [ ! -f "$bare_dir/pub/BareBlazor.dll" ] || [ "$(cat "$bare_dir/flags" 2>/dev/null)" != "${publish_flags[*]}" ]; then
  log "creating and publishing a bare 'dotnet new blazor' app for comparison"
  rm -rf "$bare_dir" && mkdir -p "$bare_dir/src"
  # Outside the repository, so this repo's Directory.Build.props and global.json do not apply to it.
  tmp_bare=$(mktemp -d)
  (cd "$tmp_bare" && dotnet new blazor -n BareBlazor -o . --no-https >/dev/null \
    && dotnet publish "${publish_flags[@]}" -o "$bare_dir/pub") >"$out/publish-bare.log" 2>&1 \
    || { log "bare app failed: $out/publish-bare.log"; exit 1; }
  echo "${publish_flags[*]}" >"$bare_dir/flags"
  rm -rf "$tmp_bare"
fi
bare_dll="$bare_dir/pub/BareBlazor.dll"

# Each server runs from its own published folder (static web assets are resolved there in Production).
run_wizard() { # PORT MODE DATA_DIR [PUBLISH_DIR] -> command line for coldstart.mjs / background start
  echo env Wizard__Mode="$2" Wizard__AccessToken="$token" Wizard__DataDirectory="$3" \
    Wizard__PublicHost=127.0.0.1 DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    dotnet "${4:-$wizard_dir}/PbsPocketIdWizard.Web.dll" --urls "http://127.0.0.1:$1"
}
run_bare() { echo dotnet "$bare_dll" --urls "http://127.0.0.1:$1"; }
run_wizard_live() { rm -rf "$work/data-mem"; run_wizard "$1" Live "$work/data-mem"; }
run_wizard_demo() { rm -rf "$work/data-mem"; run_wizard "$1" Demo "$work/data-mem"; }

# ---- 1. cold start to the first page --------------------------------------------------------------------------------
section cold && log "cold start: $RUNS rounds, interleaved (wizard demo /health, wizard demo first page, wizard live first page, bare blazor /)"
: >"$out/cold-wizard-demo-health.txt"; : >"$out/cold-wizard-demo-page.txt"; : >"$out/cold-wizard-live-page.txt"; : >"$out/cold-bare.txt"
: >"$out/cold-before-demo-page.txt"; : >"$out/cold-before-live-page.txt"
for i in $(seq 1 "$RUNS"); do
  section cold || break
  port=$(free_port)
  d="$work/data-cold"; rm -rf "$d"
  (cd "$wizard_dir" && node "$lib/coldstart.mjs" "http://127.0.0.1:$port/health" 60000 -- $(run_wizard "$port" Demo "$d")) >>"$out/cold-wizard-demo-health.txt"
  rm -rf "$d"
  (cd "$wizard_dir" && node "$lib/coldstart.mjs" "http://127.0.0.1:$port/?token=$token" 60000 -- $(run_wizard "$port" Demo "$d")) >>"$out/cold-wizard-demo-page.txt"
  rm -rf "$d"
  (cd "$wizard_dir" && node "$lib/coldstart.mjs" "http://127.0.0.1:$port/?token=$token" 60000 -- $(run_wizard "$port" Live "$d")) >>"$out/cold-wizard-live-page.txt"
  (cd "$bare_dir/pub" && node "$lib/coldstart.mjs" "http://127.0.0.1:$port/" 60000 -- $(run_bare "$port")) >>"$out/cold-bare.txt"
  if [ -n "$before_dir" ]; then
    rm -rf "$d"
    (cd "$before_dir" && node "$lib/coldstart.mjs" "http://127.0.0.1:$port/?token=$token" 60000 -- $(run_wizard "$port" Demo "$d" "$before_dir")) >>"$out/cold-before-demo-page.txt"
    rm -rf "$d"
    (cd "$before_dir" && node "$lib/coldstart.mjs" "http://127.0.0.1:$port/?token=$token" 60000 -- $(run_wizard "$port" Live "$d" "$before_dir")) >>"$out/cold-before-live-page.txt"
  fi
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
if ! section memory; then
  :
elif [ -x /usr/bin/chromium ]; then
  log "memory: idle RSS and RSS with $TABS open wizards (circuits)"
  measure_memory wizard-live "$wizard_dir" "/?token=$token" run_wizard_live
  measure_memory wizard-demo "$wizard_dir" "/?token=$token" run_wizard_demo
  measure_memory bare "$bare_dir/pub" "/counter" run_bare
else
  log "no /usr/bin/chromium: memory per circuit skipped"
fi

# ---- 3. automated apply against the standalone simulators, vs a bare curl script ------------------------------------
# The CLI's `apply` runs the whole setup; the first sign-in (the human part) is scripted by apply-round.mjs as soon as
# the CLI asks for it, and its duration is subtracted. The bare script (lib/bare-setup.sh) sends only the minimum
# requests for the same end state (7: discovery, client, secret, PBS ticket, realm, pre-created user, ACL).
if section apply || section pause; then
sim_pbs_port=$(free_port); sim_pid_port=$(free_port)
sim_pw=bench-root-password; sim_key=bench-pocket-id-api-key-0123456789
(cd "$wizard_dir" && exec dotnet PbsPocketIdWizard.Web.dll simulators --pbs-port "$sim_pbs_port" --pocket-id-port "$sim_pid_port" \
  --pbs-root-password "$sim_pw" --pocket-id-api-key "$sim_key" >"$out/simulators.log" 2>&1) &
sims=$!; pids+=("$sims")
pbs_url="https://127.0.0.1:$sim_pbs_port"; pid_url="http://127.0.0.1:$sim_pid_port"
for _ in $(seq 1 300); do grep -q "Press Ctrl+C" "$out/simulators.log" 2>/dev/null && break; sleep 0.1; done
pem="$work/pbs-simulator.pem"
openssl s_client -connect "127.0.0.1:$sim_pbs_port" </dev/null 2>/dev/null | openssl x509 >"$pem"
fingerprint=$(openssl x509 -in "$pem" -noout -fingerprint -sha256 | sed 's/.*=//' | tr 'A-F' 'a-f')
answers="$work/answers.json"
cat >"$answers" <<JSON
{ "pocketId": { "url": "$pid_url", "apiKey": "$sim_key" },
  "pbs": { "url": "$pbs_url", "username": "root@pam", "password": "$sim_pw", "fingerprint": "$fingerprint" },
  "realm": { "name": "PocketID" },
  "permissions": [ { "user": "alice", "path": "/", "role": "Admin" } ] }
JSON
reset_sims() {
  curl -sf -X POST "$pid_url/_sim/reset" >/dev/null
  curl -sf --cacert "$pem" -X POST "$pbs_url/_sim/reset" >/dev/null
}
sim_requests() { # count of both simulators' logged requests
  echo $(( $(curl -sf "$pid_url/_sim/requests" | node -e 'let d="";process.stdin.on("data",c=>d+=c).on("end",()=>console.log(JSON.parse(d).length))') \
    + $(curl -sf --cacert "$pem" "$pbs_url/_sim/requests" | node -e 'let d="";process.stdin.on("data",c=>d+=c).on("end",()=>console.log(JSON.parse(d).length))') ))
}
field() { node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); const v=process.argv[2].split(".").reduce((o,k)=>o?.[k],r); console.log(v ?? "")' "$1" "$2"; }

if section apply; then
log "apply: $RUNS rounds, interleaved (wizard CLI apply, bare curl script, CLI process start)"
: >"$out/apply-wizard-ms.txt"; : >"$out/apply-bare-ms.txt"; : >"$out/apply-wizard-requests.txt"; : >"$out/apply-bare-requests.txt"
: >"$out/signin-detection-ms.txt"; : >"$out/cli-start-ms.txt"; : >"$out/apply-wizard-nopause-ms.txt"; : >"$out/grace-ms.txt"
for i in $(seq 1 "$RUNS"); do
  reset_sims
  d="$work/data-apply"; rm -rf "$d"
  NODE_EXTRA_CA_CERTS="$pem" node "$lib/apply-round.mjs" "$wizard_dll" "$answers" "$d" "$pbs_url" "$pid_url" PocketID alice 0 \
    >"$out/apply-round-$i.json" 2>"$out/apply-round-$i.err"
  if [ "$(field "$out/apply-round-$i.json" exitCode)" = "0" ]; then
    field "$out/apply-round-$i.json" applyMsExcludingSignIn >>"$out/apply-wizard-ms.txt"
    field "$out/apply-round-$i.json" wizardRequests >>"$out/apply-wizard-requests.txt"
    field "$out/apply-round-$i.json" detectionMs >>"$out/signin-detection-ms.txt"
    field "$out/apply-round-$i.json" applyMsExcludingPause >>"$out/apply-wizard-nopause-ms.txt"
    field "$out/apply-round-$i.json" graceMs >>"$out/grace-ms.txt"
  else
    log "apply round $i failed (exit $(field "$out/apply-round-$i.json" exitCode)); see $out/apply-round-$i.json"
  fi
  reset_sims
  start=$(date +%s%N)
  if bash "$lib/bare-setup.sh" "$pid_url" "$pbs_url" "$pem" "$sim_key" "$sim_pw" PocketID alice 2>>"$out/bare.err"; then
    echo $(( ($(date +%s%N) - start) / 1000000 )) >>"$out/apply-bare-ms.txt"
    sim_requests >>"$out/apply-bare-requests.txt"
  else
    log "bare round $i failed; see $out/bare.err"
  fi
  start=$(date +%s%N)
  (cd "$wizard_dir" && dotnet PbsPocketIdWizard.Web.dll --help >/dev/null)
  echo $(( ($(date +%s%N) - start) / 1000000 )) >>"$out/cli-start-ms.txt"
done

log "waiting for the sign-in: one apply held $HOLD s at the pause, counting the CLI's requests to PBS"
reset_sims; rm -rf "$work/data-hold"
NODE_EXTRA_CA_CERTS="$pem" node "$lib/apply-round.mjs" "$wizard_dll" "$answers" "$work/data-hold" "$pbs_url" "$pid_url" PocketID alice "$HOLD" \
  >"$out/apply-hold.json" 2>"$out/apply-hold.err"
field "$out/apply-hold.json" detectionMs >>"$out/signin-detection-ms.txt"
fi

# The web wizard at the same pause: the CLI stops at the wait (Ctrl+C keeps the run), the web wizard (live mode, same
# data directory) resumes it in a headless Chromium tab and watches PBS; the sign-in comes PAUSE_POINTS seconds into
# the pause (real waiting, one run each), and the page's text is polled every 20 ms until the new user shows.
: >"$out/web-signin.txt"
if section pause && [ -x /usr/bin/chromium ]; then
  dt_port=$(free_port); profile=$(mktemp -d)
  /usr/bin/chromium --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
    --remote-debugging-port="$dt_port" --user-data-dir="$profile" about:blank >"$out/chromium-web-signin.log" 2>&1 &
  cpid=$!; pids+=("$cpid")
  wait_http "http://127.0.0.1:$dt_port/json/version" 300
  for hold in $PAUSE_POINTS; do
    log "web wizard at the pause: sign-in after $hold s"
    reset_sims; rm -rf "$work/data-web" "$work/data-web.web.log"
    NODE_EXTRA_CA_CERTS="$pem" node --experimental-websocket --no-warnings "$lib/web-signin.mjs" "$wizard_dll" "$answers" "$work/data-web" \
      "$pbs_url" "$pid_url" PocketID alice "$hold" "$(free_port)" "$dt_port" "$token" >>"$out/web-signin.txt" 2>>"$out/web-signin.err"
  done
  kill "$cpid" 2>/dev/null; wait "$cpid" 2>/dev/null; rm -rf "$profile"
fi
kill "$sims" 2>/dev/null; wait "$sims" 2>/dev/null
fi

# ---- 4. requests per sequence, and clicks: the tests that assert them, run here for their numbers ------------------
# RequestBudgetTests runs plan -> apply (with a sign-in) -> apply -> plan -> undo through the CLI and the bare script
# (lib/bare-sequence.sh) against two pairs of simulators and prints the counts; the E2E happy path prints its clicks.
: >"$out/sequence.txt"; : >"$out/clicks.txt"
if section sequence; then
  log "requests per sequence (RequestBudgetTests)"
  dotnet test tests/PbsPocketIdWizard.Web.Tests -c Release -nologo --filter "FullyQualifiedName~RequestBudgetTests" \
    --logger "console;verbosity=detailed" >"$out/sequence.log" 2>&1 || log "RequestBudgetTests failed; see $out/sequence.log"
  grep -E "^\s*(wizard|bare)(, [a-z ]+: [0-9]+| [0-9]+ / bare [0-9]+)" "$out/sequence.log" | sed 's/^\s*//' >"$out/sequence.txt"
fi
if section clicks; then
  log "clicks (E2E happy path)"
  dotnet test tests/PbsPocketIdWizard.E2E.Tests -c Release -nologo --filter "FullyQualifiedName~WizardHappyPathTests.AllSteps" \
    --logger "console;verbosity=detailed" >"$out/clicks.log" 2>&1 || log "the E2E happy path failed; see $out/clicks.log"
  grep -oE "clicks in the wizard: [0-9]+" "$out/clicks.log" | head -1 >"$out/clicks.txt"
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
  if [ -s "$out/cold-bare.txt" ]; then
  echo "### Cold start to the first page (ms from process start to the first 200)"
  echo
  echo "| what | median | min–max | IQR | runs |"
  echo "| --- | --- | --- | --- | --- |"
  row "wizard, demo mode (simulators start too), \`/health\`" "$out/cold-wizard-demo-health.txt" ms
  row "wizard, demo mode, first page via the token link" "$out/cold-wizard-demo-page.txt" ms
  row "wizard, live mode, first page via the token link" "$out/cold-wizard-live-page.txt" ms
  row "bare \`dotnet new blazor\`, \`/\`" "$out/cold-bare.txt" ms
  if [ -s "$out/cold-before-live-page.txt" ]; then
    row "before ($BEFORE_REF), demo mode, first page via the token link" "$out/cold-before-demo-page.txt" ms
    row "before ($BEFORE_REF), live mode, first page via the token link" "$out/cold-before-live-page.txt" ms
  fi
  echo
  b=$(median_of "$out/cold-bare.txt")
  if [ -s "$out/cold-before-live-page.txt" ]; then
    echo "Before ($BEFORE_REF) to the bare app: demo first page $(ratio "$(median_of "$out/cold-before-demo-page.txt")" "$b"),"\
      "live first page $(ratio "$(median_of "$out/cold-before-live-page.txt")" "$b")."
  fi
  echo "Ratios of medians to the bare app: demo \`/health\` $(ratio "$(median_of "$out/cold-wizard-demo-health.txt")" "$b"),"\
    "demo first page $(ratio "$(median_of "$out/cold-wizard-demo-page.txt")" "$b"),"\
    "live first page $(ratio "$(median_of "$out/cold-wizard-live-page.txt")" "$b")."
  echo
  fi
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

  if [ -s "$out/apply-wizard-ms.txt" ]; then
    echo "### Automated apply against the standalone simulators"
    echo
    echo "| what | median | min–max | IQR | runs |"
    echo "| --- | --- | --- | --- | --- |"
    row "wizard CLI \`apply\`, whole process, minus the scripted sign-in itself" "$out/apply-wizard-ms.txt" ms
    row "wizard CLI \`apply\`, minus the whole pause (step 5 start → new user shown)" "$out/apply-wizard-nopause-ms.txt" ms
    row "bare script: 7 \`curl\` calls (\`bench/lib/bare-setup.sh\`)" "$out/apply-bare-ms.txt" ms
    row "CLI process start alone (\`--help\`), for reference" "$out/cli-start-ms.txt" ms
    row "requests the wizard sent (both simulators, sign-in and PBS's own calls to Pocket ID excluded)" "$out/apply-wizard-requests.txt" ""
    row "requests the bare script sent" "$out/apply-bare-requests.txt" ""
    echo
    echo "Ratios of medians: wizard / bare time $(ratio "$(median_of "$out/apply-wizard-ms.txt")" "$(median_of "$out/apply-bare-ms.txt")")"\
      "(without the pause $(ratio "$(median_of "$out/apply-wizard-nopause-ms.txt")" "$(median_of "$out/apply-bare-ms.txt")"));"\
      "wizard requests / minimum (7) $(ratio "$(median_of "$out/apply-wizard-requests.txt")" 7)."
    echo "Not counted: $(field "$out/apply-round-1.json" pbsBackChannelRequests) requests PBS itself sent to Pocket ID (discovery + JWKS) for the wizard's"\
      "\`auth-url\` checks, and $(field "$out/apply-round-1.json" signInRequests) requests of the scripted sign-in (round 1)."
    echo
    echo "Requests the wizard sent in round 1, by endpoint (sign-in flow excluded):"
    echo
    echo "| count | server | request | status |"
    echo "| --- | --- | --- | --- |"
    node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); const m=new Map();
      for (const l of r.wizardRequestList) { const [s,meth,p,st]=l.split(" "); const k=`${s}|${meth} ${p.replace(/\/clients\/[^/]+/,"/clients/{id}").replace(/config\/access\/openid\/[A-Za-z0-9_.-]+$/,"config/access/openid/{realm}")}|${st}`; m.set(k,(m.get(k)||0)+1); }
      for (const [k,c] of m) { const [s,req,st]=k.split("|"); console.log(`| ${c} | ${s} | \`${req}\` | ${st} |`); }' "$out/apply-round-1.json"
    echo
  fi
  if [ -s "$out/signin-detection-ms.txt" ]; then
    echo "### Waiting for the first sign-in"
    echo
    echo "| what | median | min–max | IQR | samples |"
    echo "| --- | --- | --- | --- | --- |"
    row "sign-in completed → CLI prints the new user" "$out/signin-detection-ms.txt" ms
    row "grace period before the CLI prints sign-in instructions" "$out/grace-ms.txt" ms
    echo
    polls=$(field "$out/apply-hold.json" pollsWhileHolding); all=$(field "$out/apply-hold.json" pbsRequestsWhileHolding); hold=$(field "$out/apply-hold.json" holdMs)
    if [ -n "$hold" ]; then
      echo "While held at the pause for $(node -e "console.log((Number(process.argv[1])/1000).toFixed(1))" "$hold") s, the CLI sent $all requests to PBS"\
        "($polls of them \`GET /api2/json/access/users\`): $(node -e "console.log((Number(process.argv[1])*60000/Number(process.argv[2])).toFixed(1))" "$all" "$hold") requests/min."
      echo
    fi
  fi
  if [ -s "$out/web-signin.txt" ]; then
    echo "### The web wizard at the pause (one tab; the CLI stopped at the wait, the page resumed the run)"
    echo
    echo "Detection = from the scripted sign-in's last answer (PBS has created the user) until the page shows it; real waits."
    echo
    echo "| signed in after | sign-in completed → page shows the new user | requests to PBS while waiting | rate |"
    echo "| --- | --- | --- | --- |"
    node -e 'for (const l of require("fs").readFileSync(process.argv[1],"utf8").split("\n").filter(Boolean)) { const r=JSON.parse(l);
      if (r.error) { console.log(`| failed | ${r.error.slice(0,80)} | | |`); continue; }
      console.log(`| ${(r.holdMs/1000).toFixed(0)} s | ${r.detectionMs===null?"not shown within 60 s":r.detectionMs.toFixed(0)+" ms"} | ${r.pbsRequestsWhileHolding} (${r.pollsWhileHolding} \`GET /access/users\`) | ${(r.pbsRequestsWhileHolding*1000/r.holdMs).toFixed(2)} req/s |`); }' "$out/web-signin.txt"
    echo
  fi
  if [ -s "$out/sequence.txt" ]; then
    echo "### Requests per sequence (plan → apply with sign-in → apply → plan → undo, RequestBudgetTests)"
    echo
    echo '```'
    cat "$out/sequence.txt"
    echo '```'
    echo
  fi
  if [ -s "$out/clicks.txt" ]; then
    echo "### Clicks"
    echo
    echo "E2E happy path (demo mode, both connections with the trust dialog, client, realm, sign-in link, continue, permissions, finish): $(cat "$out/clicks.txt")."
    echo
  fi
} >"$out/results.md"

for f in "$out"/results-*.md; do [ -f "$f" ] && cat "$f" >>"$out/results.md"; done
cat "$out/results.md"
log "results in $out"
