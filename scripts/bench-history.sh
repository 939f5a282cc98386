#!/usr/bin/env bash
# Times loading the run history: 1,000 run folders (200 damaged in four ways) plus 20 runs
# killed mid-run with all their batch lines, written to a temporary folder and scanned 9
# times; prints the median, min and max load time. Not a timed test: the number is for the
# README and for spotting regressions by eye.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo test --release --lib bench_history_load -- --ignored --nocapture
