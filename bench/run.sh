#!/usr/bin/env bash
# nexaflow benchmarks (issue 8). One run, bounded in time, loopback only. See bench/README.md.
#
#   bash bench/run.sh                 # full run (~17 min on 2 cores once built)
#   BENCH_QUICK=1 bash bench/run.sh   # smoke run (short phases, fewer calls; ~11 min on a busy machine)
#   BENCH_ONLY=outage bash bench/run.sh  # only the outage phase (~1.5 min once built)
#   BENCH_ONLY=data bash bench/run.sh    # only the data-driven flows phase (~5 min once built)
#   BENCH_ONLY=dialer bash bench/run.sh  # only the campaign dialer phase (~3 min once built)
#   BENCH_ONLY=tracing bash bench/run.sh # only tracing off vs on (~15 min once built); BENCH_TRACE_BASE=<the
#                                        # quarkus-app dir of a build of main> adds main's jar to the rounds
#
# Prints a table and writes bench/RESULTS.md; raw outputs of every tool land in bench/out/<timestamp>/.
# Knobs (environment): BENCH_QUICK, BENCH_JAVA_OPTS, BENCH_CONNECTIONS, BENCH_CALLS, BENCH_RATE, BENCH_DB,
# BENCH_KEEP_DB=1 (keep the database for inspection), BENCH_NO_BUILD=1 (use target/ as it is),
# BENCH_JFR=1 (record a JFR of the callback phases into the out dir), BENCH_RESULTS (where to write RESULTS.md),
# BENCH_ONLY=outage|data|dialer|tracing, BENCH_TRACE_BASE, BENCH_TRACE_CALLS, BENCH_TRACE_ROUNDS, BENCH_TRACE_RATIO, BENCH_TRACE_VARIANTS, BENCH_TRACE_ENV, BENCH_TRACE_RATE, BENCH_TRACE_RATE_SECS, BENCH_TRACE_WARM, BENCH_OUTAGE_SECS, BENCH_OUTAGE_RATE, BENCH_OUTAGE_CALLS, BENCH_DATA_RATE,
# BENCH_DATA_API_MS, BENCH_DIALER_CAMPAIGNS, BENCH_DIALER_CONTACTS, BENCH_DIALER_CPS, BENCH_DIALER_ROUNDS,
# BENCH_DURABLE_POOL (the durable Express baseline's pg pool size).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
LIB=$BENCH/lib
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$BENCH/out/$STAMP
mkdir -p "$OUT"
ln -sfn "$STAMP" "$BENCH/out/latest"
exec > >(tee "$OUT/run.log") 2>&1

# One run at a time: two runs would share (and drop) the same database and fight over the CPUs.
exec 9>"$BENCH/out/.lock"
flock -n 9 || { echo "bench: another bench/run.sh is running" >&2; exit 1; }

QUICK=${BENCH_QUICK:-0}
if [[ $QUICK == 1 ]]; then
  CALLS=${BENCH_CALLS:-2500}; WARM=10; SAT=6; RATE_SECS=8; BASE_WARM=3; BASE_SECS=5; BASE_RATE_SECS=5
  PGB_SECS=5; RESTARTS=1
else
  CALLS=${BENCH_CALLS:-9000}; WARM=45; SAT=15; RATE_SECS=30; BASE_WARM=10; BASE_SECS=15; BASE_RATE_SECS=15
  PGB_SECS=15; RESTARTS=3
fi
CONN=${BENCH_CONNECTIONS:-50}
ONLY=${BENCH_ONLY:-}
STARTUP_RUNS=${BENCH_STARTUP_RUNS:-3}
OUTAGE_SECS=${BENCH_OUTAGE_SECS:-10}
OUTAGE_RATE=${BENCH_OUTAGE_RATE:-200}
OUTAGE_CALLS=${BENCH_OUTAGE_CALLS:-1000}
DATA_RATE=${BENCH_DATA_RATE:-300}
DATA_API_MS=${BENCH_DATA_API_MS:-5}
if [[ $QUICK == 1 ]]; then DATA_CALLS=300; DATA_WARM=5; DATA_SECS=8; DATA_SAT=5; DATA_ROUNDS=1
else DATA_CALLS=2600; DATA_WARM=5; DATA_SECS=15; DATA_SAT=6; DATA_ROUNDS=${BENCH_DATA_ROUNDS:-3}; fi
RATE=${BENCH_RATE:-1000}
# The callback contenders (nexaflow, stateless Express, durable Express) take turns, two rounds; each one's first
# window comes after its warm-up (WARM, BASE_WARM), every later one after REWARM s of the same load.
REWARM=3
DURABLE_POOL=${BENCH_DURABLE_POOL:-10}
# The dialer phase: campaigns at callsPerSecond each (100 is the API's maximum), all started together.
DIALER_CAMPAIGNS=${BENCH_DIALER_CAMPAIGNS:-4}
DIALER_CPS=${BENCH_DIALER_CPS:-100}
DIALER_CONTACTS=${BENCH_DIALER_CONTACTS:-$([[ $QUICK == 1 ]] && echo 1000 || echo 3000)}
DIALER_ROUNDS=${BENCH_DIALER_ROUNDS:-2}
DIALER_PACE_CPS=${BENCH_DIALER_PACE_CPS:-60}
DIALER_PACE_SECS=$([[ $QUICK == 1 ]] && echo 15 || echo 30)
ORIG_CONC=16
# The tracing phase: saturation rounds with tracing off and on (and main's jar, given BENCH_TRACE_BASE).
TRACE_BASE=${BENCH_TRACE_BASE:-}
# 80 callbacks a call (flow.json's ring); every variant's warm-up and saturation take fresh ones, about 25 s at up to
# 8,000/s each: 4 variants x 2 rounds need ~16,000 calls. Too few and the rounds run dry (the summary says FAILED).
TRACE_CALLS=${BENCH_TRACE_CALLS:-$([[ $QUICK == 1 ]] && echo 4000 || echo 24000)}
# BENCH_TRACE_RATIO: the sample ratio of the 'on' variant (default: the service's own default, 0.1).
TRACE_RATIO=${BENCH_TRACE_RATIO:-}
# BENCH_TRACE_VARIANTS: which of off, on, full (and base, with BENCH_TRACE_BASE) to run.
TRACE_VARIANTS=${BENCH_TRACE_VARIANTS:-}
# BENCH_TRACE_ENV: more VAR=value settings for the 'on' variant (space-separated), to try a tracing setting.
# Variants beyond off/on/full/base: 'baseon' is the base jar with tracing on; 'zero' is on with nothing sampled (the
# fixed cost); 'exp<x>' is on plus the settings in BENCH_TRACE_EXP<X>_ENV (e.g. BENCH_TRACE_VARIANTS="off on exp1"
# BENCH_TRACE_EXP1_ENV="A=1 B=2").
# BENCH_TRACE_<VARIANT>_ENV adds settings to any variant (BENCH_TRACE_OFF_ENV="JAVA_TOOL_OPTIONS=-XX:...").
TRACE_ENV=${BENCH_TRACE_ENV:-}
TRACE_ROUNDS=${BENCH_TRACE_ROUNDS:-2}
# BENCH_TRACE_RATE: after each saturation window, this many callbacks/s for BENCH_TRACE_RATE_SECS (0: none), whose
# CPU per callback is the steadier measure of what tracing costs.
TRACE_RATE=${BENCH_TRACE_RATE:-$([[ $QUICK == 1 ]] && echo 0 || echo 800)}
TRACE_RATE_SECS=${BENCH_TRACE_RATE_SECS:-15}
# BENCH_TRACE_WARM: seconds of load before the measured windows. The JIT compiler takes tens of seconds of CPU on
# these 2 cores in a new JVM's first minute (more with tracing's code to compile): too short a warm-up measures it.
TRACE_WARM=${BENCH_TRACE_WARM:-$([[ $QUICK == 1 ]] && echo 5 || echo 60)}
TRACE_SAT=$([[ $QUICK == 1 ]] && echo 6 || echo 15)
ORIG_WARM=$([[ $QUICK == 1 ]] && echo 100 || echo 200)
DB=${BENCH_DB:-nexaflow_bench}
DB_MARK="created by nexaflow bench/run.sh"
PGB_CALLS=1000
# Serial GC: on 2 shared cores a single-threaded collector costs the least CPU, and its young pauses on this small
# heap are 2-4 ms (live set ~25-30 MiB, old generation flat under load); parallel/G1 threads would compete with
# PostgreSQL and the load generator. The heap is sized explicitly (the default is a quarter of RAM, 6 GiB here),
# MetaspaceSize avoids the two full GCs the default threshold causes during start-up, glibc is held to 2 malloc
# arenas (MALLOC_ARENA_MAX, below) and the JVM returns freed native memory every 5 s (TrimNativeHeapInterval: a
# product flag of this JDK 17 build, 17.0.15; left out where the JVM does not know it). See bench/FINDINGS.md.
JAVA_OPTS=${BENCH_JAVA_OPTS:-"-XX:+UseSerialGC -Xms80m -Xmx80m -Xmn32m -XX:MetaspaceSize=128m -XX:MaxMetaspaceSize=192m -XX:ReservedCodeCacheSize=64m -XX:+ExitOnOutOfMemoryError"}
if [[ -z ${BENCH_JAVA_OPTS:-} ]] && java -XX:TrimNativeHeapInterval=5000 -version >/dev/null 2>&1; then
  JAVA_OPTS+=" -XX:TrimNativeHeapInterval=5000"
