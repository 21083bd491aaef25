#!/usr/bin/env bash
# Contact upload timing (issue 14): one CSV of BENCH_ROWS contacts (default 1,000,000: number + two variables,
# ~45 MB) uploaded to a DRAFT campaign of the packaged service, on loopback, with its own database, in a heap of
# 80 MiB (the bench's usual -Xmx80m): an upload held in memory would not fit. Bounded: the upload may take at most
# BENCH_IMPORT_LIMIT seconds (default 300). Prints the time, rows/s, the heap after the last GC and the peak RSS.
#
#   bash bench/campaign-import.sh                    # builds target/quarkus-app if missing
#   BENCH_ROWS=100000 bash bench/campaign-import.sh  # smaller
#   BENCH_NO_BUILD=1 / BENCH_KEEP_DB=1 / BENCH_DB=name / BENCH_PORT=18290
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROWS=${BENCH_ROWS:-1000000}
LIMIT=${BENCH_IMPORT_LIMIT:-300}
DB=${BENCH_DB:-nexaflow_import_bench}
DB_MARK="created by nexaflow bench/campaign-import.sh"
PORT=${BENCH_PORT:-18290}
KEY="bench-import-admin-key"
OUT=$ROOT/bench/out/import-$(date -u +%Y%m%dT%H%M%SZ)
PSQL=(psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -q)
JAVA_OPTS=${BENCH_JAVA_OPTS:-"-XX:+UseSerialGC -Xms80m -Xmx80m -Xmn32m -XX:MetaspaceSize=128m \
  -XX:+ExitOnOutOfMemoryError"}
mkdir -p "$OUT"
APP_PID=

log() { printf '\n== %s\n' "$*"; }
die() { echo "campaign-import: $*" >&2; exit 1; }
db_is_ours() {
  [[ $("${PSQL[@]}" -d postgres -tAc "SELECT shobj_description(oid, 'pg_database') FROM pg_database
                                      WHERE datname = '$DB'") == "$DB_MARK" ]]
}
cleanup() {
  local rc=$?
  if [[ -n $APP_PID ]]; then kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; fi
  if [[ ${BENCH_KEEP_DB:-0} != 1 ]] && db_is_ours 2>/dev/null; then
    "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  exit $rc
}
trap cleanup EXIT INT TERM

if [[ ${BENCH_NO_BUILD:-0} != 1 && ! -f $ROOT/target/quarkus-app/quarkus-run.jar ]]; then
  log "Building the service jar"
  (cd "$ROOT" && ./mvnw -q -B package -DskipTests)
fi

log "Database $DB"
if "${PSQL[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
  db_is_ours || die "database $DB exists and was not made by this script; set BENCH_DB to another name"
  "${PSQL[@]}" -d postgres -c "DROP DATABASE $DB WITH (FORCE)"
fi
"${PSQL[@]}" -d postgres -c "CREATE DATABASE $DB" -c "COMMENT ON DATABASE $DB IS '$DB_MARK'"

log "Generating $ROWS rows"
# Distinct valid Indian mobile numbers (+9198 and eight digits), written three ways as people do.
awk -v rows="$ROWS" 'BEGIN {
  print "number,name,amount";
  for (i = 0; i < rows; i++) {
    n = sprintf("98%08d", i);
    if (i % 3 == 0) num = "+91" n; else if (i % 3 == 1) num = "0" n; else num = "+91 " substr(n, 1, 5) " " substr(n, 6);
    printf "%s,Customer %d,%d.%02d\n", num, i, i % 5000, i % 100;
  }
}' > "$OUT/contacts.csv"
BYTES=$(stat -c %s "$OUT/contacts.csv")
echo "$BYTES bytes"

log "Starting nexaflow on 127.0.0.1:$PORT ($JAVA_OPTS)"
CLEAN_ENV=(env)
while IFS='=' read -r name _; do
  [[ $name =~ ^(QUARKUS|NEXAFLOW|NEXAFONE)_ ]] && CLEAN_ENV+=(-u "$name")
done < <(env)
(cd "$ROOT/target/quarkus-app" && exec "${CLEAN_ENV[@]}" QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$PORT" \
  QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:5432/$DB" \
  QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD=postgres \
  NEXAFLOW_WEBHOOK_SECRET=bench-import-secret NEXAFLOW_PUBLIC_URL="http://127.0.0.1:$PORT" \
  NEXAFLOW_ADMIN_API_KEY="$KEY" NEXAFLOW_JOURNAL_DIR="$OUT/journal" \
  java $JAVA_OPTS -Xlog:gc:file="$OUT/gc.log" -jar quarkus-run.jar) > "$OUT/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 600); do
  kill -0 "$APP_PID" 2>/dev/null || { tail -30 "$OUT/app.log"; die "nexaflow exited"; }
  [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/q/health/ready") == 200 ]] && break
  sleep 0.1
done

api() { curl -sS --max-time 30 -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' "$@"; }
FLOW=$(api -d '{"name": "import-bench", "publish": true,
                "definition": {"start": "bye", "nodes": {"bye": {"type": "hangup"}}}}' \
  "http://127.0.0.1:$PORT/v1/flows" | sed -E 's/.*"id":"([^"]+)".*/\1/')
CAMPAIGN=$(api -d "{\"name\": \"import-bench\", \"flowId\": \"$FLOW\", \"from\": \"+911203135800\",
  \"timezone\": \"Asia/Kolkata\", \"windows\": [{\"days\": [\"MON\"], \"start\": \"09:00\", \"end\": \"21:00\"}],
  \"callsPerSecond\": 10, \"maxConcurrent\": 100}" "http://127.0.0.1:$PORT/v1/campaigns" \
  | sed -E 's/.*"id":"([^"]+)".*/\1/')
[[ $CAMPAIGN =~ ^[0-9a-f-]{36}$ ]] || die "could not create the campaign: $CAMPAIGN"

log "Uploading"
( while kill -0 "$APP_PID" 2>/dev/null; do awk '/^VmRSS/{print $2}' "/proc/$APP_PID/status"; sleep 0.25; done ) \
  > "$OUT/rss.txt" 2>/dev/null &
SAMPLER=$!
START=$(date +%s%3N)
curl -sS --max-time "$LIMIT" -H "Authorization: Bearer $KEY" -H 'Content-Type: text/csv' \
  --data-binary @"$OUT/contacts.csv" "http://127.0.0.1:$PORT/v1/campaigns/$CAMPAIGN/contacts" > "$OUT/answer.json"
END=$(date +%s%3N)
kill "$SAMPLER" 2>/dev/null || true
MS=$((END - START))
RSS_PEAK=$(sort -n "$OUT/rss.txt" | tail -1)
HEAP_AFTER_GC=$(grep -oE '[0-9]+M->[0-9]+M' "$OUT/gc.log" | tail -1)
echo "answer: $(head -c 300 "$OUT/answer.json")"
grep -q "\"accepted\":$ROWS" "$OUT/answer.json" || die "not every row was accepted"
printf '\n%s rows (%s bytes) in %d.%03d s: %d rows/s; heap (last GC) %s of -Xmx80m; peak RSS %d MiB\n' \
  "$ROWS" "$BYTES" $((MS / 1000)) $((MS % 1000)) $((ROWS * 1000 / (MS > 0 ? MS : 1))) "$HEAP_AFTER_GC" \
  $((RSS_PEAK / 1024))
grep -E 'upload by' "$OUT/app.log" | tail -1 || true
rm -f "$OUT/contacts.csv"
