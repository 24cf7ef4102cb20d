#!/usr/bin/env bash
# Builds docker/Dockerfile as written (only its parser directive is left out: see "build the image") and runs the image
# for real: demo mode and live mode, hardened the way the compose files run it, and checks what a user of
# `docker compose up` relies on (docs/testing.md, "The container test").
#
# Called by tests/run.sh as `bash tests/container.sh RESULTS_DIR`; writes RESULTS_DIR/container.passed and
# container.failed (one count per check), container.log (every check with its output), container-build.log,
# dockerd.log and container-timings.txt, and prints failures to stderr.
#
# The base images cannot be pulled here (no image registry is reachable), so the two images the Dockerfile names are
# built locally as stand-ins from a Debian `debootstrap --variant=minbase` root file system (see "stand-in images"
# below for what they reproduce and what not). They, the minbase root and Docker's layer cache live in $CACHE
# (outside the repository) and are rebuilt only when missing or when their inputs change.
#
# Docker's engine runs only while this script runs: its own dockerd (own socket, data root and pid file, so it never
# meets another engine on the machine), without a bridge and without iptables. Containers get no network device at
# all (`--network none`, or another test container's namespace): every request below goes to 127.0.0.1 inside the
# containers' own network namespace, entered with nsenter, so nothing reaches any other address.
#
# Needs root (dockerd, debootstrap, nsenter) and apt-get to install docker.io and debootstrap when missing; without
# them every check fails loudly instead of being skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
results=$(realpath -m "${1:-TestResults}")
mkdir -p "$results"
CACHE=${WIZARD_CONTAINER_CACHE:-/var/lib/pbs-pocket-id-wizard-container-test}
run_dir=/run/pbs-pocket-id-wizard-container-test
export DOCKER_HOST="unix://$run_dir/docker.sock"
docker=/usr/bin/docker     # Debian's client, the same version as its daemon (another docker on PATH may be newer)
prefix=pbs-wizard-container-test
image=$prefix:latest
public_host=wizard-host.test
token=container-test-access-token-5f1c9a2e7b   # a configured live-mode token: it must never appear in the logs
sim_password=container-test-pbs-root-password
sim_api_key=container-test-pocket-id-api-key-0123456789

log() { echo "[container.sh] $*" >&2; }