fi
MALLOC_ARENAS=${BENCH_MALLOC_ARENA_MAX:-2}
T_START=$(date +%s)

PSQL=(psql -h 127.0.0.1 -p 5432 -U postgres -X -q -v ON_ERROR_STOP=1)
PIDS=()

log() { printf '\n[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { echo "bench: $*" >&2; exit 1; }
[[ -z $ONLY || $ONLY == outage || $ONLY == data || $ONLY == dialer || $ONLY == tracing ]] \
  || die "BENCH_ONLY=$ONLY: the phases that run alone are 'outage', 'data', 'dialer' and 'tracing'"
[[ -z $TRACE_BASE || -f $TRACE_BASE/quarkus-run.jar ]] || die "BENCH_TRACE_BASE=$TRACE_BASE has no quarkus-run.jar"

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

stop_pid() { # pid [seconds]: SIGTERM, then SIGKILL after the grace period; only processes this script started
  local pid=$1 grace=${2:-20}
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

db_is_ours() {
  [[ $("${PSQL[@]}" -d postgres -tAc "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$DB'") == "$DB_MARK" ]]
}

cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do stop_pid "$pid" 5; done
  if [[ ${BENCH_KEEP_DB:-0} != 1 ]] && db_is_ours 2>/dev/null; then
    "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  exit $rc
}
trap cleanup EXIT INT TERM

# ---------------------------------------------------------------------------------------------------------------
log "Prerequisites"
command -v wrk >/dev/null || { apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }; }
command -v pgbench >/dev/null || die "pgbench is missing (it comes with PostgreSQL: apt-get install postgresql-client)"
command -v node >/dev/null || die "node is missing (apt-get install nodejs npm)"
command -v psql >/dev/null || die "psql is missing"
"${PSQL[@]}" -d postgres -c 'SELECT 1' >/dev/null || die "no PostgreSQL on 127.0.0.1:5432 for user postgres"
# The postmaster of that cluster (the checkpointer's parent), to count its CPU.
PG_MASTER=$(awk '{print $4}' "/proc/$("${PSQL[@]}" -d postgres -tAc "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'")/stat" 2>/dev/null || echo 1)
if [[ ! -d $BENCH/baseline/node_modules/express || ! -d $BENCH/baseline/node_modules/pg ]]; then
  (cd "$BENCH/baseline" && npm ci --no-audit --no-fund --silent)
fi
main_quarkus=$(grep -m1 -o '<quarkus.version>[^<]*' "$ROOT/pom.xml" | cut -d'>' -f2)
ceiling_quarkus=$(grep -m1 -o '<quarkus.version>[^<]*' "$BENCH/ceiling/pom.xml" | cut -d'>' -f2)
[[ $main_quarkus == "$ceiling_quarkus" ]] || die "bench/ceiling/pom.xml has Quarkus $ceiling_quarkus, the service $main_quarkus: align them"

JAR=$ROOT/target/quarkus-app/quarkus-run.jar
CEILING_JAR=$BENCH/ceiling/target/quarkus-app/quarkus-run.jar
if [[ ${BENCH_NO_BUILD:-0} != 1 ]]; then
  # AppCDS (-Dquarkus.package.jar.aot.enabled): the archive is made by this JDK for this JDK, so the bench builds
  # it itself instead of the default build (see application.properties, Performance).
  if [[ ! -f $JAR || ! -f $ROOT/target/quarkus-app/app-cds.jsa ]] \
    || [[ -n $(find "$ROOT/src/main" "$ROOT/db" "$ROOT/pom.xml" -newer "$JAR" -type f -print -quit) ]]; then
    log "Building the service jar with an AppCDS archive (./mvnw -q package -DskipTests -Dquarkus.package.jar.aot.enabled=true)"
    (cd "$ROOT" && ./mvnw -q -B package -DskipTests -Dquarkus.package.jar.aot.enabled=true)
  fi
  if [[ -n $ONLY ]]; then :
  elif [[ ! -f $CEILING_JAR ]] || [[ -n $(find "$BENCH/ceiling/src" "$BENCH/ceiling/pom.xml" -newer "$CEILING_JAR" -type f -print -quit) ]]; then
    log "Building the HTTP-ceiling app (bench/ceiling)"
    (cd "$ROOT" && ./mvnw -q -B -f bench/ceiling/pom.xml package -DskipTests)
  fi
fi
[[ -f $JAR && ( -f $CEILING_JAR || -n $ONLY ) ]] || die "jars missing (run without BENCH_NO_BUILD)"

APP_PORT=$(free_port); STUB_PORT=$(free_port); CEILING_PORT=$(free_port); EXPRESS_PORT=$(free_port)
DURABLE_PORT=$(free_port)
DB_PROXY_PORT=$(free_port)
ADMIN_KEY="bench-admin-$STAMP"

# Machine facts, and how busy it was before we started (other engineers share it).
busy_sample() { # seconds -> percent of all CPUs busy over that window
  local a b
  a=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)
  sleep "$1"
  b=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)
  awk -v a="$a" -v b="$b" 'BEGIN{split(a,x," ");split(b,y," ");printf "%.1f", 100*(y[1]-x[1])/(y[2]-x[2])}'
}
IDLE_BUSY=$(busy_sample 3)
node -e '
const os=require("os"),fs=require("fs");
fs.writeFileSync(process.argv[1], JSON.stringify({
  stamp: process.argv[2], quick: process.argv[3]==="1", cpus: os.cpus().length, cpuModel: os.cpus()[0].model,
  memGiB: +(os.totalmem()/2**30).toFixed(1), loadavg: os.loadavg(), busyBeforePct: +process.argv[4],
  javaOpts: process.argv[5], connections: +process.argv[6], rate: +process.argv[7], calls: +process.argv[8],
  phases: {warm: +process.argv[9], saturation: +process.argv[10], rateSeconds: +process.argv[11],
           baselineSeconds: +process.argv[12], baselineRateSeconds: +process.argv[13], pgbench: +process.argv[14],
           baselineWarm: +process.argv[15], rewarm: +process.argv[16]},
  durablePool: +process.argv[17]
}, null, 2));' "$OUT/machine.json" "$STAMP" "$QUICK" "$IDLE_BUSY" "MALLOC_ARENA_MAX=$MALLOC_ARENAS${BENCH_WRITERS:+ NEXAFLOW_CALLBACK_WRITERS=$BENCH_WRITERS} java $JAVA_OPTS" "$CONN" "$RATE" "$CALLS" \
  "$WARM" "$SAT" "$RATE_SECS" "$BASE_SECS" "$BASE_RATE_SECS" "$PGB_SECS" "$BASE_WARM" "$REWARM" "$DURABLE_POOL"
{ java -version 2>&1 | head -1; node --version; wrk --version 2>&1 | head -1; pgbench --version;
  "${PSQL[@]}" -d postgres -tAc 'SHOW server_version'; } > "$OUT/versions.txt" || true
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), ${IDLE_BUSY}% busy before the run"

# ---------------------------------------------------------------------------------------------------------------
log "Database $DB (own database on the local PostgreSQL)"
if "${PSQL[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
  db_is_ours || die "database $DB exists and was not made by this script; set BENCH_DB to another name"
  "${PSQL[@]}" -d postgres -c "DROP DATABASE $DB WITH (FORCE)"
fi
"${PSQL[@]}" -d postgres -c "CREATE DATABASE $DB" -c "COMMENT ON DATABASE $DB IS '$DB_MARK'"

