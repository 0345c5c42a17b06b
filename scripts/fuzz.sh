#!/usr/bin/env bash
# Runs the libFuzzer harness once per target in Fuzz/corpus/, for SECONDS each. Exits non-zero on the first
# crash, hang (over 10 s for one input) or blow-up (over 2 GB), naming the target and the saved input.
set -euo pipefail
scratch="$1" seconds="$2"
binary="$scratch/debug/evidence-fuzz"
status=0
for seeds in Fuzz/corpus/*/; do
  target=$(basename "$seeds")
  work="$scratch/corpus/$target" crashes="$scratch/crashes/$target"
  mkdir -p "$work" "$crashes"
  if FUZZ_TARGET="$target" "$binary" "$work" "$seeds" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -max_len=65536 -artifact_prefix="$crashes/" -print_final_stats=1 >"$scratch/$target.log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/$target.log")
    printf '  %-18s %9s runs, no crash\n' "$target" "$runs"
  else
    echo "  $target: FAILED; input saved in $crashes/ (reproduce: swift build && .build/debug/evidence-fuzz $target FILE)"
    grep -E "ERROR|SUMMARY|Fatal error|==[0-9]+==" "$scratch/$target.log" | head -5
    status=1
  fi
done
exit $status