passed=0
failed=0
: >"$results/container.log"
: >"$results/container-timings.txt"
record() { # record NAME STATUS [OUTPUT]
  if [ "$2" -eq 0 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    log "FAILED $1"
    [ -n "${3:-}" ] && printf '%s\n' "$3" | tail -20 | sed 's/^/    /' >&2
  fi
  printf '== %s (%s)\n%s\n' "$1" "$([ "$2" -eq 0 ] && echo passed || echo FAILED)" "${3:-}" >>"$results/container.log"
}
check() { # check NAME COMMAND...: one check, passed when the command succeeds; its output goes to the log
  local name=$1 out status
  shift
  out=$("$@" 2>&1)
  status=$?
  record "$name" "$status" "$out"
  return "$status"
}
timing() { echo "$1: $2" >>"$results/container-timings.txt"; log "$1: $2"; }
now_ms() { date +%s%3N; }

started_dockerd=""
work=""
finish() {
  if [ -n "$started_dockerd" ]; then
    remove_test_containers
    # Earlier builds of the image and stand-ins, untagged by newer ones, and build cache would pile up in $CACHE.
    $docker image prune -f --filter "label=$prefix=image" >/dev/null 2>&1
    $docker image prune -f --filter "label=pbs-wizard.stand-in-inputs" >/dev/null 2>&1   # replaced stand-ins
    $docker builder prune -f --keep-storage 3gb >/dev/null 2>&1
    kill -TERM "$started_dockerd" 2>/dev/null
    for _ in $(seq 1 60); do kill -0 "$started_dockerd" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$started_dockerd" 2>/dev/null && log "dockerd $started_dockerd did not stop within 30 s"
  fi
  [ -n "$work" ] && rm -rf "$work"
  echo "$passed" >"$results/container.passed"
  echo "$failed" >"$results/container.failed"
  log "$passed passed, $failed failed (details: $results/container.log)"
}
trap finish EXIT
# An interrupted run counts as a failure and still stops its containers and its dockerd.
trap 'record "container test runs to the end" 1 "interrupted"; exit 130' INT TERM
abort() { # abort NAME OUTPUT: a precondition failed; it counts as a failed check and nothing else can run
  record "$1" 1 "$2"
  exit 1
}

remove_test_containers() {
  local ids
  ids=$($docker ps -aq --filter "label=$prefix" 2>/dev/null)
  [ -n "$ids" ] && $docker rm -fv $ids >/dev/null 2>&1   # -v: also the anonymous /data of the simulators
  ids=$($docker volume ls -q --filter "label=$prefix" 2>/dev/null)
  [ -n "$ids" ] && $docker volume rm -f $ids >/dev/null 2>&1
  return 0
}

# ---- preconditions -----------------------------------------------------------------------------------------------
if [ "$(id -u)" != 0 ]; then
  abort "container test can run" "not root: starting dockerd, debootstrap and nsenter need root (CI runs as root)"
fi
missing=()
command -v dockerd >/dev/null && [ -x "$docker" ] || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v curl >/dev/null || missing+=(curl)
command -v nsenter >/dev/null || missing+=(util-linux)
command -v openssl >/dev/null || missing+=(openssl)
command -v node >/dev/null || missing+=(nodejs)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  if ! command -v apt-get >/dev/null \
    || ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") \
      >"$results/container-apt.log" 2>&1; then
    abort "container test can run" "could not install ${missing[*]} (see $results/container-apt.log)"
  fi
fi

# One run at a time per machine: two runs would share the cache and the daemon's socket.
mkdir -p "$CACHE" "$run_dir"
exec 9>"$CACHE/lock"
if ! flock -w 900 9; then
  abort "container test can run" "another container test held $CACHE/lock for 15 minutes"
fi
work=$(mktemp -d)

# ---- Docker's engine, ours alone ---------------------------------------------------------------------------------
t=$(now_ms)
if ! $docker version >/dev/null 2>&1; then
  rm -f "$run_dir/docker.sock"
  dockerd --host "$DOCKER_HOST" --data-root "$CACHE/docker" --exec-root "$run_dir/exec" \
    --pidfile "$run_dir/dockerd.pid" --bridge=none --iptables=false --ip-forward=false --ip-masq=false \
    --log-level warn >"$results/dockerd.log" 2>&1 9>&- &   # 9>&-: the daemon must not hold the lock
  started_dockerd=$!
  for _ in $(seq 1 120); do
    $docker version >/dev/null 2>&1 && break
    kill -0 "$started_dockerd" 2>/dev/null || break
    sleep 0.5
  done
else
  # Left by an interrupted earlier run (same socket, under the lock): this test's own daemon, so it stops it too.
  started_dockerd=$(cat "$run_dir/dockerd.pid" 2>/dev/null)
fi
if ! $docker version >/dev/null 2>&1; then
  abort "dockerd starts" "$(tail -20 "$results/dockerd.log" 2>/dev/null)"
fi
record "dockerd starts" 0
timing "dockerd start" "$(( $(now_ms) - t )) ms"
remove_test_containers

# ---- stand-in images ---------------------------------------------------------------------------------------------
# The Dockerfile's two base images, built from Debian's minbase under the exact names its FROM lines use.
# SDK stand-in (the build stage): the whole minbase system (so RUN has a shell, as in the real SDK image, which is a
#   full Ubuntu), this machine's .NET SDK (/usr/share/dotnet, also linked as /usr/bin/dotnet), ICU and OpenSSL, the
#   machine's CA bundle and its NUGET_CERT_REVOCATION_MODE (so `dotnet restore` reaches the package feed as the host
#   does), and the real image's environment (DOTNET_VERSION, DOTNET_SDK_VERSION, NUGET_XMLDOC_MODE, ...). Not
#   reproduced: Ubuntu instead of Debian, git/curl/PowerShell, and a multi-architecture manifest (only this machine's
#   architecture exists, so BUILDPLATFORM = TARGETPLATFORM).
# Runtime stand-in (aspnet:*-chiseled): no shell, no package manager, no coreutils: only the files of the packages the
#   chiseled image is cut from (libc6, libgcc-s1, libstdc++6, libssl3, zlib1g, base-files) plus Debian's CA bundle,
#   the ASP.NET Core and .NET runtimes of this machine (no SDK), /etc/passwd and /etc/group with `app` 1654:1654,
#   /home/app, an empty /tmp, and the real image's environment: APP_UID=1654, ASPNETCORE_HTTP_PORTS=8080,
#   DOTNET_RUNNING_IN_CONTAINER=true, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true (no ICU, no tzdata, as in the
#   chiseled image). Deliberately different: its default user is root, while the chiseled image defaults to `app`,
#   so the Dockerfile's own `USER $APP_UID` is what makes the process run as 1654 (a Dockerfile that loses its USER
#   line fails here instead of relying on the base image). Also different: Debian 12 libraries instead of Ubuntu
#   24.04's, and the runtime version is this machine's rather than the newest patch.
stand_in_recipe=$(sed -n '/^# ---- stand-in images/,/^# ---- end of stand-in images/p' "$0" | sha256sum | cut -c1-16)
sdk_name=$(awk 'toupper($1)=="FROM" && toupper($(NF-1))=="AS" && $NF=="build" {print $(NF-2)}' docker/Dockerfile)
runtime_name=$(awk 'toupper($1)=="FROM" && toupper($(NF-1))=="AS" && $NF=="runtime" {print $(NF-2)}' docker/Dockerfile)
[ -n "$sdk_name" ] && [ -n "$runtime_name" ] \
  || abort "stand-in base images build" "docker/Dockerfile has no 'FROM … AS build' and 'FROM … AS runtime' stage"
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
icu_package=$(dpkg-query -W -f='${Package}\n' 'libicu[0-9]*' 2>/dev/null | grep -E '^libicu[0-9]+$' | head -1)
ssl_package=$(dpkg-query -W -f='${Package}\n' 'libssl3*' 2>/dev/null | grep -E '^libssl3(t64)?$' | head -1)
dotnet_versions=$(dotnet --version 2>/dev/null; dotnet --list-runtimes 2>/dev/null)
runtime_version=$(dotnet --list-runtimes | awk '$1=="Microsoft.AspNetCore.App"{print $2}' | sort -V | tail -1)
netcore_version=$(dotnet --list-runtimes | awk '$1=="Microsoft.NETCore.App"{print $2}' | sort -V | tail -1)
sdk_version=$(dotnet --version)
ca_bundle=/etc/ssl/certs/ca-certificates.crt
minbase=$CACHE/minbase-$suite

debian_mirror() { # the first Debian archive this machine's apt uses for $suite (never written into the repository)
  { sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/*.sources 2>/dev/null
    awk '$1=="deb" {for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; break}}' /etc/apt/sources.list 2>/dev/null
  } | tr ' ' '\n' | grep -v -- '-security' | grep -v '^$' | head -1
}

build_minbase() {
  [ -f "$minbase/.complete" ] && return 0
  local mirror
  mirror=$(debian_mirror)
  [ -n "$mirror" ] || { echo "no Debian archive found in this machine's apt sources"; return 1; }
  rm -rf "$minbase"
  debootstrap --variant=minbase --include="ca-certificates,$ssl_package,$icu_package" "$suite" "$minbase" "$mirror" \
    >"$results/container-debootstrap.log" 2>&1 || { tail -20 "$results/container-debootstrap.log"; return 1; }
  rm -rf "$minbase/var/cache/apt/archives/"*.deb
  touch "$minbase/.complete"
}

image_inputs() { $docker image inspect -f '{{index .Config.Labels "pbs-wizard.stand-in-inputs"}}' "$1" 2>/dev/null; }

build_sdk_stand_in() { # INPUTS
  # minbase, this machine's SDK and the CA bundle in one tree (hard links where possible: nothing is changed in place).
  local root=$CACHE/sdk-stand-in-root
  rm -rf "$root"
  cp -al "$minbase" "$root" 2>/dev/null || cp -a "$minbase" "$root" || return 1
  rm -f "$root/.complete" "$root/etc/ssl/certs/ca-certificates.crt"
  cp "$ca_bundle" "$root/etc/ssl/certs/ca-certificates.crt"
  cp -al "$dotnet_root" "$root/usr/share/dotnet" 2>/dev/null || cp -a "$dotnet_root" "$root/usr/share/dotnet" || return 1
  ln -sf ../share/dotnet/dotnet "$root/usr/bin/dotnet"
  tar -C "$root" -cf - . | $docker import \
    --change "ENV DOTNET_VERSION=$netcore_version ASPNET_VERSION=$runtime_version DOTNET_SDK_VERSION=$sdk_version" \
    --change "ENV DOTNET_RUNNING_IN_CONTAINER=true DOTNET_USE_POLLING_FILE_WATCHER=true NUGET_XMLDOC_MODE=skip" \
    --change "ENV DOTNET_GENERATE_ASPNET_CERTIFICATE=false DOTNET_NOLOGO=true DOTNET_CLI_TELEMETRY_OPTOUT=1" \
    --change "ENV NUGET_CERT_REVOCATION_MODE=${NUGET_CERT_REVOCATION_MODE:-online} APP_UID=1654 ASPNETCORE_HTTP_PORTS=8080" \
    --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change "LABEL pbs-wizard.stand-in-inputs=$1" \
    - "$sdk_name"
  local status=$?
  rm -rf "$root"
  return $status
}

build_runtime_stand_in() { # INPUTS
  local root=$work/runtime-root list=$work/runtime-files
  mkdir -p "$root"
  # The packages' own files (dpkg's lists), with /lib, /bin and /sbin read through merged-usr's links.
  : >"$list"
  for package in base-files libc6 libgcc-s1 libstdc++6 "$ssl_package" zlib1g; do
    cat "$minbase/var/lib/dpkg/info/$package.list" "$minbase/var/lib/dpkg/info/$package:"*.list 2>/dev/null
  done | sed -E 's,^/(bin|sbin|lib|lib64)(/|$),/usr/\1\2,' | sort -u | while read -r path; do
    if [ -e "$minbase$path" ] || [ -L "$minbase$path" ]; then echo ".$path"; fi
  done | grep -v -E '^\./usr/share/(doc|man|lintian|info)/' >"$list"
  (cd "$minbase" && tar --no-recursion -cf - -T "$list") | tar -C "$root" -xf - || return 1
  for link in bin sbin lib lib64; do [ -L "$minbase/$link" ] && cp -P "$minbase/$link" "$root/$link"; done
  mkdir -p "$root/etc/ssl/certs" "$root/usr/share/dotnet/shared" "$root/usr/bin" "$root/tmp" "$root/home/app"
  cp "$minbase/etc/ssl/certs/ca-certificates.crt" "$root/etc/ssl/certs/"
  cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$root/usr/share/dotnet/"
  cp -a "$dotnet_root/shared/Microsoft.NETCore.App" "$dotnet_root/shared/Microsoft.AspNetCore.App" \
    "$root/usr/share/dotnet/shared/"
  ln -s ../share/dotnet/dotnet "$root/usr/bin/dotnet"
  printf 'root:x:0:0:root:/root:/usr/sbin/nologin\napp:x:1654:1654::/home/app:/usr/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\napp:x:1654:\n' >"$root/etc/group"
  chown 1654:1654 "$root/home/app"
  chmod 1777 "$root/tmp"
  for shell in sh bash dash rbash; do [ -e "$root/usr/bin/$shell" ] && { echo "shell $shell in runtime stand-in"; return 1; }; done
  tar -C "$root" -cf - . | $docker import \
    --change "ENV APP_UID=1654 ASPNETCORE_HTTP_PORTS=8080 DOTNET_RUNNING_IN_CONTAINER=true" \
    --change "ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true DOTNET_VERSION=$netcore_version ASPNET_VERSION=$runtime_version" \
    --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change "LABEL pbs-wizard.stand-in-inputs=$1" \
    - "$runtime_name"
}

stand_in_inputs() { # what each stand-in is made of, as labels to compare with the cached images' own
  local minbase_state
  minbase_state=$(cat "$minbase/var/lib/dpkg/status" 2>/dev/null | sha256sum | cut -c1-16)
  sdk_inputs="$stand_in_recipe-$(printf '%s\n' "$dotnet_versions" "$(sha256sum <"$ca_bundle")" \
    "${NUGET_CERT_REVOCATION_MODE:-}" "$minbase_state" | sha256sum | cut -c1-16)"
  runtime_inputs="$stand_in_recipe-$(printf '%s\n' "$dotnet_versions" "$minbase_state" | sha256sum | cut -c1-16)"
}

t=$(now_ms)
stand_in_inputs
stand_ins_built=""
if [ "$(image_inputs "$sdk_name")" != "$sdk_inputs" ] || [ "$(image_inputs "$runtime_name")" != "$runtime_inputs" ]; then
  out=$(build_minbase) || abort "stand-in base images build" "debootstrap failed: $out"
  stand_in_inputs   # the minbase root may be new
  if [ "$(image_inputs "$sdk_name")" != "$sdk_inputs" ]; then
    log "building the SDK stand-in $sdk_name"
    out=$(build_sdk_stand_in "$sdk_inputs" 2>&1) || abort "stand-in base images build" "$out"
    stand_ins_built=yes
  fi
  if [ "$(image_inputs "$runtime_name")" != "$runtime_inputs" ]; then
    log "building the runtime stand-in $runtime_name"
    out=$(build_runtime_stand_in "$runtime_inputs" 2>&1) || abort "stand-in base images build" "$out"
    stand_ins_built=yes
  fi
fi
record "stand-in base images build" 0
timing "stand-in images ($([ -n "$stand_ins_built" ] && echo built || echo cached))" "$(( $(now_ms) - t )) ms"
# ---- end of stand-in images

# ---- build the image ---------------------------------------------------------------------------------------------
# With the daemon's BuildKit (v0.8 in Debian's docker.io 20.10), which sets BUILDPLATFORM/TARGETARCH itself and reads
# docker/Dockerfile.dockerignore. The classic builder of this engine cannot build the file at all: it expands
# `FROM --platform=$BUILDPLATFORM` only from ARGs declared before the first FROM, so a --build-arg does not reach it.
# One line differs from docker/Dockerfile: its parser directive `# syntax=docker/dockerfile:1` is left out, because it
# makes BuildKit pull that frontend image from Docker Hub instead of using its built-in Dockerfile frontend, and no
# image can be pulled here. Every instruction is built as written. RUN steps use the host's network namespace so
# `dotnet restore` reaches the package feed (the engine has no bridge).
t=$(now_ms)
mkdir -p "$work/dockerfile"
sed '1{/^# *syntax=/d}' docker/Dockerfile >"$work/dockerfile/Dockerfile"
cp docker/Dockerfile.dockerignore "$work/dockerfile/Dockerfile.dockerignore"
if ! DOCKER_BUILDKIT=1 $docker build --progress plain --network host -f "$work/dockerfile/Dockerfile" \
    --label "$prefix=image" -t "$image" . >"$results/container-build.log" 2>&1; then
  abort "image builds from docker/Dockerfile" "$(tail -30 "$results/container-build.log")"
fi
record "image builds from docker/Dockerfile" 0
timing "image build ($(grep -c ' CACHED$' "$results/container-build.log") steps cached)" "$(( $(now_ms) - t )) ms"
timing "image size" "$($docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.1f MB", $1/1000000}')"
timing "runtime stand-in size" "$($docker image inspect -f '{{.Size}}' "$runtime_name" | awk '{printf "%.1f MB", $1/1000000}')"

# ---- run it ------------------------------------------------------------------------------------------------------
# As the compose files run it (issue 11 hardens them the same way): read-only root, a tmpfs /tmp, no capabilities,
# no privilege gain, a named volume for /data; but without a network device (see the top of this file).
hardened=(--read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges --label "$prefix=run")
pid_of() { $docker inspect -f '{{.State.Pid}}' "$1"; }
running() { [ "$($docker inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" = true ]; }
in_net() { local target=$1; shift; nsenter --target "$(pid_of "$target")" --net "$@"; } # in_net CONTAINER CMD...
wait_health_endpoint() { # CONTAINER: until /health on 127.0.0.1:8080 in its network answers 200 (60 s at most)
  local deadline=$((SECONDS + 60))
  while [ $SECONDS -lt $deadline ]; do
    running "$1" || { echo "the container is not running"; return 1; }
    in_net "$1" curl -sf -o /dev/null --max-time 2 http://127.0.0.1:8080/health 2>/dev/null && return 0
    sleep 0.1
  done
  echo "no answer within 60 s"
  return 1
}
health_check() { # NAME CONTAINER STARTED_MS: /health answers; the time from `docker run` is a benchmark (docs/benchmarks.md)
  local out
  if out=$(wait_health_endpoint "$2"); then
    timing "$1 container: docker run to /health 200" "$(( $(now_ms) - $3 )) ms"
    record "$1: /health answers 200" 0
  else
    record "$1: /health answers 200" 1 "$out"$'\n'"$($docker logs "$2" 2>&1 | tail -20)"
  fi
}

# Demo mode, configured as docker/compose.demo.yaml configures it, with a public host of our own.
demo=$prefix-demo
t=$(now_ms)
$docker run -d --name "$demo" --network none "${hardened[@]}" \
  --mount "type=volume,source=$prefix-demo-data,target=/data,volume-label=$prefix=volume" \
  -e Wizard__Mode=Demo -e Wizard__DataDirectory=/data -e "Wizard__PublicHost=$public_host" \
  -e Wizard__Simulators__BindAddress=0.0.0.0 -e Wizard__Simulators__PbsPort=18007 \
  -e Wizard__Simulators__PocketIdPort=11411 "$image" >/dev/null 2>"$work/demo-run.err" \
  || abort "demo container starts" "$(cat "$work/demo-run.err")"
health_check demo "$demo" "$t"

# Live mode beside the standalone simulators: the simulators' container owns the network namespace and the wizard
# joins it, so the wizard's own restart keeps its way to them.
sims=$prefix-simulators
$docker run -d --name "$sims" --network none "${hardened[@]}" "$image" simulators --pbs-port 18007 \
  --pocket-id-port 11411 --host 127.0.0.1 --public-host 127.0.0.1 --pbs-root-password "$sim_password" \
  --pocket-id-api-key "$sim_api_key" >/dev/null 2>"$work/sims-run.err" \
  || abort "simulators container starts" "$(cat "$work/sims-run.err")"
deadline=$((SECONDS + 60))
until $docker logs "$sims" 2>&1 | grep -q 'TLS fingerprint' || [ $SECONDS -ge $deadline ] || ! running "$sims"; do sleep 0.2; done
live=$prefix-live
live_volume=$prefix-live-data
answers=$work/answers.json   # written below, once the simulators printed their certificate's fingerprint
touch "$answers" && chmod 644 "$answers"
t_live=$(now_ms)
$docker run -d --name "$live" --network "container:$sims" "${hardened[@]}" \
  --mount "type=volume,source=$live_volume,target=/data,volume-label=$prefix=volume" \
  --mount "type=bind,source=$answers,target=/answers.json,readonly" \
  -e Wizard__Mode=Live -e Wizard__DataDirectory=/data -e "Wizard__AccessToken=$token" \
  -e "Wizard__PublicHost=$public_host" "$image" >/dev/null 2>"$work/live-run.err" \
  || abort "live container starts" "$(cat "$work/live-run.err"; $docker logs "$sims" 2>&1 | tail -5)"

health_check live "$live" "$t_live"

check "demo: the sign-in link is printed with the public host" \
  bash -c "$docker logs $demo 2>&1 | grep -E '^Open http://$public_host:8080/\?token=[A-Za-z0-9_-]{16,}$'"
check "live: the sign-in address is printed" bash -c "$docker logs $live 2>&1 | grep -E '^Open http://$public_host:8080/'"
check "live: the configured access token is not printed" \
  bash -c "! $docker logs $live 2>&1 | grep -F -- '$token'"

for c in "$demo" "$live"; do
  name=${c#"$prefix"-}
  check "$name: the process runs as 1654:1654" \
    bash -c "s=\$(grep -E '^(Uid|Gid):' /proc/$(pid_of "$c")/status); echo \"\$s\"; [ \$(echo \"\$s\" | grep -cE '^(Uid|Gid):\s+1654\s+1654\s+1654\s+1654$') = 2 ]"
  check "$name: no capabilities and no privilege gain" \
    bash -c "s=\$(grep -E '^(NoNewPrivs|CapEff|CapBnd):' /proc/$(pid_of "$c")/status); echo \"\$s\"
      echo \"\$s\" | grep -qE '^NoNewPrivs:\s+1$' && echo \"\$s\" | grep -qE '^CapEff:\s+0+$' && echo \"\$s\" | grep -qE '^CapBnd:\s+0+$'"
  # mountinfo: field 5 is the mount point, 6 its options, and the file system type follows the " - ".
  check "$name: root read-only, /tmp a tmpfs, /data writable" \
    bash -c "m=/proc/$(pid_of "$c")/mountinfo; awk '\$5==\"/\" || \$5==\"/tmp\" || \$5==\"/data\"' \$m
      awk '\$5==\"/\" {split(\$6,o,\",\"); if (o[1]!=\"ro\") exit 1}' \$m \
      && awk '\$5==\"/tmp\" {for (i=7;i<=NF;i++) if (\$i==\"-\") t=\$(i+1)} END {exit t!=\"tmpfs\"}' \$m \
      && awk '\$5==\"/data\" {split(\$6,o,\",\"); f=1; if (o[1]!=\"rw\") exit 1} END {exit !f}' \$m"
done
for volume in "$prefix-demo-data" "$live_volume"; do
  check "volume $volume: /data is 0700 and owned by 1654:1654" \
    bash -c "s=\$(stat -c '%a %u:%g' \"\$($docker volume inspect -f '{{.Mountpoint}}' $volume)\"); echo \"\$s\"; [ \"\$s\" = '700 1654:1654' ]"
done

# The demo's simulators on the ports compose.demo.yaml publishes, announcing the public host they were given: the
# Pocket ID issuer, and a PBS certificate valid for that name (TLS verified against it, not switched off).
pbs_pem=$work/demo-pbs.pem
check "demo: the Pocket ID simulator answers on 11411 as http://$public_host:11411" \
  bash -c "d=\$(nsenter --target $(pid_of "$demo") --net curl -sf --max-time 5 --resolve $public_host:11411:127.0.0.1 \
    http://$public_host:11411/.well-known/openid-configuration) || exit 1; echo \"\$d\" | head -c 400; echo
    echo \"\$d\" | grep -q '\"issuer\":\"http://$public_host:11411\"'"
check "demo: the PBS simulator answers on 18007 with a certificate for $public_host" \
  bash -c "nsenter --target $(pid_of "$demo") --net openssl s_client -connect 127.0.0.1:18007 -servername $public_host \
      </dev/null 2>/dev/null | openssl x509 >$pbs_pem && openssl x509 -in $pbs_pem -noout -ext subjectAltName
    nsenter --target $(pid_of "$demo") --net curl -sS --max-time 5 --cacert $pbs_pem --resolve $public_host:18007:127.0.0.1 \
      -o /dev/null -w '%{http_code}\n' https://$public_host:18007/api2/json/version | grep -E '^(200|401)$'"

# Docker's own health status, from the image's HEALTHCHECK (interval 30 s: the first check runs 30 s after start).
wait_healthy() {
  local status deadline=$((SECONDS + 100))
  while [ $SECONDS -lt $deadline ]; do
    status=$($docker inspect -f '{{.State.Health.Status}}' "$1" 2>&1)
    [ "$status" = healthy ] && { echo "$status"; return 0; }
    { [ "$status" = unhealthy ] || ! running "$1"; } && break
    sleep 1
  done
  echo "$status"; $docker inspect -f '{{json .State.Health}}' "$1" 2>&1 | tail -c 600
  return 1
}

# ---- a live run survives a restart -------------------------------------------------------------------------------
# The CLI inside the live container applies the setup against the simulators until it waits for the first sign-in
# (exit 4: the run is kept in /data); the container restarts; the run is still there and `apply` resumes it; after
# a scripted sign-in (as a browser would do it) the resumed run completes.
fingerprint=$($docker logs "$sims" 2>&1 | awk '/TLS fingerprint/ {print $3; exit}')
cat >"$answers" <<JSON
{ "pocketId": { "url": "http://127.0.0.1:11411", "apiKey": "$sim_api_key" },
  "pbs": { "url": "https://127.0.0.1:18007", "username": "root@pam", "password": "$sim_password", "fingerprint": "$fingerprint" },
  "realm": { "name": "PocketID" },
  "permissions": [ { "user": "alice", "path": "/", "role": "Admin" } ] }
JSON
cli() { $docker exec "$live" dotnet PbsPocketIdWizard.Web.dll "$@"; }
apply_out=$(cli apply --answers /answers.json --data-dir /data --yes --wait-timeout 2 2>&1)
apply_status=$?
run_id=$(echo "$apply_out" | sed -n 's/^New run \([^ ]*\).*/\1/p' | head -1)
check "live: apply in the container runs until the first sign-in and keeps the run" \
  bash -c "printf '%s\n' \"\$1\"; [ $apply_status = 4 ] && [ -n '$run_id' ]" _ "$apply_out"

check "demo: Docker reports the container healthy" wait_healthy "$demo"
check "live: Docker reports the container healthy" wait_healthy "$live"

t=$(now_ms)
restart_out=$($docker restart "$live" 2>&1 && wait_health_endpoint "$live")
record "live: the container restarts and /health answers again" $? "$restart_out"
timing "live container: restart to /health 200" "$(( $(now_ms) - t )) ms"
status_out=$(cli status --data-dir /data 2>&1)
check "live: after the restart the run is still in /data" \
  bash -c "printf '%s\n' \"\$1\"; printf '%s\n' \"\$1\" | grep -q '^Run $run_id ' && printf '%s\n' \"\$1\" | grep -q '<- current'" _ "$status_out"

sim_sign_in() { # the first sign-in of alice, the way a browser does it (bench/lib/apply-round.mjs)
  local jar=$work/cookies pbs=https://127.0.0.1:18007 pem=$work/sims-pbs.pem auth location code state login
  in_net "$sims" openssl s_client -connect 127.0.0.1:18007 </dev/null 2>/dev/null | openssl x509 >"$pem"
  auth=$(in_net "$sims" curl -sSf --cacert "$pem" --data-urlencode realm=PocketID --data-urlencode "redirect-url=$pbs" \
    "$pbs/api2/json/access/openid/auth-url" | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).data') || return 1
  in_net "$sims" curl -sSf -c "$jar" -o /dev/null --data-urlencode username=alice http://127.0.0.1:11411/_sim/sign-in || return 1
  location=$(in_net "$sims" curl -sS -b "$jar" -o /dev/null -w '%{redirect_url}' "$auth") || return 1
  read -r code state < <(node -e 'const q = new URL(process.argv[1]).searchParams; console.log(q.get("code"), q.get("state"))' "$location")
  [ -n "$code" ] && [ "$code" != null ] || { echo "no code in the redirect: $location"; return 1; }
  login=$(in_net "$sims" curl -sS --cacert "$pem" --data-urlencode "state=$state" --data-urlencode "code=$code" \
    --data-urlencode "redirect-url=$pbs" -o /dev/null -w '%{http_code}' "$pbs/api2/json/access/openid/login")
  echo "PBS openid/login answered $login"
  [ "$login" = 200 ]
}
sign_in_out=$(sim_sign_in 2>&1)
resume_out=$(cli apply --answers /answers.json --data-dir /data --yes --wait-timeout 30 2>&1)
resume_status=$?
check "live: apply resumes the run from /data after the restart and completes it" \
  bash -c "printf '%s\n%s\n' \"\$1\" \"\$2\"; printf '%s\n' \"\$2\" | grep -q '^Resuming run $run_id' && [ $resume_status = 0 ]" \
  _ "$sign_in_out" "$resume_out"