# ---------------------------------------------------------------------------------------------------------------
log "Stub Nexafone on 127.0.0.1:$STUB_PORT"
: > "$OUT/calls.txt"
node "$LIB/stub-nexafone.js" "$STUB_PORT" "$OUT/calls.txt" > "$OUT/stub.log" 2>&1 &
STUB_PID=$!; PIDS+=("$STUB_PID")
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$STUB_PORT/stats" >/dev/null && break; sleep 0.05; done

log "Database proxy on 127.0.0.1:$DB_PROXY_PORT (the outage phase cuts it; the other phases connect directly)"
node "$LIB/db-proxy.js" "$DB_PROXY_PORT" 5432 > "$OUT/db-proxy.log" 2>&1 &
PROXY_PID=$!; PIDS+=("$PROXY_PID")
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$DB_PROXY_PORT") 2>/dev/null && break; sleep 0.05; done

APP_ENV=(
  MALLOC_ARENA_MAX="$MALLOC_ARENAS"
  QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$APP_PORT"
  QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:5432/$DB"
  QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD=postgres
  NEXAFLOW_WEBHOOK_SECRET="bench-webhook-secret-$STAMP" NEXAFLOW_PUBLIC_URL="http://127.0.0.1:$APP_PORT"
  NEXAFLOW_ADMIN_API_KEY="$ADMIN_KEY" NEXAFLOW_JOURNAL_DIR="$OUT/journal"
  # A distinct fallback verb, so the load generators can tell a fallback answer from the flow's own end.
  NEXAFLOW_CALLBACK_FALLBACK_AUDIO_URL="https://nexafone.com/audio-prompts/bench-fallback.wav"
  NEXAFONE_API_URL="http://127.0.0.1:$STUB_PORT" NEXAFONE_ACCOUNT_ID=bench-account
  NEXAFONE_API_KEY=ak_bench_key NEXAFONE_API_SECRET=as_bench_secret
)
# Optional writer-count override, to compare against the configured default.
if [[ -n ${BENCH_WRITERS:-} ]]; then APP_ENV+=(NEXAFLOW_CALLBACK_WRITERS="$BENCH_WRITERS"); fi
# Nothing from the caller's shell leaks in (same rule as the packaged-jar tests).
CLEAN_ENV=(env)
while IFS='=' read -r name _; do
  [[ $name =~ ^(QUARKUS|NEXAFLOW|NEXAFONE|OTEL)_ ]] && CLEAN_ENV+=(-u "$name")
done < <(env)

now_ms() { date +%s%3N; }

wait_ready() { # url pid limit_s -> prints ms since $T0 when /q/health/ready answers 200
  local url=$1 pid=$2 limit=$3
  local deadline=$(( $(now_ms) + limit * 1000 ))
  while (( $(now_ms) < deadline )); do
    kill -0 "$pid" 2>/dev/null || return 1
    if [[ $(curl -s -o /dev/null -w '%{http_code}' "$url" 2>/dev/null) == 200 ]]; then
      echo $(( $(now_ms) - T0 )); return 0
    fi
    sleep 0.02
  done
  return 1
}

# AppCDS: when the build made an archive (quarkus.package.jar.aot.enabled, built above), use it. It
# only works from the app's own directory with the same JDK build; otherwise the JVM warns and starts without it.
APP_CDS=()
if [[ -f $ROOT/target/quarkus-app/app-cds.jsa ]]; then APP_CDS=(-XX:SharedArchiveFile=app-cds.jsa); fi
echo "AppCDS archive: ${APP_CDS[*]:-none}"

APP_PID=; READY_MS=
APP_DIR=$ROOT/target/quarkus-app
start_app() { # label [extra java opts] -> sets APP_PID and READY_MS (ms from exec to /q/health/ready 200)
  local label=$1; shift
  local cds=("${APP_CDS[@]}")
  if [[ $APP_DIR != "$ROOT/target/quarkus-app" ]]; then cds=(); [[ -f $APP_DIR/app-cds.jsa ]] && cds=(-XX:SharedArchiveFile=app-cds.jsa); fi
  T0=$(now_ms)
  (cd "$APP_DIR" && exec "${CLEAN_ENV[@]}" "${APP_ENV[@]}" java $JAVA_OPTS "${cds[@]}" "$@" -jar quarkus-run.jar) \
    > "$OUT/app-$label.log" 2>&1 &
  APP_PID=$!; PIDS+=("$APP_PID")
  READY_MS=$(wait_ready "http://127.0.0.1:$APP_PORT/q/health/ready" "$APP_PID" 60) \
    || { tail -30 "$OUT/app-$label.log"; die "nexaflow did not become ready ($label)"; }
}

rss_kib() { awk '/^VmRSS/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
RSS_SAMPLER=
rss_sampler_start() { # pid file: VmRSS every 0.25 s while the pid lives (stopped by rss_sampler_stop)
  ( while kill -0 "$1" 2>/dev/null; do rss_kib "$1"; sleep 0.25; done ) > "$2" &
  RSS_SAMPLER=$!; PIDS+=("$RSS_SAMPLER")
}
rss_sampler_stop() { stop_pid "$RSS_SAMPLER" 2; }

pg_ticks() { # CPU ticks of the cluster's processes that work for us: the postmaster, its shared workers (WAL
  # writer, checkpointer, background writer...) and our database's backends. Backends of other databases (other
  # people's tests share the cluster) and other clusters are left out. One ps, one awk: fast enough to sample
  # short-lived pgbench backends.
  local pids
  pids=$(ps -o pid=,args= --ppid "$PG_MASTER" 2>/dev/null \
    | awk -v db="$DB" '$2 == "postgres:" { if ($6 ~ /\(/ && $5 != db) next; print $1 }')
  (cd /proc && cat $(for p in $PG_MASTER $pids; do echo "$p/stat"; done) 2>/dev/null) | awk '{s += $14 + $15} END {print s + 0}'
}
cpu_ticks() { # pid -> "machine_busy machine_total pid_ticks postgres_ticks"
  local m p pg
  m=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)
  p=$(awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0)
  pg=$(pg_ticks)
  echo "$m $p $pg"
}
cpu_json() { # before after requests -> JSON with CPU use over the window
  awk -v a="$1" -v b="$2" -v n="$3" -v hz="$(getconf CLK_TCK)" 'BEGIN{
    split(a,x," "); split(b,y," ");
    busy=(y[1]-x[1]); total=(y[2]-x[2]); app=(y[3]-x[3])/hz; pg=(y[4]-x[4])/hz;
    printf "{\"machineBusyPct\":%.1f,\"appCpuSeconds\":%.2f,\"postgresCpuSeconds\":%.2f,\"appUsPerRequest\":%.1f,\"postgresUsPerRequest\":%.1f}",
      100*busy/total, app, pg, (n>0?1e6*app/n:0), (n>0?1e6*pg/n:0)}'
}

dtmf_rows() { "${PSQL[@]}" -d "$DB" -tAc "SELECT count(*) FROM call_event WHERE type = 'DTMF'"; }

run_wrk() { # name url mode source seconds connections [left acks]
  local name=$1 url=$2 mode=$3 source=$4 secs=$5 conns=$6 left=${7:-} acks=${8:-}
  BENCH_WRK_OUT="$OUT/$name.json" BENCH_WRK_LEFT="$left" BENCH_WRK_ACKS="$acks" \
    timeout $((secs + 60)) wrk -t2 -c"$conns" -d"${secs}s" --timeout 10s -s "$LIB/callbacks.lua" "$url" \
      -- "$mode" "$source" 2 > "$OUT/$name.wrk.txt" 2>&1 || { cat "$OUT/$name.wrk.txt"; die "wrk $name failed"; }
  tail -1 "$OUT/$name.wrk.txt"
}

run_rate() { # name url mode source seconds [left acks]
  local name=$1 url=$2 mode=$3 source=$4 secs=$5 left=${6:-} acks=${7:-}
  timeout $((secs + 60)) node "$LIB/fixed-rate.js" "$url" "$mode" "$source" "$RATE" "$secs" 64 "$OUT/$name.json" \
    "$left" "$acks" || die "fixed-rate $name failed"
}

create_flow() { # [file] -> the id of the flow in file (default lib/flow.json), created through the API
  curl -fsS -X POST "http://127.0.0.1:$APP_PORT/v1/flows" -H "Authorization: Bearer $ADMIN_KEY" \
    -H 'Content-Type: application/json' --data @"${1:-$LIB/flow.json}" | node -pe 'JSON.parse(require("fs").readFileSync(0)).id'
}

