#!/usr/bin/env bash
# Start-up of the packaged service (issue 17): time from exec of java to /q/health/ready answering 200, for N
# restarts against a database whose schema is present, on JDK 17 and on JDK 25 with the AOT cache the image ships.
# See bench/STARTUP.md for what was measured with it.
#
#   STARTUP_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/nexaflow_startup bash bench/startup.sh [outdir]
#
# Interface (for bench/run.sh or anyone else):
#   in   target/quarkus-app, already built (./mvnw package -DskipTests; the aot-jar layout, application.properties).
#        STARTUP_JDBC_URL (or QUARKUS_DATASOURCE_JDBC_URL): the database; STARTUP_DB_USER / STARTUP_DB_PASSWORD
#        (default postgres / postgres). The first, unmeasured start migrates it if its schema is missing.
#        STARTUP_RUNS (default 5) measured starts per configuration, interleaved (A, B, A, B...).
#        STARTUP_CONFIGS (default "jdk17 jdk25aot"; also "jdk25", JDK 25 without a cache).
#        JAVA17_HOME (default /usr/lib/jvm/java-17-openjdk-amd64), JAVA25_HOME (default
#        /usr/lib/jvm/temurin-25-jdk-amd64), STARTUP_APP (default <repo>/target/quarkus-app),
#        STARTUP_TIMEOUT (seconds a start may take, default 60). PostgreSQL server binaries for the AOT training
#        (src/main/docker/aot-train.sh starts its own throwaway cluster, as the image build does; PG_BINDIR).
#   out  <outdir>/startup-jdks.json (outdir: the argument, else STARTUP_OUT, else bench/out/startup-<timestamp>):
#          {"jdk17":    {"java": "...", "readyMs": [...], "median": n, "cpuMs": [...], "startedInMs": [...]},
#           "jdk25aot": {"java": "...", "trainSeconds": n, "cacheMiB": n, "readyMs": [...], "median": n, ...},
#           "runs": N, "jvmOptions": "...", "loadBefore": x, "loadAfter": x}
#        readyMs: exec to the first 200 of /q/health/ready (polled every 20 ms, as bench/run.sh's wait_ready);
#        cpuMs: user+system CPU of the JVM at that moment (steadier than wall time on a shared machine);
#        startedInMs: Quarkus' own "started in". Medians are printed too; logs of every start are in <outdir>.
#   The JVM options are the image's (src/main/docker/Dockerfile.jvm ENTRYPOINT, read from it), without its
#   -XX:AOTCache flag except in jdk25aot. Listens on 127.0.0.1 only; stops everything it started (SIGTERM, then
#   SIGKILL); the AOT cache is written to <outdir>, never into target/. Bounded: ~2-5 min at N=5 on 2 cores.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${1:-${STARTUP_OUT:-$ROOT/bench/out/startup-$STAMP}}
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
APP=${STARTUP_APP:-$ROOT/target/quarkus-app}
RUNS=${STARTUP_RUNS:-5}
CONFIGS=(${STARTUP_CONFIGS:-jdk17 jdk25aot})
J17=${JAVA17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}/bin/java
J25=${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
TIMEOUT=${STARTUP_TIMEOUT:-60}
JDBC_URL=${STARTUP_JDBC_URL:-${QUARKUS_DATASOURCE_JDBC_URL:-}}

die() { echo "startup: $*" >&2; exit 1; }
[[ -n $JDBC_URL ]] || die "set STARTUP_JDBC_URL (a PostgreSQL database the service may migrate)"
[[ -f $APP/quarkus-run.jar ]] || die "$APP/quarkus-run.jar is missing: ./mvnw package -DskipTests"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "STARTUP_RUNS=$RUNS"
for c in "${CONFIGS[@]}"; do [[ $c =~ ^(jdk17|jdk25|jdk25aot)$ ]] || die "unknown configuration $c"; done
[[ -x $J17 ]] || die "no JDK 17 at $J17"
[[ " ${CONFIGS[*]} " != *" jdk25"* || -x $J25 ]] || die "no JDK 25 at $J25"
command -v node >/dev/null || die "node is missing (it reads the Dockerfile and writes the JSON)"

# The image's JVM options: the ENTRYPOINT between "java" and "-jar", without the AOT cache flag.
mapfile -t JVM_OPTS < <(node -e '
  const text = require("fs").readFileSync(process.argv[1], "utf8").replace(/\\\n/g, " ");
  const line = text.split("\n").filter(l => /^ENTRYPOINT\s/.test(l)).pop();
  const cmd = JSON.parse(line.replace(/^ENTRYPOINT\s+/, ""));
  cmd.slice(1, cmd.indexOf("-jar")).filter(o => !o.startsWith("-XX:AOTCache")).forEach(o => console.log(o));
' "$ROOT/src/main/docker/Dockerfile.jvm")
[[ ${#JVM_OPTS[@]} -gt 0 ]] || die "could not read the JVM options of src/main/docker/Dockerfile.jvm"

PIDS=()
stop_pid() { # pid: SIGTERM, then SIGKILL after 20 s; only processes this script started
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() { local rc=$?; for pid in "${PIDS[@]}"; do stop_pid "$pid"; done; exit $rc; }
trap cleanup EXIT INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT=${STARTUP_PORT:-18990}; while ! port_free "$PORT"; do PORT=$((PORT + 1)); done
now_ms() { date +%s%3N; }
load() { cut -d' ' -f1 /proc/loadavg; }

APP_ENV=(
  MALLOC_ARENA_MAX=2 QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$PORT"
  QUARKUS_DATASOURCE_JDBC_URL="$JDBC_URL"
  QUARKUS_DATASOURCE_USERNAME="${STARTUP_DB_USER:-postgres}" QUARKUS_DATASOURCE_PASSWORD="${STARTUP_DB_PASSWORD:-postgres}"
  NEXAFLOW_WEBHOOK_SECRET="startup-$STAMP-$RANDOM$RANDOM" NEXAFLOW_PUBLIC_URL="http://127.0.0.1:$PORT"
  NEXAFLOW_ADMIN_API_KEY="startup-admin-$STAMP-$RANDOM$RANDOM" NEXAFLOW_JOURNAL_DIR="$OUT/journal"
  # Never called: nothing is originated.
  NEXAFONE_API_URL=http://127.0.0.1:9 NEXAFONE_ACCOUNT_ID=startup NEXAFONE_API_KEY=ak_startup NEXAFONE_API_SECRET=as_startup
)
CLEAN_ENV=(env -u JAVA_TOOL_OPTIONS -u JDK_JAVA_OPTIONS -u _JAVA_OPTIONS)
while IFS='=' read -r name _; do
  [[ $name =~ ^(QUARKUS|NEXAFLOW|NEXAFONE)_ ]] && CLEAN_ENV+=(-u "$name")
done < <(env)

java_of() { case $1 in jdk17) echo "$J17" ;; *) echo "$J25" ;; esac; }
extra_of() { [[ $1 == jdk25aot ]] && echo "-XX:AOTCache=$OUT/app.aot" || true; }

READY_MS=; CPU_MS=; STARTED_MS=
start_once() { # config label -> READY_MS, CPU_MS, STARTED_MS (the JVM is stopped again)
  local config=$1 label=$2 java extra t0 pid deadline
  java=$(java_of "$config"); extra=$(extra_of "$config")
  READY_MS=; CPU_MS=
  t0=$(now_ms); deadline=$((t0 + TIMEOUT * 1000))
  (cd "$APP" && exec "${CLEAN_ENV[@]}" "${APP_ENV[@]}" "$java" "${JVM_OPTS[@]}" $extra -jar "$APP/quarkus-run.jar") \
    > "$OUT/$label.log" 2>&1 &
  pid=$!; PIDS+=("$pid")
  while (($(now_ms) < deadline)); do
    kill -0 "$pid" 2>/dev/null || break
    if [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/q/health/ready" 2>/dev/null) == 200 ]]; then
      READY_MS=$(($(now_ms) - t0))
      CPU_MS=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%d", ($14 + $15) * 1000 / hz}' "/proc/$pid/stat")
      break
    fi
    sleep 0.02
  done
  stop_pid "$pid"
  [[ -n $READY_MS ]] || { tail -30 "$OUT/$label.log" >&2; die "$label did not become ready within ${TIMEOUT}s"; }
  STARTED_MS=$(grep -o 'started in [0-9.]*s' "$OUT/$label.log" | head -1 | grep -o '[0-9.]*' | awk '{printf "%d", $1 * 1000}')
  grep -q '\[error *\]\[aot' "$OUT/$label.log" && die "$label: the JVM could not use the AOT cache (see $OUT/$label.log)"
  return 0
}

LOAD_BEFORE=$(load)
echo "startup: ${RUNS} starts each of ${CONFIGS[*]}, port $PORT, out $OUT (load $LOAD_BEFORE)"
echo "startup: JVM options ${JVM_OPTS[*]}"

TRAIN_S=; CACHE_MIB=
if [[ " ${CONFIGS[*]} " == *" jdk25aot "* ]]; then
  echo "startup: training the JDK 25 AOT cache (src/main/docker/aot-train.sh, as the image build does)"
  t0=$(now_ms)
  (cd "$APP" && bash "$ROOT/src/main/docker/aot-train.sh" "$OUT/app.aot" "$J25" "${JVM_OPTS[@]}" -jar "$APP/quarkus-run.jar") \
    > "$OUT/aot-train.log" 2>&1 || { tail -30 "$OUT/aot-train.log" >&2; die "AOT training failed"; }
  TRAIN_S=$(awk -v ms=$(($(now_ms) - t0)) 'BEGIN {printf "%.1f", ms / 1000}')
  CACHE_MIB=$(($(stat -c %s "$OUT/app.aot") / 1024 / 1024))
  echo "startup: trained in ${TRAIN_S}s, cache ${CACHE_MIB} MiB"
fi

# One unmeasured start per configuration: migrates a database without the schema, warms the page cache.
for c in "${CONFIGS[@]}"; do start_once "$c" "warmup-$c"; echo "startup: warm-up $c ready in $READY_MS ms"; done

declare -A READY CPU STARTED
for i in $(seq "$RUNS"); do
  for c in "${CONFIGS[@]}"; do
    start_once "$c" "$c-$i"
    READY[$c]+="$READY_MS "; CPU[$c]+="$CPU_MS "; STARTED[$c]+="${STARTED_MS:-0} "
    printf 'startup: %-8s run %d: ready %5d ms  (cpu %5d ms, quarkus started in %5d ms, load %s)\n' \
      "$c" "$i" "$READY_MS" "$CPU_MS" "${STARTED_MS:-0}" "$(load)"
  done
done
LOAD_AFTER=$(load)

ARGS=()
for c in "${CONFIGS[@]}"; do
  ARGS+=("$c" "$("$(java_of "$c")" -version 2>&1 | sed -n 2p)" "${READY[$c]}" "${CPU[$c]}" "${STARTED[$c]}")
done
node -e '
  const [out, runs, opts, lb, la, train, cache, ...rest] = process.argv.slice(1);
  const median = a => { const s = [...a].sort((x, y) => x - y), m = s.length >> 1; return s.length % 2 ? s[m] : Math.round((s[m - 1] + s[m]) / 2); };
  const nums = s => s.trim().split(/\s+/).map(Number);
  const result = {};
  for (let i = 0; i < rest.length; i += 5) {
    const [name, java, ready, cpu, started] = rest.slice(i, i + 5);
    const r = { java, readyMs: nums(ready), median: median(nums(ready)), min: Math.min(...nums(ready)),
                max: Math.max(...nums(ready)), cpuMs: nums(cpu), cpuMedian: median(nums(cpu)), startedInMs: nums(started) };
    if (name === "jdk25aot") { r.trainSeconds = +train; r.cacheMiB = +cache; }
    result[name] = r;
    console.log(`startup: ${name.padEnd(8)} median ready ${r.median} ms (min ${r.min}, max ${r.max}), median cpu ${r.cpuMedian} ms`);
  }
  Object.assign(result, { runs: +runs, jvmOptions: opts, loadBefore: +lb, loadAfter: +la });
  require("fs").writeFileSync(out + "/startup-jdks.json", JSON.stringify(result, null, 2) + "\n");
' "$OUT" "$RUNS" "${JVM_OPTS[*]}" "$LOAD_BEFORE" "$LOAD_AFTER" "${TRAIN_S:-0}" "${CACHE_MIB:-0}" "${ARGS[@]}"
echo "startup: wrote $OUT/startup-jdks.json"
