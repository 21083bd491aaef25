#!/usr/bin/env bash
# Trains the JDK's ahead-of-time cache (JEP 483/514/515, JDK 25+) for nexaflow by recording a real restart.
#
#   aot-train.sh <cache-out> java [JVM options...] -jar <path>/quarkus-run.jar
#
# The arguments after <cache-out> are the command that will later run with -XX:AOTCache=<cache-out>: the image's
# ENTRYPOINT without that flag (Dockerfile.jvm; DockerfileTest keeps the two equal). A cache only fits the JDK build,
# the JVM options and the class path (same paths, same jar sizes and times) that recorded it, so this runs with the
# runtime's own java, from the directory the application will run from.
#
# A restart of nexaflow needs PostgreSQL (Flyway validates the schema, Hibernate validates the mapping, the
# published flow revisions are loaded), so this starts a throwaway PostgreSQL cluster in a temporary directory
# (loopback, trust authentication, gone at the end), then:
#   1. starts the application once to migrate the empty database and publish one flow (not recorded);
#   2. starts it again, as production restarts it (schema present, one published revision to load), with
#      -XX:AOTCacheOutput, asks it what a deployment asks (probes, metrics, the OpenAPI document, a flow listing)
#      and stops it with SIGTERM: the JVM writes the cache on its way out.
# Nothing from the caller's QUARKUS_*, NEXAFLOW_* or NEXAFONE_* environment reaches the application; its secrets
# here are random and used for nothing else.
#
# Environment: PG_BINDIR (PostgreSQL server binaries; default: the newest /usr/lib/postgresql/*/bin), AOT_TRAIN_PORT
# (the application's port; default a free one from 18990), AOT_TRAIN_TIMEOUT (seconds per start; default 180).
# Needs bash, curl, and, when run as root, runuser and a 'postgres' user (PostgreSQL will not run as root).
set -euo pipefail

