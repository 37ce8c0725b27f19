#!/usr/bin/env bash
# Runs the libFuzzer harnesses built by `make fuzz-build` (build/fuzz/bin/<name>, one per
# fuzz/<name>.c). docs/security.md, "Fuzzing".
#
#   scripts/fuzz.sh run [name...]      fuzz each for FUZZ_SECONDS (60), one after another,
#                                      at nice 10; prints executions, exec/s, new corpus
#                                      units and crashes; non-zero when any crashed
#   scripts/fuzz.sh regress [name...]  run each once over fuzz/corpus/<name> and
#                                      fuzz/regressions/<name> (no fuzzing)
#   scripts/fuzz.sh merge name         shrink fuzz/corpus/<name> to the inputs that keep the
#                                      coverage of it and of the working corpus (-merge=1)
#
# Fuzzing grows a working corpus in build/fuzz/corpus/<name> (kept between runs, seeded
# from the committed one) and writes crashing inputs to build/fuzz/crashes/<name>/; copy
# one to fuzz/regressions/<name>/ once it is fixed.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=build/fuzz/bin
seconds=${FUZZ_SECONDS:-60}

# The longest input worth trying, per parser: a little past what the server lets through
# to it, so that the limits themselves are crossed.
max_len() {
  case "$1" in
    router) echo 600 ;;
    clock | privacy_phone) echo 80 ;;
    calendar_csv) echo 8192 ;;
    search | privacy | utf8 | access_log) echo 2048 ;;
    *) echo 4096 ;;
  esac
}

harnesses() {
  if [ $# -gt 0 ]; then
    printf '%s\n' "$@"
  else
    for f in fuzz/*.c; do basename "$f" .c; done
  fi
}

# stat::name value from a libFuzzer log.
stat() { awk -v k="stat::$1:" '$1 == k {print $2}' "$2" | tail -n 1; }

run() {
  local crashed=0 name
  mkdir -p build/fuzz/logs
  printf '%-14s %12s %9s %6s %8s\n' harness executions exec/s new crashes
  for name in $(harnesses "$@"); do
    [ -x "$bin/$name" ] || { echo "$name: no $bin/$name (make fuzz-build)"; crashed=1; continue; }
    local work=build/fuzz/corpus/$name crashes=build/fuzz/crashes/$name
    local log=build/fuzz/logs/$name.log dict=()
    mkdir -p "$work" "$crashes" "fuzz/corpus/$name"
    [ -f "fuzz/dict/$name.dict" ] && dict=(-dict="fuzz/dict/$name.dict")
    local before
    before=$(find "$crashes" -type f | wc -l)
    nice -n 10 "$bin/$name" -max_len="$(max_len "$name")" -max_total_time="$seconds" \
      -timeout=10 -print_final_stats=1 -artifact_prefix="$crashes/" "${dict[@]}" \
      "$work" "fuzz/corpus/$name" >"$log" 2>&1
    local rc=$? after
    after=$(find "$crashes" -type f | wc -l)
    local found=$((after - before))
    [ $rc -ne 0 ] && [ $found -eq 0 ] && found=1
    printf '%-14s %12s %9s %6s %8s\n' "$name" "$(stat number_of_executed_units "$log")" \
      "$(stat average_exec_per_sec "$log")" "$(stat new_units_added "$log")" "$found"
    if [ $found -gt 0 ]; then
      crashed=1
      grep -m 3 -E 'ERROR: |property failed|runtime error' "$log" | sed 's/^/    /'
      grep -m 1 -E 'Test unit written to' "$log" | sed 's/^/    /'
    fi
  done
  return $crashed
}

regress() {
  local failed=0 total=0 name
  for name in $(harnesses "$@"); do
    [ -x "$bin/$name" ] || { printf '%-14s FAILED (no %s: make fuzz-build)\n' "$name" "$bin/$name"; failed=1; continue; }
    local files=()
    for d in "fuzz/corpus/$name" "fuzz/regressions/$name"; do
      [ -d "$d" ] && while IFS= read -r f; do files+=("$f"); done < <(find "$d" -type f | sort)
    done
    [ ${#files[@]} -eq 0 ] && { echo "$name: no inputs"; continue; }
    total=$((total + ${#files[@]}))
    if "$bin/$name" -timeout=10 "${files[@]}" >build/fuzz/regress-$name.log 2>&1; then
      printf '%-14s %4d inputs ok\n' "$name" ${#files[@]}
    else
      failed=1
      printf '%-14s FAILED\n' "$name"
      grep -m 5 -E 'ERROR: |property failed|runtime error|Running: ' build/fuzz/regress-$name.log |
        tail -n 5 | sed 's/^/    /'
    fi
  done
  echo "fuzz-regress: $total inputs, $([ $failed -eq 0 ] && echo ok || echo FAILED)"
  return $failed
}

merge() {
  local name=$1 tmp
  tmp=$(mktemp -d)
  mkdir -p "build/fuzz/corpus/$name"
  # The committed inputs first, so that the realistic seeds stay and what the fuzzer found
  # is added only where it reaches further: new edges, not new hit counts
  # (-use_counters=0), which keeps the committed corpus to a few dozen inputs.
  local src
  for src in "fuzz/corpus/$name" "build/fuzz/corpus/$name"; do
    "$bin/$name" -merge=1 -use_counters=0 -max_len="$(max_len "$name")" "$tmp" "$src" \
      >"build/fuzz/merge-$name.log" 2>&1 || {
      tail -n 20 "build/fuzz/merge-$name.log"; rm -rf "$tmp"; return 1; }
  done
  rm -rf "fuzz/corpus/$name"
  mv "$tmp" "fuzz/corpus/$name"
  chmod 755 "fuzz/corpus/$name"
  echo "$name: $(find "fuzz/corpus/$name" -type f | wc -l) inputs kept"
}

mkdir -p build/fuzz
case "${1:-}" in
  run) shift; run "$@" ;;
  regress) shift; regress "$@" ;;
  merge) shift; merge "$1" ;;
  *) sed -n '2,17p' "$0"; exit 2 ;;
esac