journal_depth() { # the service's nexaflow_journal_depth gauge, or NA when it has none
  # awk reads to the end: leaving early would break curl's pipe (exit 23), which pipefail turns into the script's end.
  curl -s --max-time 1 "http://127.0.0.1:$APP_PORT/q/metrics" 2>/dev/null \
    | awk '!f && $1 ~ /^nexaflow_journal_depth($|[{])/ {print $2 + 0; f = 1} END {if (!f) print "NA"}'
}

outage_phase() { # pool-file: the service behind the database proxy, callbacks at a fixed rate, the proxy cut meanwhile
  local pool=$1 before=3 after=7 secs d i poller
  secs=$((before + OUTAGE_SECS + after))
  log "Outage: $OUTAGE_RATE callbacks/s for ${secs}s (after a 5 s pre-roll), PostgreSQL cut by the proxy from ${before}s for ${OUTAGE_SECS}s"
  local saved=("${APP_ENV[@]}")
  APP_ENV+=(QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:$DB_PROXY_PORT/$DB")
  start_app outage
  APP_ENV=("${saved[@]}")
  # The journal's depth every 100 ms, from before the cut until it is empty again (bounded).
  ( for ((i = 0; i < (secs + 80) * 10; i++)); do echo "$(now_ms) $(journal_depth)"; sleep 0.1; done ) > "$OUT/outage-depth.txt" &
  poller=$!; PIDS+=("$poller")
  BENCH_PREROLL=5 BENCH_WINDOW="$before,$((before + OUTAGE_SECS))" BENCH_WINDOW_PID=$PROXY_PID \
    timeout $((secs + 70)) node "$LIB/fixed-rate.js" "http://127.0.0.1:$APP_PORT" chain "$pool" "$OUTAGE_RATE" "$secs" 64 \
      "$OUT/outage.json" "" "$OUT/acks-outage.txt" || { kill -USR2 "$PROXY_PID"; die "fixed-rate outage failed"; }
  kill -USR2 "$PROXY_PID"
  for ((i = 0; i < 600; i++)); do d=$(journal_depth); [[ $d == 0 || $d == NA ]] && break; sleep 0.1; done
  sleep 0.3; stop_pid "$poller" 1
  # Events lost: acknowledged callbacks (every phase's, per call) with no committed DTMF row once the journal drained.
  { cat "$OUT"/acks-{warm-1,sat-1,warm-2,sat-2,rate,outage}.txt 2>/dev/null || true; } | awk 'NF==2' > "$OUT/acks-outage-all.txt"
  "${PSQL[@]}" -d "$DB" -tA -F ' ' > "$OUT/outage-lost.txt" <<SQL
CREATE TEMP TABLE acks (call_id text, n int);
\copy acks FROM '$OUT/acks-outage-all.txt' WITH (FORMAT text, DELIMITER ' ')
WITH a AS (SELECT call_id, sum(n) AS n FROM acks GROUP BY call_id),
     d AS (SELECT c.platform_call_id, count(*) AS n FROM call_event e JOIN call c ON c.id = e.call_id
            WHERE e.type = 'DTMF' GROUP BY c.platform_call_id)
SELECT coalesce(sum(greatest(a.n - coalesce(d.n, 0), 0)), 0), count(*) FILTER (WHERE coalesce(d.n, 0) < a.n)
  FROM a LEFT JOIN d ON d.platform_call_id = a.call_id;
SQL
  node -e '
const fs = require("fs"), out = process.argv[1];
const r = JSON.parse(fs.readFileSync(out + "/outage.json")), w = r.window;
const [lost, callsShort] = fs.readFileSync(out + "/outage-lost.txt", "utf8").trim().split(" ").map(Number);
const depth = fs.readFileSync(out + "/outage-depth.txt", "utf8").trim().split("\n").map((l) => l.split(" "))
  .filter((x) => x.length === 2 && x[1] !== "NA").map(([t, d]) => [+t, +d]);
const empty = depth.find(([t, d]) => t >= w.endEpochMs && d === 0);
const a = w.answers;
const s = { rate: r.rate, outageSeconds: (w.endEpochMs - w.startEpochMs) / 1000,
  duringOutage: { answered: a.next + a.ended + a.fallback, withFlowVerb: a.next + a.ended, fallback: a.fallback,
                  non200: a.non200, errors: a.errors, latencyMs: w.latencyMs },
  wholePhase: { answers: r.answers, latencyMs: r.latencyMs },
  journal: { depthMetric: depth.length > 0, maxDepth: depth.length ? Math.max(...depth.map((x) => x[1])) : null,
             drainMs: empty ? empty[0] - w.endEpochMs : null },
  eventsLost: lost, callsWithLostEvents: callsShort };
s.ok = lost === 0 && r.answers.fallback === 0 && r.answers.non200 === 0 && r.answers.errors === 0;
fs.writeFileSync(out + "/outage-summary.json", JSON.stringify(s, null, 2));
const f = (v) => (v == null ? "n/a" : v.toFixed(2));
console.log(`outage ${s.outageSeconds} s at ${s.rate}/s: ${s.duringOutage.answered} callbacks answered during it, ` +
  `${s.duringOutage.withFlowVerb} with the flow verb, ${s.duringOutage.fallback} fallbacks, ${a.non200} non-200, ${a.errors} errors; ` +
  `p50 ${f(w.latencyMs.p50)} ms, p99 ${f(w.latencyMs.p99)} ms, max ${f(w.latencyMs.max)} ms; journal max depth ${s.journal.maxDepth ?? "n/a"}, ` +
  `drained ${s.journal.drainMs == null ? "n/a (no nexaflow_journal_depth metric)" : s.journal.drainMs + " ms after the database returned"}; ` +
  `events lost ${lost}; whole phase ${JSON.stringify(r.answers)} -> ${s.ok ? "ok" : "FAILED"}`);' "$OUT"
  stop_pid "$APP_PID"
}

data_phase() { # data-driven callbacks beside plain ones (issue 13): fixed rate and saturation, interleaved
  local api_port kind round n flow prev pools=() saved=("${APP_ENV[@]}")
  api_port=$(free_port)
  log "Data-driven flows: plain, set and http rings, $DATA_CALLS calls each; business API on 127.0.0.1:$api_port answering in $DATA_API_MS ms"
  node "$LIB/business-api.js" "$api_port" "$DATA_API_MS" > "$OUT/business-api.log" 2>&1 &
  PIDS+=("$!")
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$api_port/stats" >/dev/null && break; sleep 0.05; done
  APP_ENV+=(NEXAFLOW_HTTP_INSECURE_HOSTS="127.0.0.1:$api_port")
  start_app data
  APP_ENV=("${saved[@]}")
  node "$LIB/data-flow.js" plain > "$OUT/flow-plain.json"
  node "$LIB/data-flow.js" set > "$OUT/flow-set.json"
  node "$LIB/data-flow.js" http "http://127.0.0.1:$api_port" > "$OUT/flow-http.json"
  for kind in plain set http; do
    flow=$(create_flow "$OUT/flow-$kind.json")
    n=$(wc -l < "$OUT/calls.txt")
    BENCH_VARIABLES=$([[ $kind == plain ]] || echo '{"acct": "0", "balance": 0, "last": "0"}') \
      timeout 200 node "$LIB/originate.js" "http://127.0.0.1:$APP_PORT" "$ADMIN_KEY" "$flow" "$DATA_CALLS" "$ORIG_CONC" \
        "$OUT/originate-data-$kind.json" 120 || die "originate ($kind) failed"
    tail -n +$((n + 1)) "$OUT/calls.txt" | sort -R > "$OUT/pool-$kind-0.txt"
    run_wrk "data-$kind-warm" "http://127.0.0.1:$APP_PORT" chain "$OUT/pool-$kind-0.txt" "$DATA_WARM" "$CONN" \
      "$OUT/pool-$kind-1.txt" >/dev/null
  done
  # Rounds of plain, set, http back to back: drift of the machine hits the three alike.
  for round in $(seq "$DATA_ROUNDS"); do
    for kind in plain set http; do
      prev=$OUT/pool-$kind-$((2 * round - 1)).txt
      log "data $kind, round $round: $DATA_RATE callbacks/s for ${DATA_SECS}s, then saturation ${DATA_SAT}s"
      timeout $((DATA_SECS + 70)) node "$LIB/fixed-rate.js" "http://127.0.0.1:$APP_PORT" chain "$prev" "$DATA_RATE" \
        "$DATA_SECS" 64 "$OUT/data-$kind-rate-$round.json" "$OUT/pool-$kind-$((2 * round)).txt" \
        || die "fixed-rate data-$kind failed"
      run_wrk "data-$kind-sat-$round" "http://127.0.0.1:$APP_PORT" chain "$OUT/pool-$kind-$((2 * round)).txt" "$DATA_SAT" \
        "$CONN" "$OUT/pool-$kind-$((2 * round + 1)).txt"
    done
  done
  curl -fsS "http://127.0.0.1:$api_port/stats" > "$OUT/business-api-stats.json"
  "${PSQL[@]}" -d "$DB" -tAc "SELECT count(*) FILTER (WHERE payload->>'ok' = 'true'), count(*) FILTER (WHERE payload->>'ok' = 'false')
                                FROM call_event WHERE type = 'HTTP_REQUEST'" > "$OUT/data-http-events.txt"
  stop_pid "$APP_PID"
  node "$LIB/data-summary.js" "$OUT" "$DATA_ROUNDS" "$DATA_API_MS"
}

dialer_phase() { # campaigns dialled by the service against the stub, beside POST /v1/calls, interleaved rounds
  local round flow a0 a1 n saved=("${APP_ENV[@]}")
  log "Dialer: $DIALER_ROUNDS round(s) of: POST /v1/calls, $DIALER_CAMPAIGNS campaigns x $DIALER_CONTACTS contacts at $DIALER_CPS calls/s each (throughput), 2 campaigns at $DIALER_PACE_CPS calls/s for ${DIALER_PACE_SECS}s (pace)"
  start_app dialer
  APP_ENV=("${saved[@]}")
  flow=$(curl -fsS -X POST "http://127.0.0.1:$APP_PORT/v1/flows" -H "Authorization: Bearer $ADMIN_KEY" \
    -H 'Content-Type: application/json' --data '{"name": "bench-reminder", "definition": {"start": "hi", "nodes": {
      "hi": {"type": "play", "audioUrl": "https://nexafone.com/audio-prompts/thanks_for_call_plz_wait.wav", "next": "bye"},
      "bye": {"type": "hangup"}}}, "publish": true}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).id')
  # Warm-up: a small campaign and some API originates, so both paths are compiled before they are measured.
  timeout 200 node "$LIB/dialer.js" "http://127.0.0.1:$APP_PORT" "$ADMIN_KEY" "http://127.0.0.1:$STUB_PORT" "$flow" \
    2 500 "$DIALER_CPS" "$OUT/dialer-warm.json" 120 9 || die "dialer warm-up failed"
  timeout 200 node "$LIB/originate.js" "http://127.0.0.1:$APP_PORT" "$ADMIN_KEY" "$flow" 1000 "$ORIG_CONC" \
    "$OUT/dialer-api-warm.json" 120 || die "originate warm-up failed"
  n=$((DIALER_CAMPAIGNS * DIALER_CONTACTS))
  for round in $(seq "$DIALER_ROUNDS"); do
    log "dialer round $round: POST /v1/calls x $n (concurrency $ORIG_CONC), then the campaigns"
    a0=$(cpu_ticks "$APP_PID")
    timeout 300 node "$LIB/originate.js" "http://127.0.0.1:$APP_PORT" "$ADMIN_KEY" "$flow" "$n" "$ORIG_CONC" \
      "$OUT/dialer-api-$round.json" 240 || die "originate round $round failed"
    a1=$(cpu_ticks "$APP_PID")
    cpu_json "$a0" "$a1" "$(node -pe 'JSON.parse(require("fs").readFileSync(process.argv[1])).accepted' "$OUT/dialer-api-$round.json")" \
      > "$OUT/dialer-api-cpu-$round.json"
    a0=$(cpu_ticks "$APP_PID")
    timeout 400 node "$LIB/dialer.js" "http://127.0.0.1:$APP_PORT" "$ADMIN_KEY" "http://127.0.0.1:$STUB_PORT" "$flow" \
      "$DIALER_CAMPAIGNS" "$DIALER_CONTACTS" "$DIALER_CPS" "$OUT/dialer-$round.json" 300 "$round" || die "dialer round $round failed"
    a1=$(cpu_ticks "$APP_PID")
    cpu_json "$a0" "$a1" "$(node -pe 'JSON.parse(require("fs").readFileSync(process.argv[1])).originates' "$OUT/dialer-$round.json")" \
      > "$OUT/dialer-cpu-$round.json"
    # Pace: two campaigns at a rate the machine sustains beside everything else, every 10 s window checked.
    timeout 400 node "$LIB/dialer.js" "http://127.0.0.1:$APP_PORT" "$ADMIN_KEY" "http://127.0.0.1:$STUB_PORT" "$flow" \
      2 "$((DIALER_PACE_CPS * DIALER_PACE_SECS))" "$DIALER_PACE_CPS" "$OUT/dialer-pace-$round.json" 300 "$((round + 4))" \
      || die "dialer pace round $round failed"
    "${PSQL[@]}" -d "$DB" -tA -c "SELECT created_by, floor(extract(epoch FROM created_at))::bigint, count(*) FROM call
                                   WHERE created_by LIKE 'campaign %' GROUP BY 1, 2 ORDER BY 1, 2" > "$OUT/dialer-seconds-$round.txt"
  done
  stop_pid "$APP_PID"
  node "$LIB/dialer-summary.js" "$OUT" "$DIALER_ROUNDS"
}

