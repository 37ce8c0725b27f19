#!/usr/bin/env bash
# Runs every test suite: the cmocka unit tests (normal and ASan/UBSan builds) on SQLite and
# on a throwaway PostgreSQL cluster, the API tests over HTTP against the real binary on
# both databases, and the browser tests in Debian's chromium. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

scripts/install-deps.sh || { echo "install-deps failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
log=$(mktemp -d /tmp/yiwang-test-XXXXXX)
chmod 755 "$log" # the postgres user must reach the cluster directory inside
pgdir="$log/pg"

cleanup() {
  scripts/pg-temp.sh stop "$pgdir" >/dev/null 2>&1 || true
  rm -rf "$log"
}
trap cleanup EXIT

count_cmocka() { # file
  local p f
  p=$(grep -hoE '^\[  PASSED  \] [0-9]+' "$1" | awk '{s+=$4} END {print s+0}')
  f=$(grep -hoE '^\[  FAILED  \] [0-9]+' "$1" | awk '{s+=$4} END {print s+0}')
  passed=$((passed + p)); failed=$((failed + f))
  echo "    → $p passed, $f failed"
}

count_node() { # file exit-code
  local p f
  p=$(grep -hoE '^# pass [0-9]+' "$1" | awk '{s+=$3} END {print s+0}')
  f=$(grep -hoE '^# fail [0-9]+' "$1" | awk '{s+=$3} END {print s+0}')
  if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
  echo "    → $p passed, $f failed"
}

t0=$SECONDS
step() { echo; echo "== $* [+$((SECONDS - t0)) s]"; }

step "build (normal and sanitizer)"
if ! make -s all unit-tests >"$log/build.txt" 2>&1 || ! make -s SAN=1 unit-tests >>"$log/build.txt" 2>&1; then
  cat "$log/build.txt"
  echo "build failed"
  echo "$passed passed, $((failed + 1)) failed"
  exit 1
fi

step "style: clang-format"
if clang-format --dry-run --Werror src/*.[ch] src/*/*.[ch] tests/unit/*.[ch] tests/unit/*/*.[ch] fuzz/*.[ch] >"$log/format.txt" 2>&1; then
  passed=$((passed + 1)); echo "    → formatted"
else
  head -n 20 "$log/format.txt"; failed=$((failed + 1)); echo "    → run make format"
fi

step "PostgreSQL: throwaway cluster"
# Both backends are promised: without PostgreSQL the unit suites fail their PostgreSQL run
# (tests/unit/testutil.h) and the API suite on PostgreSQL counts as failed, never skipped.
export YIWANG_TEST_REQUIRE_PG=1
if pg_url=$(scripts/pg-temp.sh start "$pgdir"); then
  export YIWANG_TEST_PG="$pg_url"
  export YIWANG_TEST_PG_DIR="$pgdir"
  echo "    $pg_url"
else
  echo "    could not start PostgreSQL"; failed=$((failed + 1))
fi

# The store's unit tests restart the PostgreSQL server (a store must survive that): they
# run first, alone, before anything else holds a connection to it.
unit_one() { # binary
  local out="$log/unit-$(basename "$(dirname "$(dirname "$1")")")-$(basename "$1").txt"
  ASAN_OPTIONS=detect_leaks=1 "$1" >"$out" 2>&1
  echo $? >"$out.rc"
}
step "unit: the store (restarts PostgreSQL)"
for t in build/tests/test_store build/san/tests/test_store; do unit_one "$t"; done

# One demo database per backend, copied for each test server (the demo carries a year of
# every platform's records and takes a while to build, on PostgreSQL most): the PostgreSQL
# one is built in the background while the unit tests run.
pg_tmpl=yw_demo_template
pg_tmpl_pid=
if [ -n "${YIWANG_TEST_PG:-}" ]; then
  ( psql "$YIWANG_TEST_PG" -q -c "DROP DATABASE IF EXISTS $pg_tmpl" -c "CREATE DATABASE $pg_tmpl" &&
    build/yiwang demo --db "${YIWANG_TEST_PG%/*}/$pg_tmpl" --password yiwang-demo ) \
    >"$log/demo-pg.txt" 2>&1 &
  pg_tmpl_pid=$!
fi

# The unit tests of the two builds side by side (each build's binaries one after another,
# each on SQLite and on the throwaway PostgreSQL: their databases are named per process).
unit_variant() { # build-dir
  local t
  for t in "$1"/tests/test_*; do
    [ -x "$t" ] && [ "$(basename "$t")" != test_store ] && unit_one "$t"
  done
}
step "unit tests (normal and sanitizer builds side by side)"
unit_variant build &
unit_normal=$!
unit_variant build/san
wait $unit_normal
for variant in build build/san; do
  for t in "$variant"/tests/test_*; do
    [ -x "$t" ] || continue
    out="$log/unit-$(basename "$variant")-$(basename "$t").txt"
    echo "-- $t"
    grep -E '^\[  (FAILED|  OK  |PASSED) \]|^\[  ERROR' "$out" | grep -vE '^\[       OK \]' | tail -n 20
    rc=$(cat "$out.rc" 2>/dev/null || echo 1)
    if [ "$rc" -ne 0 ] && ! grep -q '^\[  FAILED  \]' "$out"; then
      tail -n 40 "$out"; failed=$((failed + 1))
    fi
    count_cmocka "$out"
  done
done

# Every libFuzzer harness once over its committed corpus and the inputs that once crashed
# it (fuzz/regressions): no fuzzing, a few seconds; one count per harness.
step "fuzz regressions (clang, libFuzzer)"
if make -s -j2 fuzz-build >"$log/fuzz-build.txt" 2>&1; then
  scripts/fuzz.sh regress >"$log/fuzz.txt" 2>&1
  sed 's/^/    /' "$log/fuzz.txt"
  p=$(grep -cE '^[a-z0-9_]+ +[0-9]+ inputs ok$' "$log/fuzz.txt")
  f=$(grep -cE '^[a-z0-9_]+ +FAILED' "$log/fuzz.txt")
  [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && f=1
  passed=$((passed + p)); failed=$((failed + f))
  echo "    → $p passed, $f failed"
else
  tail -n 30 "$log/fuzz-build.txt"; failed=$((failed + 1)); echo "    → fuzz build failed"
fi

step "demo templates"
export YIWANG_TEST_TEMPLATE="$log/demo-template.db"
if build/yiwang demo --db "$YIWANG_TEST_TEMPLATE" --password yiwang-demo 2>"$log/demo.txt"; then
  echo "    sqlite: $YIWANG_TEST_TEMPLATE"
else
  cat "$log/demo.txt"; failed=$((failed + 1)); unset YIWANG_TEST_TEMPLATE
fi
if [ -n "$pg_tmpl_pid" ]; then
  if wait "$pg_tmpl_pid"; then
    export YIWANG_TEST_PG_TEMPLATE=$pg_tmpl; echo "    postgres: $pg_tmpl"
  else
    cat "$log/demo-pg.txt"; failed=$((failed + 1))
  fi
fi

# The API suite on both backends at once, against the normal build (the sanitizer build
# runs the unit tests above; on 2 cores it would make the HTTP suites several times slower).
api_suite() { # backend
  YIWANG_BIN="$root/build/yiwang" YIWANG_TEST_BACKEND=$1 \
    node --test --test-reporter=tap --test-concurrency=2 tests/api/ >"$log/api-$1.txt" 2>&1
  echo $? >"$log/api-$1.rc"
}
step "api (sqlite and postgres side by side)"
api_suite sqlite &
api_sqlite=$!
if [ -n "${YIWANG_TEST_PG:-}" ]; then api_suite postgres & api_pg=$!; else api_pg=; fi
wait $api_sqlite
[ -n "$api_pg" ] && wait "$api_pg"
for backend in sqlite postgres; do
  step "api ($backend)"
  if [ ! -f "$log/api-$backend.rc" ]; then
    echo "    no PostgreSQL: the suite cannot run"; failed=$((failed + 1))
    continue
  fi
  rc=$(cat "$log/api-$backend.rc")
  # (a test retried on a loaded machine prints its first failure: keep it visible)
  grep -E '^not ok|^# (pass|fail)|first attempt failed' "$log/api-$backend.txt"
  [ "$rc" -ne 0 ] && grep -B2 -A30 '^not ok' "$log/api-$backend.txt" | head -n 120
  count_node "$log/api-$backend.txt" "$rc"
done

# The drills' short versions (docs/security.md); each counts as one test.
drill() { # name command...
  local name=$1 rc
  shift
  step "drill: $name"
  "$@" >"$log/drill.txt" 2>&1
  rc=$?
  [ $rc -ne 0 ] && grep -E 'FAIL|problem|lost|duplicated|error' "$log/drill.txt" | head -n 30
  tail -n 2 "$log/drill.txt" | sed 's/^/    /'
  if grep -q SKIPPED "$log/drill.txt"; then echo "    → skipped"
  elif [ $rc -eq 0 ]; then passed=$((passed + 1)); echo "    → passed"
  else failed=$((failed + 1)); echo "    → failed"; fi
}
pg_trials=2; [ -n "${YIWANG_TEST_PG:-}" ] || pg_trials=0
drill "crash trials" node drills/crash.mjs --sqlite 5 --pg $pg_trials
drill "disk full" node drills/diskfull.mjs
drill "abuse (short phases)" node drills/abuse.mjs --quick 1
drill "backup and restore" node drills/backup.mjs

step "browser (chromium)"
node --test --test-reporter=tap tests/browser/ >"$log/browser.txt" 2>&1
rc=$?
grep -E '^not ok|^# (pass|fail)' "$log/browser.txt"
[ $rc -ne 0 ] && grep -A40 '^not ok' "$log/browser.txt" | head -n 80
count_node "$log/browser.txt" $rc

echo
echo "(took $((SECONDS - t0)) s)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
