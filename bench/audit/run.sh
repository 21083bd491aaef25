#!/usr/bin/env bash
# Audit read-side benchmark: seeds 1,000,000 events (100,000 calls) into a database of its own on the local
# PostgreSQL, starts the packaged jar against it, and measures through the HTTP API (loopback only):
#   p50/p95/p99 of the main audit queries (first page and a deep keyset page), and export throughput
#   (a month of DTMF as CSV and NDJSON), and the flow analytics (one revision; then every call on one revision).
#   Prints a table and writes bench/audit/RESULTS.md.
# Bounded: every step has a timeout; the whole run stops after BENCH_BUDGET seconds (default 420).
# It drops only the database it created. Usage: bench/audit/run.sh   (BENCH_SKIP_BUILD=1 to reuse the jar)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
HERE="$ROOT/bench/audit"

PGHOST=127.0.0.1
PGPORT=5432
PGUSER=postgres
export PGHOST PGPORT PGUSER
PORT="${BENCH_PORT:-18391}"
BUDGET="${BENCH_BUDGET:-420}"
REQUESTS="${BENCH_REQUESTS:-200}"
ANALYTICS_REQUESTS="${BENCH_ANALYTICS_REQUESTS:-20}"
KEY="bench-audit-admin-key"
DB="nexaflow_bench_audit_$(date +%s)_$$"
WORK=$(mktemp -d)
APP_PID=""
CREATED_DB=""

