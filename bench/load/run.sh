#!/usr/bin/env bash
# Load test of the review pages: gunicorn + PostgreSQL, 10,000 articles, 2,000 proposed links, 20 clients.
#   bench/load/run.sh            (uses the database bench_load on 127.0.0.1; creates and seeds it if empty)
# Env: BENCH_DB_URL, BENCH_USERS (20), BENCH_SECONDS (60), BENCH_THINK_SECONDS (1.0; 0 = no pause),
#      BENCH_WORKERS (gunicorn workers, 3), BENCH_PORT (8100),
#      BENCH_REDIS_URL (redis://127.0.0.1:6379/14, used when it answers, as production has Redis; empty = none;
#      emptied at the start of each run unless BENCH_KEEP_CACHE=1).
set -euo pipefail
cd "$(dirname "$0")/../.."
DB_URL="${BENCH_DB_URL:-postgres://postgres@127.0.0.1:5432/bench_load}"
PORT="${BENCH_PORT:-8100}"
OUT="${BENCH_OUT:-var/bench_load}"
mkdir -p "$OUT"
export DATABASE_URL="$DB_URL" DEBUG=false SECRET_KEY=load-test-only ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false \
       STATIC_ROOT="$PWD/$OUT/static" LOG_LEVEL=WARNING
REDIS="${BENCH_REDIS_URL-redis://127.0.0.1:6379/14}"
if [ -n "$REDIS" ] && redis-cli -u "$REDIS" ping >/dev/null 2>&1; then
  export REDIS_URL="$REDIS"  # the cache the workers share, and cached sessions
  # Each run starts with nothing cached (no evidence rendered by an earlier run); BENCH_KEEP_CACHE=1 keeps it.
  [ "${BENCH_KEEP_CACHE:-0}" = 1 ] || redis-cli -u "$REDIS" flushdb >/dev/null
  echo "With Redis at $REDIS_URL"
else
  echo "Without Redis: each worker keeps its own cache"
fi
createdb -h 127.0.0.1 -U postgres bench_load 2>/dev/null || true
uv run python manage.py migrate -v0
uv run python manage.py collectstatic --noinput -v0
uv run python bench/load/seed.py || echo "(already seeded)"
ids() { psql "$DB_URL" -Atc "$1" | paste -sd, -; }
export BENCH_CHAIN_IDS="$(ids 'select id from review_chain order by random() limit 300')"
export BENCH_ARTICLE_IDS="$(ids 'select target_id from review_link order by random() limit 300')"
uv run gunicorn provenance.wsgi -w "${BENCH_WORKERS:-3}" -b "127.0.0.1:$PORT" --access-logfile /dev/null &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/login/" && break; sleep 0.2; done
uv run locust -f bench/load/locustfile.py --headless -u "${BENCH_USERS:-20}" -r "${BENCH_USERS:-20}" \
  -t "${BENCH_SECONDS:-60}s" --host "http://127.0.0.1:$PORT" --csv "$OUT/locust" --only-summary 2>&1 | tail -25
echo "CSV: $OUT/locust_stats.csv"