tracing_phase() { # callback saturation, tracing off vs on (exported to a discarding OTLP sink) [vs main's jar]
  local sink_port round variant pool=0 order variants saved=("${APP_ENV[@]}") c0 c1 n extra
  # on: the default sample ratio; full: every trace kept (NEXAFLOW_TRACES_SAMPLE_RATIO=1.0).
  variants=(off on full)
  [[ -n $TRACE_BASE ]] && variants=(base off on full)
  [[ -n $TRACE_VARIANTS ]] && read -r -a variants <<< "$TRACE_VARIANTS"
  sink_port=$(free_port)
  log "Tracing: ${variants[*]}, $TRACE_ROUNDS interleaved round(s) of ${TRACE_WARM}s warm-up + ${TRACE_SAT}s saturation each, on $TRACE_CALLS calls; OTLP sink on 127.0.0.1:$sink_port"
  node "$LIB/otlp-sink.js" "$sink_port" > "$OUT/otlp-sink.log" 2>&1 &
  PIDS+=("$!")
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$sink_port/stats" >/dev/null && break; sleep 0.05; done
  start_app trace-seed
  FLOW_ID=$(create_flow)
  n=$(wc -l < "$OUT/calls.txt")
  timeout 300 node "$LIB/originate.js" "http://127.0.0.1:$APP_PORT" "$ADMIN_KEY" "$FLOW_ID" "$TRACE_CALLS" "$ORIG_CONC" \
    "$OUT/originate-trace.json" 240 || die "originate (tracing) failed"
  tail -n +$((n + 1)) "$OUT/calls.txt" | sort -R > "$OUT/pool-trace-0.txt"
  stop_pid "$APP_PID"
  for round in $(seq "$TRACE_ROUNDS"); do
    order=("${variants[@]}")
    if (( round % 2 == 0 )); then order=(); for ((i = ${#variants[@]} - 1; i >= 0; i--)); do order+=("${variants[i]}"); done; fi
    for variant in "${order[@]}"; do
      case $variant in
        on) APP_ENV+=(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$sink_port" QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf)
            [[ -n $TRACE_RATIO ]] && APP_ENV+=(NEXAFLOW_TRACES_SAMPLE_RATIO="$TRACE_RATIO")
            [[ -n $TRACE_ENV ]] && { read -r -a extra <<< "$TRACE_ENV"; APP_ENV+=("${extra[@]}"); } ;;
        full) APP_ENV+=(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$sink_port" QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
                        NEXAFLOW_TRACES_SAMPLE_RATIO=1.0) ;;
        zero) APP_ENV+=(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$sink_port" QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
                        NEXAFLOW_TRACES_SAMPLE_RATIO=0) ;;
        exp*) [[ -n $(printenv "BENCH_TRACE_${variant^^}_ENV") ]] \
                || die "variant $variant needs BENCH_TRACE_${variant^^}_ENV (VAR=value settings on top of 'on')"
              APP_ENV+=(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$sink_port" QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf) ;;
        base) APP_DIR=$TRACE_BASE ;;
        baseon) APP_DIR=$TRACE_BASE  # the base jar with tracing on, as 'on'
                APP_ENV+=(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$sink_port" QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf) ;;
      esac
      # BENCH_TRACE_<VARIANT>_ENV: settings added to any one variant (a JFR recording, say).
      extra=$(printenv "BENCH_TRACE_${variant^^}_ENV" || true)
      [[ -n $extra ]] && { read -r -a extra <<< "$extra"; APP_ENV+=("${extra[@]}"); }
      log "tracing $variant, round $round"
      start_app "trace-$variant-$round"
      APP_ENV=("${saved[@]}"); APP_DIR=$ROOT/target/quarkus-app
      run_wrk "trace-$variant-warm-$round" "http://127.0.0.1:$APP_PORT" chain "$OUT/pool-trace-$pool.txt" "$TRACE_WARM" \
        "$CONN" "$OUT/pool-trace-$((pool + 1)).txt" >/dev/null
      c0=$(cpu_ticks "$APP_PID")
      run_wrk "trace-$variant-sat-$round" "http://127.0.0.1:$APP_PORT" chain "$OUT/pool-trace-$((pool + 1)).txt" "$TRACE_SAT" \
        "$CONN" "$OUT/pool-trace-$((pool + 2)).txt"
      c1=$(cpu_ticks "$APP_PID")
      cpu_json "$c0" "$c1" "$(node -pe 'JSON.parse(require("fs").readFileSync(process.argv[1])).requests' "$OUT/trace-$variant-sat-$round.json")" \
        > "$OUT/trace-$variant-sat-$round-cpu.json"
      pool=$((pool + 2))
      if (( TRACE_RATE > 0 )); then
        # The same callbacks at a fixed rate below saturation: the CPU each costs the service, without the
        # scheduling luck of a saturated 2-core machine (the group commit's batches are alike at one rate).
        c0=$(cpu_ticks "$APP_PID")
        RATE=$TRACE_RATE run_rate "trace-$variant-rate-$round" "http://127.0.0.1:$APP_PORT" chain \
          "$OUT/pool-trace-$pool.txt" "$TRACE_RATE_SECS" "$OUT/pool-trace-$((pool + 1)).txt"
        c1=$(cpu_ticks "$APP_PID")
        cpu_json "$c0" "$c1" "$(node -pe 'const r = JSON.parse(require("fs").readFileSync(process.argv[1]));
          r.answered + r.preRoll.answered' "$OUT/trace-$variant-rate-$round.json")" > "$OUT/trace-$variant-rate-$round-cpu.json"
        pool=$((pool + 1))
      fi
      stop_pid "$APP_PID"
    done
  done
  curl -fsS "http://127.0.0.1:$sink_port/stats" > "$OUT/otlp-sink-stats.json"
  node "$LIB/tracing-summary.js" "$OUT" "$TRACE_ROUNDS" "${variants[@]}"
}