cleanup() {
  if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2>/dev/null; then
    kill "$APP_PID" 2>/dev/null || true
    wait "$APP_PID" 2>/dev/null || true
  fi
  if [ -n "$CREATED_DB" ]; then
    psql -qX -d postgres -c "DROP DATABASE IF EXISTS $CREATED_DB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

say() { printf '[%3ds] %s\n' "$SECONDS" "$*"; }
# Seconds left of the budget: every step runs under `timeout "$(left)"`, so the whole run is bounded.
left() {
  local n=$((BUDGET - SECONDS))
  if [ "$n" -le 0 ]; then echo "bench: over budget (${BUDGET}s), stopping" >&2; exit 124; fi
  echo "$n"
}

pg_isready -q || { echo "bench: PostgreSQL is not answering on $PGHOST:$PGPORT"; exit 1; }
if ss -ltn "sport = :$PORT" | grep -q LISTEN; then echo "bench: port $PORT is taken (set BENCH_PORT)"; exit 1; fi

# --- 1. the jar ------------------------------------------------------------------------------------------
JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
if [ "${BENCH_SKIP_BUILD:-0}" = 1 ] && [ -f "$JAR" ]; then
  say "reusing $JAR (BENCH_SKIP_BUILD=1)"
elif [ -f "$JAR" ] && [ -z "$(find src/main db pom.xml -newer "$ROOT/target/quarkus-app/app/nexaflow-1.0.0-SNAPSHOT.jar" -type f 2>/dev/null | head -1)" ]; then
  say "the packaged jar is newer than the sources; not rebuilding"
else
  say "packaging (./mvnw -q package -DskipTests)"
  timeout "$(left)" ./mvnw -q -B package -DskipTests
fi

# --- 2. a database of our own, migrated by the jar ---------------------------------------------------------
psql -qX -d postgres -c "CREATE DATABASE $DB" && CREATED_DB="$DB"
say "database $DB created on $PGHOST:$PGPORT"
QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB" \
QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD=postgres \
QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$PORT" \
NEXAFLOW_PUBLIC_URL="http://127.0.0.1:$PORT" NEXAFLOW_WEBHOOK_SECRET=bench-only-webhook-secret \
NEXAFLOW_ADMIN_API_KEY="$KEY" QUARKUS_LOG_CONSOLE_JSON_ENABLED=false \
  java -Xmx256m -XX:+UseSerialGC -jar "$JAR" > "$WORK/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 120); do
  left >/dev/null
  curl -sf "http://127.0.0.1:$PORT/q/health/ready" >/dev/null 2>&1 && break
  kill -0 "$APP_PID" 2>/dev/null || { cat "$WORK/app.log"; echo "bench: the jar did not start"; exit 1; }
  sleep 0.5
done
curl -sf "http://127.0.0.1:$PORT/q/health/ready" >/dev/null || { tail -50 "$WORK/app.log"; exit 1; }
say "jar up on 127.0.0.1:$PORT, migrations applied ($(grep -o 'now at version v[0-9]*' "$WORK/app.log" || echo 'schema up to date'))"

# --- 3. seed -----------------------------------------------------------------------------------------------
SEED_START=$SECONDS
PGOPTIONS="-c work_mem=256MB -c maintenance_work_mem=256MB" timeout "$(left)" psql -qX -d "$DB" -f "$HERE/seed.sql"
SEED_SECONDS=$((SECONDS - SEED_START))
q() { psql -qAtX -d "$DB" -c "$1"; }
CALLS=$(q "SELECT count(*) FROM call")
EVENTS=$(q "SELECT count(*) FROM call_event")
DTMF=$(q "SELECT count(*) FROM call_event WHERE type = 'DTMF'")
SIZE=$(q "SELECT pg_size_pretty(pg_database_size(current_database()))")
say "seeded $CALLS calls, $EVENTS events ($DTMF DTMF) in ${SEED_SECONDS}s; database $SIZE"

# --- 4. queries through the API ----------------------------------------------------------------------------
FLOW="00000000-0000-4000-8000-000000000003"
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
MONTH_AGO=$(date -u -d '30 days ago' +%Y-%m-%dT%H:%M:%SZ)
NUMBER=$(q "SELECT to_number FROM call WHERE created_at > now() - interval '30 days' ORDER BY id LIMIT 1")
# A cursor deep in a list is the position of a row there: (seconds, nanos, id), base64url, as the API makes it.
cursor() { printf '%s' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '='; }
DEEP_CALL=$(cursor "$(q "SELECT extract(epoch FROM date_trunc('second', created_at))::bigint || ':' ||
  (extract(microseconds FROM created_at)::bigint % 1000000 * 1000) || ':' || id FROM call
  WHERE flow_id = '$FLOW' AND status = 'COMPLETED' ORDER BY created_at DESC, id DESC OFFSET 15000 LIMIT 1")")
DEEP_DTMF=$(cursor "$(q "SELECT extract(epoch FROM date_trunc('second', e.at))::bigint || ':' ||
  (extract(microseconds FROM e.at)::bigint % 1000000 * 1000) || ':' || e.id FROM call_event e JOIN call c ON c.id = e.call_id
  WHERE e.type = 'DTMF' AND c.flow_id = '$FLOW' ORDER BY e.at DESC, e.id DESC OFFSET 30000 LIMIT 1")")
read -r DEEP_AT DEEP_SEQ <<< "$(q "SELECT to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') || ' ' || e.id
  FROM call_event e JOIN call c ON c.id = e.call_id
  WHERE e.type = 'DTMF' AND c.flow_id = '$FLOW' ORDER BY e.at DESC, e.id DESC OFFSET 30000 LIMIT 1")"
PLUS=%2B
NUM_ENC="${NUMBER/+/$PLUS}"

API="http://127.0.0.1:$PORT"
declare -a NAMES URLS
add() { NAMES+=("$1"); URLS+=("$2"); }
add "calls by number + 30 days"            "$API/v1/calls?to=$NUM_ENC&since=$MONTH_AGO&until=$NOW"
add "calls by flow + status, first page"    "$API/v1/calls?flowId=$FLOW&status=COMPLETED"
add "calls by flow + status, deep page"     "$API/v1/calls?flowId=$FLOW&status=COMPLETED&cursor=$DEEP_CALL"
add "calls, FAILED in the last 30 days"     "$API/v1/calls?status=FAILED&since=$MONTH_AGO"
add "calls, newest first (no filter)"       "$API/v1/calls?limit=100"
add "DTMF by flow, first page"              "$API/v1/dtmf?flowId=$FLOW"
add "DTMF by flow, deep page"               "$API/v1/dtmf?flowId=$FLOW&cursor=$DEEP_DTMF"
add "DTMF by number"                        "$API/v1/dtmf?to=$NUM_ENC"

# Sequential requests over one keep-alive connection; the time of each as curl saw it.
measure() {
  local url=$1 n=$2 out=$3 args=()
  for _ in $(seq 1 "$n"); do args+=(-o /dev/null "$url"); done
  timeout "$(left)" curl -s --max-time 30 -H "Authorization: Bearer $KEY" -w '%{http_code} %{time_total}\n' "${args[@]}" > "$out"
}
stats() { # file → "p50 p95 p99 max" in ms, fails on a non-200
  python3 - "$1" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
bad = [r for r in rows if r[0] != "200"]
if bad: sys.exit("non-200 answers: %s" % bad[:3])
t = sorted(float(r[1]) * 1000 for r in rows)
pick = lambda p: t[min(len(t) - 1, int(round(p * len(t) + 0.5)) - 1)]
print("%.1f %.1f %.1f %.1f %d" % (pick(0.50), pick(0.95), pick(0.99), t[-1], len(t)))
PY
}

say "measuring ${#NAMES[@]} queries, $REQUESTS requests each after 20 of warm-up"
declare -a RESULTS ITEMS
for i in "${!NAMES[@]}"; do
  ITEMS[$i]=$(curl -s --max-time 30 -H "Authorization: Bearer $KEY" "${URLS[$i]}" | jq -r '"\(.items | length) items, next: \(if .next then "yes" else "no" end)"')
  measure "${URLS[$i]}" 20 "$WORK/warm"
  measure "${URLS[$i]}" "$REQUESTS" "$WORK/q$i"
  RESULTS[$i]=$(stats "$WORK/q$i")
  printf '  %-38s %s  (%s)\n' "${NAMES[$i]}" "${RESULTS[$i]}" "${ITEMS[$i]}"
done

# --- 4b. flow analytics (analytics.FlowAnalytics): heavier, so fewer requests ---------------------------------
SIXTY_ONE_DAYS_AGO=$(date -u -d '61 days ago' +%Y-%m-%dT%H:%M:%SZ)
declare -a A_NAMES A_URLS A_RESULTS A_ITEMS
a_add() { A_NAMES+=("$1"); A_URLS+=("$2"); }
a_add "analytics, 1 revision, last 7 days"  "$API/v1/flows/$FLOW/analytics?version=1"
a_add "analytics, 1 revision, 61 days"      "$API/v1/flows/$FLOW/analytics?version=1&from=$SIXTY_ONE_DAYS_AGO&to=$NOW"
analytics_items() { # what the answer counted: calls, and the DTMF inputs among them
  curl -s --max-time 30 -H "Authorization: Bearer $KEY" "$1" \
    | jq -r '"\(.totals.calls) calls, \(.totals.keyPresses) inputs"'
}
say "flow analytics: ${#A_NAMES[@]} queries, $ANALYTICS_REQUESTS requests each after 3 of warm-up"
for i in "${!A_NAMES[@]}"; do
  A_ITEMS[$i]=$(analytics_items "${A_URLS[$i]}")
  measure "${A_URLS[$i]}" 3 "$WORK/warm"
  measure "${A_URLS[$i]}" "$ANALYTICS_REQUESTS" "$WORK/a$i"
  A_RESULTS[$i]=$(stats "$WORK/a$i")
  printf '  %-38s %s  (%s)\n' "${A_NAMES[$i]}" "${A_RESULTS[$i]}" "${A_ITEMS[$i]}"
done

# --- 5. exports --------------------------------------------------------------------------------------------
export_run() { # name url accept
  local out="$WORK/export" line
  line=$(timeout "$(left)" curl -s --max-time 110 -H "Authorization: Bearer $KEY" -H "Accept: $3" -o "$out" \
    -w '%{http_code} %{size_download} %{time_total} %{time_starttransfer}' "$2")
  set -- "$1" "$2" "$3" $line
  [ "$4" = 200 ] || { echo "bench: export answered $4"; exit 1; }
  local rows
  rows=$(wc -l < "$out")
  [ "$3" = text/csv ] && rows=$((rows - 1))
  python3 -c "import sys; n,b,t,f=int(sys.argv[1]),int(sys.argv[2]),float(sys.argv[3]),float(sys.argv[4]); \
print('%d %.1f %.2f %.0f %.1f %.0f' % (n, b/1e6, t, n/t, b/1e6/t, f*1000))" "$rows" "$5" "$6" "$7"
  rm -f "$out"
}
say "exports (a month of history; best of 2)"
declare -a EXPORT_NAMES EXPORT_RESULTS
for spec in "DTMF, 30 days, CSV|$API/v1/dtmf/export?since=$MONTH_AGO&until=$NOW|text/csv" \
            "DTMF, 30 days, NDJSON|$API/v1/dtmf/export?since=$MONTH_AGO&until=$NOW|application/x-ndjson" \
            "calls, 30 days, CSV|$API/v1/calls/export?since=$MONTH_AGO&until=$NOW|text/csv"; do
  IFS='|' read -r name url accept <<< "$spec"
  first=$(export_run "$name" "$url" "$accept")
  second=$(export_run "$name" "$url" "$accept")
  best=$(printf '%s\n%s\n' "$first" "$second" | sort -k4 -n -r | head -1)
  EXPORT_NAMES+=("$name"); EXPORT_RESULTS+=("$best")
  printf '  %-24s %s\n' "$name" "$best"
done
RSS=$(ps -o rss= -p "$APP_PID" | tr -d ' ')

# --- 6. what the V3 indexes cost the webhook's INSERTs -------------------------------------------------------
# 50,000 callbacks' rows (a DTMF and a VERB_SENT each), inserted and rolled back, with and without the two V3
# indexes on call_event (dropped inside the rolled-back transaction). Best of 3 each, alternating.
say "insert cost of the V3 call_event indexes"
INSERTS="INSERT INTO call_event (call_id, type, node, attempt, dtmf, route, payload, at)
  SELECT id, t, 'bench', 1, CASE WHEN t = 'DTMF' THEN '1' END, 'x', '{\"reason\": \"MATCH\"}', now()
    FROM (SELECT id FROM call LIMIT 50000) c, (VALUES ('DTMF'), ('VERB_SENT')) AS v(t);"
insert_ms() { # $1: extra statements before the inserts
  timeout "$(left)" psql -qAtX -d "$DB" <<SQL | grep -o 'Time: [0-9.]*' | head -1 | cut -d' ' -f2
BEGIN;
$1
\\timing on
$INSERTS
\\timing off
ROLLBACK;
SQL
}
WITH_MS=(); WITHOUT_MS=()
for _ in 1 2 3; do
  WITH_MS+=("$(insert_ms '')")
  WITHOUT_MS+=("$(insert_ms 'DROP INDEX call_event_dtmf_at; DROP INDEX call_event_orphan_at;')")
done
BEST_WITH=$(printf '%s\n' "${WITH_MS[@]}" | sort -n | head -1)
BEST_WITHOUT=$(printf '%s\n' "${WITHOUT_MS[@]}" | sort -n | head -1)
INDEX_COST=$(python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); \
print('%.2f µs per event row with, %.2f without (%+.0f%%)' % (a*1000/100000, b*1000/100000, (a-b)/b*100))" \
  "$BEST_WITH" "$BEST_WITHOUT")
say "  $INDEX_COST"

# The rolled-back rows above left index entries in call_event_steps for 50,000 calls, on heap pages that are no
# longer all-visible; autovacuum clears them in production, here before the analytics below are measured again.
psql -qX -d "$DB" -c "VACUUM call_event"

# --- 7. plans (the same SQL the service runs, for the record) --------------------------------------------
plan() {
  timeout "$(left)" psql -qAtX -d "$DB" -c "EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) $1" \
    | grep -vE '^ *(Buffers|Planning:|Cache Mode|Hits:|Sort Method)' | sed -E 's/ \(actual time=[^ ]+ / (/; s/^/    /' | head -14
}
CALLS_SQL="SELECT c.id, c.platform_call_id, c.kind, c.status, c.flow_id, c.flow_version, c.from_number, c.to_number,
  c.current_node, c.attempts::text, c.bridged_to, c.error, c.created_at, c.updated_at, c.ended_at, c.anonymised_at FROM call c"
DTMF_SQL="SELECT e.id, e.call_id, c.platform_call_id, c.flow_id, c.flow_version, c.from_number, c.to_number,
  e.node, e.attempt, e.dtmf, e.route, e.payload ->> 'reason', e.at FROM call_event e JOIN call c ON c.id = e.call_id"
{
  echo "calls by number + 30 days:"
  plan "$CALLS_SQL WHERE c.to_number = '$NUMBER' AND c.created_at >= '$MONTH_AGO' AND c.created_at < '$NOW' ORDER BY c.created_at DESC, c.id DESC LIMIT 51"
  echo "calls by flow + status, first page:"
  plan "$CALLS_SQL WHERE c.flow_id = '$FLOW' AND c.status = 'COMPLETED' ORDER BY c.created_at DESC, c.id DESC LIMIT 51"
  echo "calls, FAILED in the last 30 days:"
  plan "$CALLS_SQL WHERE c.status = 'FAILED' AND c.created_at >= '$MONTH_AGO' ORDER BY c.created_at DESC, c.id DESC LIMIT 51"
  echo "DTMF by flow, deep page (keyset condition in the index scan):"
  plan "$DTMF_SQL WHERE e.type = 'DTMF' AND c.flow_id = '$FLOW' AND (e.at, e.id) < ('$DEEP_AT', $DEEP_SEQ) ORDER BY e.at DESC, e.id DESC LIMIT 51"
  echo "DTMF by number:"
  plan "$DTMF_SQL WHERE e.type = 'DTMF' AND c.to_number = '$NUMBER' ORDER BY e.at DESC, e.id DESC LIMIT 51"
} > "$WORK/plans"

# --- 7b. flow analytics: its plan, then the worst case ------------------------------------------------------
# The SQL FlowAnalytics runs for one revision over 61 days, with BUFFERS: the calls from call_revision_created,
# their steps from call_event_steps alone (index-only), grouped into one row per distinct path.
ANALYTICS_SQL="SELECT p.status, to_jsonb(p.steps)::text, count(*)
  FROM (SELECT c.status, array_agg(e.step ORDER BY e.id) FILTER (WHERE e.step IS NOT NULL) AS steps
          FROM call c LEFT JOIN call_event e ON e.call_id = c.id AND e.step IS NOT NULL
         WHERE c.revision_id = '00000000-0000-4000-9000-000000000031' AND c.created_at >= '$SIXTY_ONE_DAYS_AGO'
           AND c.created_at < '$NOW'
         GROUP BY c.id) p
 GROUP BY p.status, p.steps"
timeout "$(left)" psql -qAtX -d "$DB" -c "SET work_mem = '64MB'" -c "SET max_parallel_workers_per_gather = 0" \
  -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) $ANALYTICS_SQL" \
  | sed -E 's/ \(actual time=[^ ]+ / (/; s/^/    /' > "$WORK/analytics-plan"
