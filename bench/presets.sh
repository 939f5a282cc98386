#!/usr/bin/env bash
# The table of the three presets, from the metrics.jsonl files of finished runs:
# params, best and last-3 test accuracy, epochs, wall time, and whether the last three
# epochs all reach 99.4%.
#
#   bench/presets.sh                          # the runs recorded in bench/results/
#   bench/presets.sh runs/*/metrics.jsonl     # your own runs
#
# To make fresh runs (each writes runs/<id>/metrics.jsonl; 15 epochs each):
#   convscope --headless --set model=model-1 $SEED_RECIPE
#   convscope --headless --set model=model-2 $SEED_RECIPE
#   convscope --headless                      # model-3 and the default recipe
#   convscope --headless --set train.seed=2
# with SEED_RECIPE="--set train.schedule=constant --set train.lr=0.01
#   --set train.dropout=0.1 --set train.rotate_degrees=0".
# Needs jq.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
  set -- bench/results/*/metrics.jsonl
fi
printf '| %-8s | %-6s | %-25s | %-15s | %-22s | %-6s | %-6s | %-5s |\n' \
  preset params recipe "best (epoch)" "last 3 epochs" epochs wall "≥99.4"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' ---------- -------- --------------------------- \
  ----------------- ------------------------ -------- -------- -------
for f in "$@"; do
  jq -rs '
    def pct: (. * 10000 | round) / 100 | tostring | if test("\\.") then . else . + ".0" end;
    def cfg(k): (.[0].config_toml | capture(k + " = (?<v>[^\n]+)").v // "?");
    (map(select(.event == "epoch"))) as $ep
    | (map(select(.event == "finished" or .event == "failed")) | last) as $fin
    | ($ep | map(.test_correct / .test_total)) as $acc
    | ($acc | .[-3:]) as $last3
    | ($acc | max) as $best
    | [ .[0].preset,
        (.[0].summary.total_params | tostring),
        ([cfg("schedule"), "lr " + cfg("\nlr"), "rot " + cfg("rotate_degrees"),
          "drop " + cfg("dropout"), "seed " + cfg("seed")] | join(" ") | gsub("\""; "")),
        ($best | pct) + " (" + ($acc | index($best) + 1 | tostring) + ")",
        ($last3 | map(pct) | join(" / ")),
        ($ep | length | tostring) + (if $fin.stopped then " (stopped)" else "" end),
        (($fin.wall_seconds // 0) | round | tostring) + " s",
        (if ($last3 | length) == 3 and ($last3 | min) >= 0.994 then "yes" else "no" end)
      ]
    | "| " + join(" | ") + " |"
  ' "$f"
done