if [[ $ONLY == tracing ]]; then
  log "Tracing only (BENCH_ONLY=tracing); RESULTS.md is not written"
  tracing_phase
  exit 0
fi
if [[ $ONLY == outage ]]; then
  log "Outage phase only (BENCH_ONLY=outage): $OUTAGE_CALLS calls originated first; RESULTS.md is not written"
  start_app seed
  FLOW_ID=$(create_flow)
  timeout 200 node "$LIB/originate.js" "http://127.0.0.1:$APP_PORT" "$ADMIN_KEY" "$FLOW_ID" "$OUTAGE_CALLS" "$ORIG_CONC" \
    "$OUT/originate-outage.json" 120 || die "originate failed"
  sort -R "$OUT/calls.txt" > "$OUT/pool-outage.txt"
  stop_pid "$APP_PID"
  outage_phase "$OUT/pool-outage.txt"
  exit 0
fi
if [[ $ONLY == dialer ]]; then
  log "Campaign dialer only (BENCH_ONLY=dialer); RESULTS.md is not written"
  dialer_phase
  exit 0
fi
if [[ $ONLY == data ]]; then
  log "Data-driven flows only (BENCH_ONLY=data); RESULTS.md is not written"
  data_phase
  exit 0
fi

# ---------------------------------------------------------------------------------------------------------------
log "Footprint: start to ready (first start migrates the empty database)"
start_app first; FIRST_MS=$READY_MS
echo "first start: ready in $FIRST_MS ms"
stop_pid "$APP_PID"
READY=()
for i in $(seq "$RESTARTS"); do
  start_app "restart-$i"; READY+=("$READY_MS"); echo "restart $i: ready in $READY_MS ms"
  if [[ $i -lt $RESTARTS ]]; then stop_pid "$APP_PID"; fi
done
sleep 3
RSS_IDLE=$(rss_kib "$APP_PID")
echo "RSS idle: $((RSS_IDLE / 1024)) MiB"
node -e 'const [o, first, idle, ...r] = process.argv.slice(1);
  require("fs").writeFileSync(o, JSON.stringify({firstStartMs: +first, restartMs: r.map(Number), rssIdleKiB: +idle}));' \
  "$OUT/startup.json" "$FIRST_MS" "$RSS_IDLE" "${READY[@]}"
# Quarkus' own "started in" lines, for the record.
grep -ho 'started in [0-9.]*s' "$OUT"/app-*.log | sed 's/^/  quarkus: /' || true

# The image's start-up (bench/startup.sh, bench/STARTUP.md): JDK 17 as the build runs it, and JDK 25 with the AOT
# cache the image records, interleaved; the service above is stopped meanwhile and started again after.
log "Start-up on JDK 17 and on JDK 25 with the image's AOT cache ($STARTUP_RUNS restarts each)"
stop_pid "$APP_PID"
STARTUP_JDBC_URL="jdbc:postgresql://127.0.0.1:5432/$DB" STARTUP_RUNS=$STARTUP_RUNS \
  timeout 600 bash "$BENCH/startup.sh" "$OUT/startup" || echo "bench/startup.sh failed: ready on both JDKs not measured"
cp "$OUT/startup/startup-jdks.json" "$OUT/startup-jdks.json" 2>/dev/null || true
start_app "after-startup"

# ---------------------------------------------------------------------------------------------------------------
log "Flow and calls: originate $ORIG_WARM (warm-up) + $CALLS calls through POST /v1/calls (concurrency $ORIG_CONC) against the stub"
FLOW_ID=$(create_flow)
echo "flow $FLOW_ID"
# A JIT warm-up first (its calls are used for callbacks too), then the measured originates.
timeout 200 node "$LIB/originate.js" "http://127.0.0.1:$APP_PORT" "$ADMIN_KEY" "$FLOW_ID" "$ORIG_WARM" "$ORIG_CONC" \
  "$OUT/originate-warm.json" 120 || die "originate warm-up failed"
A0=$(cpu_ticks "$APP_PID")
timeout 300 node "$LIB/originate.js" "http://127.0.0.1:$APP_PORT" "$ADMIN_KEY" "$FLOW_ID" "$CALLS" "$ORIG_CONC" \
  "$OUT/originate.json" 240 || die "originate failed"
A1=$(cpu_ticks "$APP_PID")
curl -fsS "http://127.0.0.1:$STUB_PORT/stats" > "$OUT/stub-stats.json"
ACCEPTED=$(node -pe 'JSON.parse(require("fs").readFileSync(process.argv[1])).accepted' "$OUT/originate.json")
cpu_json "$A0" "$A1" "$ACCEPTED" > "$OUT/originate-cpu.json"
echo "stub: $(cat "$OUT/stub-stats.json")"
sort -R "$OUT/calls.txt" > "$OUT/pool-0.txt"   # calls in random order across the wrk threads
echo "calls seeded: $(wc -l < "$OUT/pool-0.txt") (80 callbacks each)"