# Worst case: every call of the seed moved onto one revision, so one answer counts all 1,000,000 events' calls.
say "analytics worst case: moving all $CALLS calls onto one revision"
timeout "$(left)" psql -qX -d "$DB" -c "UPDATE call SET flow_id = '$FLOW', flow_version = 1,
  revision_id = '00000000-0000-4000-9000-000000000031'" -c "ANALYZE call"
WORST_URL="$API/v1/flows/$FLOW/analytics?version=1&from=$SIXTY_ONE_DAYS_AGO&to=$NOW"
WORST_ITEMS=$(analytics_items "$WORST_URL")
measure "$WORST_URL" 2 "$WORK/warm"
measure "$WORST_URL" 10 "$WORK/worst"
WORST=$(stats "$WORK/worst")
say "  analytics, every call on 1 revision: $WORST ($WORST_ITEMS)"

# --- 8. report ---------------------------------------------------------------------------------------------
CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
MEM=$(free -g | awk '/Mem:/ {print $2 " GB"}')
PGV=$(q "SHOW server_version")
JV=$(java -version 2>&1 | head -1)
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
# One markdown row per query: names, "p50 p95 p99 max n" results and answers, as three arrays named by the caller.
table_rows() {
  local -n names=$1 results=$2 items=$3
  local i p50 p95 p99 max
  for i in "${!names[@]}"; do
    read -r p50 p95 p99 max _ <<< "${results[$i]}"
    echo "| ${names[$i]} | $p50 | **$p95** | $p99 | $max | ${items[$i]} |"
  done
}
{
  echo "# Audit read side — benchmark results"
  echo
  echo "Produced by \`bench/audit/run.sh\` on $(date -u +%Y-%m-%d) (UTC). Numbers are from one run on a shared machine;"
  echo "treat them as orders of magnitude, and compare rows within one run."
  echo
  echo "**Machine**: $(nproc) × $CPU, $MEM RAM, load average at the end $LOAD (other work was running);"
  echo "PostgreSQL $PGV (local, default settings), $JV; the packaged jar with \`-Xmx256m -XX:+UseSerialGC\`,"
  echo "RSS after the run $((RSS / 1024)) MB."
  echo
  echo "**Data**: $CALLS calls over 60 days (5 flows × 3 revisions, 20 caller ids, 20,000 called numbers, 88% COMPLETED,"
  echo "8% FAILED, 4% UNKNOWN), $EVENTS events of which $DTMF DTMF; database $SIZE; seeded with generate_series"
  echo "in ${SEED_SECONDS}s (including the V3 indexes' upkeep)."
  echo
  echo "## Queries through the HTTP API"
  echo
  echo "$REQUESTS sequential requests each over one keep-alive loopback connection (curl), after 20 of warm-up;"
  echo "page size 50 unless stated. Times in ms, as curl measured them (request sent → last byte)."
  echo
  echo "| query | p50 | p95 | p99 | max | answer |"
  echo "|---|---:|---:|---:|---:|---|"
  table_rows NAMES RESULTS ITEMS
  echo
  echo "Deep pages start 15,000 calls / 30,000 inputs into the filtered list: a keyset cursor costs the same there"
  echo "as on the first page. The database's share of each request is the Execution Time under Plans (well under"
  echo "10 ms); the rest is HTTP, JSON and CPU shared with whatever else the machine runs (see the load average)."
  echo
  echo "## Flow analytics"
  echo
  echo "\`GET /v1/flows/{id}/analytics\` (analytics.FlowAnalytics): $ANALYTICS_REQUESTS sequential requests each"
  echo "after 3 of warm-up (10 after 2 for the last row). Revision 1 of one flow holds a fifteenth of the calls;"
  echo "for the last row every call of the seed was moved onto that revision, so one answer counts all $EVENTS"
  echo "events' calls."
  echo
  echo "| query | p50 | p95 | p99 | max | answer |"
  echo "|---|---:|---:|---:|---:|---|"
  table_rows A_NAMES A_RESULTS A_ITEMS
  read -r p50 p95 p99 max _ <<< "$WORST"
  echo "| analytics, every call on 1 revision, 61 days | $p50 | **$p95** | $p99 | $max | $WORST_ITEMS |"
  echo
  echo "The plan of its first statement for one revision over 61 days (EXPLAIN ANALYZE, BUFFERS): the calls come"
  echo "from \`call_revision_created\` (V11), their steps from \`call_event_steps\` alone (index-only, in call order),"
  echo "grouped into one row per distinct path (the second statement, the median waits, reads the same way):"
  echo
  echo '```'
  cat "$WORK/analytics-plan"
  echo '```'
  echo
  echo "## Exports (streamed from a database cursor)"
  echo
  echo "| export | rows | MB | seconds | rows/s | MB/s | first byte (ms) |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for i in "${!EXPORT_NAMES[@]}"; do
    read -r rows mb secs rps mbps first <<< "${EXPORT_RESULTS[$i]}"
    echo "| ${EXPORT_NAMES[$i]} | $rows | $mb | $secs | $rps | $mbps | $first |"
  done
  echo
  echo "## What the V3 indexes cost the callback's INSERTs"
  echo
  echo "50,000 callbacks' rows (one DTMF and one VERB_SENT each) inserted in one statement and rolled back, with the"
  echo "V3 indexes on call_event and with them dropped (best of 3): $INDEX_COST."
  echo "Only DTMF rows enter \`call_event_dtmf_at\`; \`call_event_orphan_at\` takes only call-less events (none here)."
  echo
  echo "## Plans"
  echo
  echo "EXPLAIN ANALYZE of the same SQL (first lines), showing which V3 index serves each filter:"
  echo
  echo '```'
  cat "$WORK/plans"
  echo '```'
} > "$HERE/RESULTS.md"

