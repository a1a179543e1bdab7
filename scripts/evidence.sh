#!/usr/bin/env bash
# Regenerates the evidence behind docs/results.md (issue "Evidence"): for each data set and images-per-class
# K it generates the DSV sets (DeepKKT from noise, from the other data set's images, from real images, and
# the primal-only baseline from the same noise), scores real images by λ (faithfulness), then trains fresh
# ConvNets on every set with `distill` (SEEDS seeds each) and writes one JSON per cell under $WORK/results.
#   scripts/evidence.sh [DATA=K[:ROW,ROW...]] ...   e.g. fashion-mnist=10  mnist=50:random,dsv-noise
#   (DATA fashion-mnist|mnist, K 1|10|50, ROW as in $ROWS below; default: both data sets at K = 1 and 10, all rows;
#   `all`: both data sets at K = 1, 10 and 50, the whole of docs/results.md, about 8 h on 2 cores)
# Resumable at two levels: a row whose JSON exists is skipped, and a row that was interrupted keeps its
# finished seeds (distill --resume), so it can be stopped and restarted at will.
# Then: /usr/bin/python3 scripts/results_table.py $WORK > docs/results.md
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-runs/evidence}
SEEDS=${SEEDS:-5}
PRESET=${PRESET:-quick}
# η, the weight of the augmented copies: 0 because it measured better for DSVs and worse for primal-only (docs/evidence.md)
AUG=${AUG:-0}
# β₂, the TV prior: 0, as the table was measured (the presets' TV = 1 came later; its levers: docs/evidence.md)
TV=${TV:-0}
JAR=${JAR:-target/dsv-studio.jar}
export DJL_CACHE_DIR=${DJL_CACHE_DIR:-$HOME/.dsv-studio/cache}
# the launcher's native settings (packaging/dsv-studio): OpenMP threads that spin briefly, two malloc arenas.
# Two of these scripts at once on 2 cores: start each with OMP_NUM_THREADS=1, or their spinning threads
# fight (a 100-candidate DeepKKT run: 573 s shared that way vs 32–42 s with one thread each).
export GOMP_SPINCOUNT=${GOMP_SPINCOUNT:-1000} MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
J=(java -Xmx6g -Dai.djl.offline=true -jar "$JAR")
mkdir -p "$WORK/results" "$WORK/sets" "$WORK/logs"

model_of() { case $1 in fashion-mnist) echo sample-models/convnet-fashion ;; mnist) echo sample-models/convnet-mnist ;; esac; }
other_of() { case $1 in fashion-mnist) echo mnist ;; mnist) echo fashion-mnist ;; esac; }

# generate SETNAME DATA K EXTRA...: one DeepKKT run (seed 0, preset $PRESET, η = $AUG) into $WORK/sets/DATA-kK-SETNAME
generate() {
  local name=$1 data=$2 k=$3; shift 3
  local dir="$WORK/sets/$data-k$k-$name"
  if [ -f "$dir/dsvs.json" ]; then return; fi
  echo "$(date +%T) generate $data k=$k $name" >&2
  "${J[@]}" generate "$(model_of "$data")" --per-class "$k" --seed 0 --preset "$PRESET" --augment-weight "$AUG" \
    --tv-weight "$TV" --out "$dir.tmp" "$@" \
    > "$WORK/logs/gen-$data-k$k-$name.log" 2>&1
  rm -rf "$dir"; mv "$dir.tmp" "$dir"
}

# distill ROW DATA K IMAGES EXTRA...: SEEDS fresh ConvNets on IMAGES
distill() {
  local row=$1 data=$2 k=$3 images=$4; shift 4
  local out="$WORK/results/$data-k$k-$row.json"
  if [ -f "$out" ]; then return; fi
  echo "$(date +%T) distill $data k=$k $row" >&2
  "${J[@]}" distill --images "$images" --data "data/$data" --seeds "$SEEDS" --out "$out" --resume "$@" \
    >> "$WORK/logs/distill-$data-k$k-$row.log" 2>&1
}

ranking() {
  local data=$1 file="$WORK/sets/$1-ranking.json"
  if [ -f "$WORK/results/$data-faithfulness.json" ]; then return; fi
  echo "$(date +%T) faithfulness $data" >&2
  local dsvs="$WORK/sets/$data-k10-dsv-noise"
  [ -d "$dsvs" ] || dsvs="$WORK/sets/$data-k1-dsv-noise"
  "${J[@]}" faithfulness "$(model_of "$data")" --data "data/$data" --dsvs "$dsvs" --lambda-images 100 \
    --margin-images 500 --ranking "$file" --out "$WORK/results/$data-faithfulness.json" \
    > "$WORK/logs/faithfulness-$data.log" 2>&1
}

# row DATA K ROW: one row of the table (its DeepKKT set first where it has one)
row() {
  local data=$1 k=$2 other
  other=$(other_of "$data")
  case $3 in
    primal-only)
      generate primal-only "$data" "$k" --stationarity-weight 0
      distill primal-only "$data" "$k" "$WORK/sets/$data-k$k-primal-only" ;;
    dsv-noise)
      generate dsv-noise "$data" "$k"
      distill dsv-noise "$data" "$k" "$WORK/sets/$data-k$k-dsv-noise" ;;
    random)
      distill random "$data" "$k" "random:$k" ;;
    top-lambda)
      ranking "$data"
      distill top-lambda "$data" "$k" "top-lambda:$k" --ranking "$WORK/sets/$data-ranking.json" ;;
    dsv-other)
      generate dsv-other "$data" "$k" --init other --data "data/$other"
      distill dsv-other "$data" "$k" "$WORK/sets/$data-k$k-dsv-other" ;;
    dsv-real)
      generate dsv-real "$data" "$k" --init real --data "data/$data"
      distill dsv-real "$data" "$k" "$WORK/sets/$data-k$k-dsv-real" ;;
    start-real)
      # control for the k-shot row: its start images themselves (one step at a negligible rate; the 8-bit PNGs
      # are then exactly the real images)
      generate start-real "$data" "$k" --init real --data "data/$data" --steps 1 --lr-x 1e-9
      distill start-real "$data" "$k" "$WORK/sets/$data-k$k-start-real" ;;
    *) echo "unknown row '$3' (one of: $ROWS)" >&2; exit 2 ;;
  esac
}
ROWS="primal-only dsv-noise random top-lambda dsv-other dsv-real start-real"

if [ $# -eq 0 ]; then
  set -- fashion-mnist=1 fashion-mnist=10 mnist=1 mnist=10
elif [ "$*" = all ]; then
  set -- fashion-mnist=1 fashion-mnist=10 fashion-mnist=50 mnist=1 mnist=10 mnist=50
fi
for spec in "$@"; do
  data=${spec%%=*} rest=${spec#*=}
  k=${rest%%:*}
  if [ "$rest" = "$k" ]; then rows=$ROWS; else rows=${rest#*:}; fi
  for r in ${rows//,/ }; do row "$data" "$k" "$r"; done
done
echo "$(date +%T) done" >&2