# ---------------------------------------------------------------------------------------------------------------
# Gather callbacks: nexaflow and the two Express baselines take turns at saturation, two rounds (nexaflow, Express,
# durable Express; then the reverse order, so a drift of the machine weighs on every contender alike). Idle
# contenders stay up between their turns. Then each one at the fixed rate, nexaflow first.
log "Express baselines: stateless on 127.0.0.1:$EXPRESS_PORT (bench/baseline/server.js), durable on 127.0.0.1:$DURABLE_PORT (durable.js, pg pool $DURABLE_POOL), node $(node --version)"
BASELINE_PID=
start_baseline() { # name script port [env...] -> sets BASELINE_PID once /api/handle-dtmf answers 200
  local name=$1 script=$2 port=$3; shift 3
  (cd "$BENCH/baseline" && exec env PORT="$port" "$@" node "$script") > "$OUT/$name.log" 2>&1 &
  BASELINE_PID=$!; PIDS+=("$BASELINE_PID")
  for _ in $(seq 200); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        --data '{"callId":"c","dtmf":"1","to":{"channelId":"x"}}' "http://127.0.0.1:$port/api/handle-dtmf") == 200 ]] && return 0
    kill -0 "$BASELINE_PID" 2>/dev/null || break
    sleep 0.05
  done
  cat "$OUT/$name.log"; die "the $name baseline did not start"
}
start_baseline express server.js "$EXPRESS_PORT"; EXPRESS_PID=$BASELINE_PID
start_baseline durable durable.js "$DURABLE_PORT" DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$DB" PG_POOL="$DURABLE_POOL"
DURABLE_PID=$BASELINE_PID

if [[ ${BENCH_JFR:-0} == 1 ]]; then
  jcmd "$APP_PID" JFR.start name=bench settings=profile filename="$OUT/callbacks.jfr" >/dev/null
fi
rss_sampler_start "$APP_PID" "$OUT/rss-load.txt"
POOL=0 # nexaflow's calls waiting for their next callback are in pool-$POOL.txt; each wrk run writes the next file
nexaflow_turn() { # round warm-seconds
  local round=$1 warm=$2 c0 c1 r0 r1
  log "Round $round, nexaflow: warm-up ${warm}s, then saturation ${SAT}s (wrk -t2 -c$CONN, chained calls)"
  run_wrk "cb-warm-$round" "http://127.0.0.1:$APP_PORT" chain "$OUT/pool-$POOL.txt" "$warm" "$CONN" \
    "$OUT/pool-$((POOL + 1)).txt" "$OUT/acks-warm-$round.txt" >/dev/null
  r0=$(dtmf_rows); c0=$(cpu_ticks "$APP_PID")
  run_wrk "cb-sat-$round" "http://127.0.0.1:$APP_PORT" chain "$OUT/pool-$((POOL + 1)).txt" "$SAT" "$CONN" \
    "$OUT/pool-$((POOL + 2)).txt" "$OUT/acks-sat-$round.txt"
  c1=$(cpu_ticks "$APP_PID"); r1=$(dtmf_rows)
  cpu_json "$c0" "$c1" "$(node -pe 'JSON.parse(require("fs").readFileSync(process.argv[1])).requests' "$OUT/cb-sat-$round.json")" \
    > "$OUT/cb-sat-$round-cpu.json"
  echo "$r0 $r1" > "$OUT/cb-sat-$round-rows.txt" # DTMF rows before and after, for the durability check
  POOL=$((POOL + 2))
}
baseline_turn() { # name pid port round warm-seconds
  local name=$1 pid=$2 port=$3 round=$4 warm=$5 c0 c1
  log "Round $round, $name: warm-up ${warm}s, then saturation ${SAT}s (wrk -t2 -c$CONN)"
  run_wrk "$name-warm-$round" "http://127.0.0.1:$port" constant "/api/handle-dtmf" "$warm" "$CONN" >/dev/null
  c0=$(cpu_ticks "$pid")
  run_wrk "$name-sat-$round" "http://127.0.0.1:$port" constant "/api/handle-dtmf" "$SAT" "$CONN"
  c1=$(cpu_ticks "$pid")
  cpu_json "$c0" "$c1" "$(node -pe 'JSON.parse(require("fs").readFileSync(process.argv[1])).requests' "$OUT/$name-sat-$round.json")" \
    > "$OUT/$name-sat-$round-cpu.json"
}
turn() { # contender round: the first turn of each warms it up in full, later ones for REWARM s
  case $1 in
    nexaflow) nexaflow_turn "$2" "$([[ $2 == 1 ]] && echo "$WARM" || echo "$REWARM")" ;;
    express) baseline_turn express "$EXPRESS_PID" "$EXPRESS_PORT" "$2" "$([[ $2 == 1 ]] && echo "$BASE_WARM" || echo "$REWARM")" ;;
    durable) baseline_turn durable "$DURABLE_PID" "$DURABLE_PORT" "$2" "$([[ $2 == 1 ]] && echo "$BASE_WARM" || echo "$REWARM")" ;;
  esac
}
for c in nexaflow express durable; do turn "$c" 1; done
for c in durable express nexaflow; do turn "$c" 2; done
node "$LIB/rounds.js" "$OUT"

log "Gather callbacks at a fixed rate $RATE/s for ${RATE_SECS}s (open loop, latency from the intended send time), nexaflow"
ROWS_RATE0=$(dtmf_rows)
# What PostgreSQL's backends wait on, every 50 ms: names the cause of any stalled second (bench/lib/stall-causes.js).
node "$LIB/pg-waits.js" "postgresql://postgres@127.0.0.1:5432/$DB" "$OUT/pg-waits.jsonl" $((RATE_SECS + 30)) &
WAITS_PID=$!; PIDS+=("$WAITS_PID")
C0=$(cpu_ticks "$APP_PID")
run_rate cb-rate "http://127.0.0.1:$APP_PORT" chain "$OUT/pool-$POOL.txt" "$RATE_SECS" "$OUT/pool-$((POOL + 1)).txt" "$OUT/acks-rate.txt"
C1=$(cpu_ticks "$APP_PID")
kill -TERM "$WAITS_PID" 2>/dev/null || true; wait "$WAITS_PID" 2>/dev/null || true
node "$LIB/stall-causes.js" "$OUT/cb-rate.json" "$OUT/pg-waits.jsonl" "$OUT/stall-causes.json" || echo "stall causes: not computed"
ROWS_RATE1=$(dtmf_rows)
POOL=$((POOL + 1))
cpu_json "$C0" "$C1" "$((RATE * RATE_SECS))" > "$OUT/cb-rate-cpu.json"
rss_sampler_stop
if [[ ${BENCH_JFR:-0} == 1 ]]; then jcmd "$APP_PID" JFR.stop name=bench >/dev/null; fi
log "Fixed rate $RATE/s for ${BASE_RATE_SECS}s: stateless Express, then durable Express"
run_rate express-rate "http://127.0.0.1:$EXPRESS_PORT" constant "/api/handle-dtmf" "$BASE_RATE_SECS"
run_rate durable-rate "http://127.0.0.1:$DURABLE_PORT" constant "/api/handle-dtmf" "$BASE_RATE_SECS"
"${PSQL[@]}" -d "$DB" -tAc "SELECT count(*) FROM express_event" > "$OUT/durable-rows.txt"
stop_pid "$EXPRESS_PID"; stop_pid "$DURABLE_PID"
sleep 2
RSS_AFTER=$(rss_kib "$APP_PID")

log "Durability: every acknowledged callback has its committed DTMF row"
cat "$OUT"/acks-*.txt | awk 'NF==2' > "$OUT/acks-all.txt"
"${PSQL[@]}" -d "$DB" -tA -F ' ' > "$OUT/durability.txt" <<SQL
CREATE TEMP TABLE acks (call_id text, n int);
\copy acks FROM '$OUT/acks-all.txt' WITH (FORMAT text, DELIMITER ' ')
WITH a AS (SELECT call_id, sum(n) AS n FROM acks GROUP BY call_id),
     d AS (SELECT c.platform_call_id, count(*) AS n FROM call_event e JOIN call c ON c.id = e.call_id
            WHERE e.type = 'DTMF' GROUP BY c.platform_call_id)
SELECT count(*), coalesce(sum(a.n), 0), count(*) FILTER (WHERE coalesce(d.n, 0) < a.n)
  FROM a LEFT JOIN d ON d.platform_call_id = a.call_id;
SELECT count(*) FILTER (WHERE status = 'COMPLETED'), count(*) FILTER (WHERE status = 'IN_PROGRESS'), count(*)
  FROM call WHERE kind = 'FLOW';