[[ $# -ge 4 ]] || { echo "usage: $0 <cache-out> java [JVM options...] -jar <quarkus-run.jar>" >&2; exit 2; }
CACHE=$1; shift
COMMAND=("$@")
[[ ${COMMAND[*]} != *-XX:AOTCache=* && ${COMMAND[*]} != *-XX:AOTCacheOutput=* ]] \
  || { echo "aot-train: give the command without -XX:AOTCache/-XX:AOTCacheOutput" >&2; exit 2; }
JAR=${COMMAND[${#COMMAND[@]}-1]}
[[ -f $JAR ]] || { echo "aot-train: $JAR does not exist" >&2; exit 2; }
TIMEOUT=${AOT_TRAIN_TIMEOUT:-180}

if [[ -z ${PG_BINDIR:-} ]]; then
  PG_BINDIR=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
fi
[[ -x $PG_BINDIR/initdb && -x $PG_BINDIR/pg_ctl ]] || { echo "aot-train: no PostgreSQL server binaries (PG_BINDIR)" >&2; exit 2; }

log() { printf '[aot-train %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
now_ms() { date +%s%3N; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { local p=$1; while ! port_free "$p"; do p=$((p + 1)); done; echo "$p"; }

WORK=$(mktemp -d /tmp/aot-train.XXXXXX)
as_pg=()
if [[ $(id -u) == 0 ]]; then
  chown postgres "$WORK"
  as_pg=(runuser -u postgres --)
fi
APP_PID=
cleanup() {
  local rc=$?
  if [[ -n $APP_PID ]] && kill -0 "$APP_PID" 2>/dev/null; then kill -KILL "$APP_PID" 2>/dev/null || true; fi
  if [[ -f $WORK/pg/postmaster.pid ]]; then
    "${as_pg[@]}" "$PG_BINDIR/pg_ctl" -D "$WORK/pg" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT INT TERM

PG_PORT=$(free_port "${AOT_TRAIN_PG_PORT:-15432}")
log "PostgreSQL ($($PG_BINDIR/postgres --version)) on 127.0.0.1:$PG_PORT, in $WORK"
"${as_pg[@]}" "$PG_BINDIR/initdb" -D "$WORK/pg" -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null \
  || "${as_pg[@]}" "$PG_BINDIR/initdb" -D "$WORK/pg" -U postgres --auth=trust --no-sync -E UTF8 --locale=C >/dev/null
"${as_pg[@]}" "$PG_BINDIR/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" -w -t 60 start \
  -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$WORK -c fsync=off -c shared_buffers=16MB -c max_connections=40" >/dev/null

APP_PORT=$(free_port "${AOT_TRAIN_PORT:-18990}")
ADMIN_KEY="aot-training-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
APP_ENV=(
  QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$APP_PORT"
  QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/postgres"
  QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD=unused-trust-auth
  NEXAFLOW_WEBHOOK_SECRET="$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')" NEXAFLOW_ADMIN_API_KEY="$ADMIN_KEY"
  NEXAFLOW_PUBLIC_URL="http://127.0.0.1:$APP_PORT" NEXAFLOW_JOURNAL_DIR="$WORK/journal"
  # Never called: no call is placed during training.
  NEXAFONE_API_URL=http://127.0.0.1:9 NEXAFONE_ACCOUNT_ID=aot-training NEXAFONE_API_KEY=ak_aot_training
  NEXAFONE_API_SECRET=as_aot_training
)
CLEAN_ENV=(env -u JAVA_TOOL_OPTIONS -u JDK_JAVA_OPTIONS -u _JAVA_OPTIONS)
while IFS='=' read -r name _; do
  [[ $name =~ ^(QUARKUS|NEXAFLOW|NEXAFONE)_ ]] && CLEAN_ENV+=(-u "$name")
done < <(env)

URL="http://127.0.0.1:$APP_PORT"
start_app() { # label [extra JVM options] -> APP_PID, once /q/health/ready answers 200
  local label=$1; shift
  local t0 deadline
  t0=$(now_ms); deadline=$((t0 + TIMEOUT * 1000))
  "${CLEAN_ENV[@]}" "${APP_ENV[@]}" "${COMMAND[0]}" "$@" "${COMMAND[@]:1}" > "$WORK/app-$label.log" 2>&1 &
  APP_PID=$!
  until [[ $(curl -s -o /dev/null -w '%{http_code}' "$URL/q/health/ready" 2>/dev/null) == 200 ]]; do
    if ! kill -0 "$APP_PID" 2>/dev/null || (($(now_ms) > deadline)); then
      tail -40 "$WORK/app-$label.log" >&2
      echo "aot-train: the $label start did not become ready" >&2
      exit 1
    fi
    sleep 0.1
  done
  log "$label: ready in $(($(now_ms) - t0)) ms"
}
stop_app() { # SIGTERM, as Kubernetes stops it; the recording JVM then writes the cache (a child JVM assembles it)
  kill -TERM "$APP_PID"
  wait "$APP_PID" || true
  APP_PID=
}
call() { # method path [JSON body] -> fails unless 2xx
  local body=()
  if [[ $# -ge 3 ]]; then body=(-H 'Content-Type: application/json' --data "$3"); fi
  curl -fsS -o /dev/null -X "$1" "$URL$2" -H "Authorization: Bearer $ADMIN_KEY" "${body[@]}"
}

FLOW='{"name": "AOT training", "publish": true, "definition": {"start": "welcome", "nodes": {
  "welcome": {"type": "play", "audioUrl": "https://nexafone.com/audio-prompts/thanks_for_call_plz_wait.wav", "next": "menu"},
  "menu": {"type": "gather", "audioUrl": "https://nexafone.com/audio-prompts/hey_welcome_press1_or_2.wav",
           "maxDigits": 1, "timeout": 10000, "digitTimeout": 5000, "terminator": "#",
           "routes": {"1": "thanks"}, "onInvalid": "bye", "onTimeout": "bye"},
  "thanks": {"type": "play", "audioUrl": "https://nexafone.com/audio-prompts/input_submitted_have_a_nice_day.wav", "next": "bye"},
  "bye": {"type": "hangup"}}}}'

log "first start: migrate the empty database, publish one flow"
start_app migrate
call POST /v1/flows "$FLOW"
stop_app

log "recorded restart: -XX:AOTCacheOutput=$CACHE"
rm -f "$CACHE"
t0=$(now_ms)
start_app record "-XX:AOTCacheOutput=$CACHE"
for path in /q/health/live /q/health/ready /q/health/started /q/health /q/metrics /q/openapi; do call GET "$path"; done
call GET /v1/flows
stop_app
[[ -s $CACHE ]] || { tail -40 "$WORK/app-record.log" >&2; echo "aot-train: no cache was written" >&2; exit 1; }
log "cache $CACHE: $(($(stat -c %s "$CACHE") / 1024 / 1024)) MiB, recorded and assembled in $((($(now_ms) - t0) / 1000)) s"