echo
printf '%-40s %8s %8s %8s %8s\n' "query (ms)" p50 p95 p99 max
for i in "${!NAMES[@]}"; do
  read -r p50 p95 p99 max _ <<< "${RESULTS[$i]}"
  printf '%-40s %8s %8s %8s %8s\n' "${NAMES[$i]}" "$p50" "$p95" "$p99" "$max"
done
for i in "${!A_NAMES[@]}"; do
  read -r p50 p95 p99 max _ <<< "${A_RESULTS[$i]}"
  printf '%-40s %8s %8s %8s %8s\n' "${A_NAMES[$i]}" "$p50" "$p95" "$p99" "$max"
done
read -r p50 p95 p99 max _ <<< "$WORST"
printf '%-40s %8s %8s %8s %8s\n' "analytics, every call on 1 revision" "$p50" "$p95" "$p99" "$max"
echo
printf '%-26s %8s %6s %7s %8s %6s\n' "export" rows MB seconds rows/s MB/s
for i in "${!EXPORT_NAMES[@]}"; do
  read -r rows mb secs rps mbps _ <<< "${EXPORT_RESULTS[$i]}"
  printf '%-26s %8s %6s %7s %8s %6s\n' "${EXPORT_NAMES[$i]}" "$rows" "$mb" "$secs" "$rps" "$mbps"
done
echo
cat "$WORK/plans"
say "wrote bench/audit/RESULTS.md; dropping $DB"