SELECT count(*) FROM call_event WHERE type IN ('CALLBACK_FALLBACK', 'CALLBACK_REJECTED', 'CALLBACK_FORGED');
SQL
node -e '
const fs = require("fs"), [out, r0, r1] = process.argv.slice(1);
const read = (f) => JSON.parse(fs.readFileSync(out + "/" + f));
const lines = fs.readFileSync(out + "/durability.txt", "utf8").trim().split("\n").map(l => l.split(" ").map(Number));
const [[ackCalls, acked, short], [completed, inProgress, calls], [problems]] = lines;
const sats = [1, 2].map((n) => read(`cb-sat-${n}.json`)), rate = read("cb-rate.json");
const satRows = [1, 2].map((n) => fs.readFileSync(`${out}/cb-sat-${n}-rows.txt`, "utf8").trim().split(" ").map(Number));
const all = ["cb-warm-1.json", "cb-sat-1.json", "cb-warm-2.json", "cb-sat-2.json", "cb-rate.json"].map(read);
const ok = (a) => a.next + a.ended, sum = (xs) => xs.reduce((s, v) => s + v, 0);
const d = { perCall: { calls: ackCalls, ackedWithNextGather: acked, callsWithFewerRowsThanAcks: short },
  saturation: { acked2xx: sum(sats.map((s) => ok(s.answers))), fallback: sum(sats.map((s) => s.answers.fallback)),
                dtmfRowsCommitted: sum(satRows.map(([a, b]) => b - a)) },
  fixedRate: { acked2xx: ok(rate.answers), fallback: rate.answers.fallback, dtmfRowsCommitted: +r1 - +r0 },
  calls: { total: calls, completed, inProgress, endedAnswers: sum(all.map((r) => r.answers.ended)) },
  problemEvents: problems };
d.ok = short === 0 && d.saturation.dtmfRowsCommitted >= d.saturation.acked2xx &&
  d.fixedRate.dtmfRowsCommitted >= d.fixedRate.acked2xx && completed >= d.calls.endedAnswers &&
  d.saturation.fallback + d.fixedRate.fallback === 0;
fs.writeFileSync(out + "/durability.json", JSON.stringify(d, null, 2));
console.log(JSON.stringify(d));' "$OUT" "$ROWS_RATE0" "$ROWS_RATE1"

# A real callback's values, for the pgbench script.
"${PSQL[@]}" -d "$DB" -tAc "
SELECT row_to_json(s) FROM (
  SELECT e.node, e.dtmf, e.route, e.payload::text AS callback, e.verb::text AS verb, e.route AS next_node,
         (e.payload -> 'attempts')::text AS attempts
    FROM call_event e
    JOIN call c ON c.id = e.call_id
   WHERE e.type = 'DTMF' AND e.route LIKE 'menu%' AND c.status = 'IN_PROGRESS'
   ORDER BY e.id DESC LIMIT 1) s" > "$OUT/sample.json"
"${PSQL[@]}" -d "$DB" -tAc "SELECT pg_size_pretty(pg_database_size('$DB'))" > "$OUT/db-size.txt"
stop_pid "$APP_PID"
node -e 'const [o, idle, after, file] = process.argv.slice(1);
  const s = require("fs").readFileSync(file, "utf8").split("\n").filter(Boolean).map(Number);
  const st = JSON.parse(require("fs").readFileSync(o));
  Object.assign(st, { rssLoadMaxKiB: Math.max(0, ...s), rssLoadSamples: s.length, rssAfterLoadKiB: +after });
  require("fs").writeFileSync(o, JSON.stringify(st, null, 2));' "$OUT/startup.json" "$RSS_IDLE" "$RSS_AFTER" "$OUT/rss-load.txt"

# ---------------------------------------------------------------------------------------------------------------
# The calls the fixed-rate phase left waiting, restarted behind the proxy: the figures above stay direct.
outage_phase "$OUT/pool-$POOL.txt"
data_phase
dialer_phase

# ---------------------------------------------------------------------------------------------------------------
log "Baseline (a): HTTP ceiling — same Quarkus/REST stack, constant verb, no database (bench/ceiling)"
T0=$(now_ms)
(cd "$BENCH/ceiling/target/quarkus-app" && exec "${CLEAN_ENV[@]}" MALLOC_ARENA_MAX="$MALLOC_ARENAS" QUARKUS_HTTP_PORT="$CEILING_PORT" java $JAVA_OPTS -jar quarkus-run.jar) \
  > "$OUT/ceiling.log" 2>&1 &
CEILING_PID=$!; PIDS+=("$CEILING_PID")
wait_ready "http://127.0.0.1:$CEILING_PORT/q/health/ready" "$CEILING_PID" 60 >/dev/null || die "ceiling app did not start"
run_wrk ceiling-warm "http://127.0.0.1:$CEILING_PORT" constant "/api/handle-dtmf?s=constant" "$BASE_WARM" "$CONN" >/dev/null
C0=$(cpu_ticks "$CEILING_PID")
run_wrk ceiling-sat "http://127.0.0.1:$CEILING_PORT" constant "/api/handle-dtmf?s=constant" "$BASE_SECS" "$CONN"
C1=$(cpu_ticks "$CEILING_PID")
cpu_json "$C0" "$C1" "$(node -pe 'JSON.parse(require("fs").readFileSync(process.argv[1])).requests' "$OUT/ceiling-sat.json")" > "$OUT/ceiling-sat-cpu.json"
run_rate ceiling-rate "http://127.0.0.1:$CEILING_PORT" constant "/api/handle-dtmf?s=constant" "$BASE_RATE_SECS"
stop_pid "$CEILING_PID"

# ---------------------------------------------------------------------------------------------------------------
log "Baseline (b): database ceiling — pgbench, the callback's statement + commit, -c$CONN"
"${PSQL[@]}" -d "$DB" -c "
INSERT INTO call (id, platform_call_id, kind, flow_id, flow_version, revision_id, from_number, to_number, status,
                  current_node, attempts, created_at, updated_at)
SELECT ('00000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid, 'pgb-' || n, c.kind, c.flow_id, c.flow_version,
       c.revision_id, c.from_number, c.to_number, 'IN_PROGRESS', c.current_node, c.attempts, now(), now()
  FROM generate_series(1, $PGB_CALLS) n, (SELECT * FROM call WHERE kind = 'FLOW' LIMIT 1) c" -c "CHECKPOINT"
node "$LIB/pgbench-script.js" "$LIB/callback-write.sql" "$OUT/sample.json" \
  "$PGB_CALLS" > "$OUT/pgbench.sql"
run_pgbench() { # name clients threads seconds
  timeout $(($4 + 60)) pgbench -h 127.0.0.1 -U postgres -n -M prepared -c "$2" -j "$3" -T "$4" \
    -f "$OUT/pgbench.sql" "$DB" > "$OUT/$1.txt" 2>&1 || { cat "$OUT/$1.txt"; die "pgbench failed"; }
  node -e 'const t = require("fs").readFileSync(process.argv[1], "utf8");
    const tps = /tps = ([0-9.]+) \(without initial connection time\)/.exec(t), lat = /latency average = ([0-9.]+) ms/.exec(t);
    const failed = /number of failed transactions: ([0-9]+)/.exec(t), done = /number of transactions actually processed: ([0-9]+)/.exec(t);
    const r = { clients: +process.argv[3], tps: tps && +tps[1], latencyAvgMs: lat && +lat[1],
                transactions: done && +done[1], failed: failed ? +failed[1] : 0 };
    require("fs").writeFileSync(process.argv[2], JSON.stringify(r)); console.log(JSON.stringify(r));' \
    "$OUT/$1.txt" "$OUT/$1.json" "$2"
}
# PostgreSQL CPU per transaction: pgbench's backends exit with it, so sample while they live (from 2 s in to 2 s
# before the end) and count that window's transactions at the run's average rate.
( sleep 2; cpu_ticks $$ > "$OUT/pgbench-c0.txt"; sleep $((PGB_SECS - 4)); cpu_ticks $$ > "$OUT/pgbench-c1.txt" ) &
PGB_SAMPLER=$!; PIDS+=("$PGB_SAMPLER")
run_pgbench pgbench "$CONN" 2 "$PGB_SECS"
wait "$PGB_SAMPLER" || true
cpu_json "$(cat "$OUT/pgbench-c0.txt")" "$(cat "$OUT/pgbench-c1.txt")" \
  "$(node -pe 'Math.round(JSON.parse(require("fs").readFileSync(process.argv[1])).tps * (+process.argv[2] - 4))' "$OUT/pgbench.json" "$PGB_SECS")" \
  > "$OUT/pgbench-cpu.json"
run_pgbench pgbench-c2 2 1 "$((PGB_SECS < 10 ? PGB_SECS : 10))"

# ---------------------------------------------------------------------------------------------------------------
T_END=$(date +%s)
echo "{\"seconds\": $((T_END - T_START)), \"loadavgAfter\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}" > "$OUT/elapsed.json"
log "Report"
node "$LIB/report.js" "$OUT" "${BENCH_RESULTS:-$BENCH/RESULTS.md}"
