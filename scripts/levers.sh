#!/usr/bin/env bash
# The investigation behind docs/evidence.md: which settings make the stationarity term change what DSVs teach
# a fresh network. One lever at a time against the quick preset as it first was (η = 1, no TV prior; the
# levers say so explicitly), on Fashion-MNIST with K DSVs per class from
# the same noise (seed 0), each distilled with SEEDS fresh ConvNets. Resumable like scripts/evidence.sh;
# results in $WORK/levers/*.json, logs in $WORK/logs.
#   Usage: scripts/levers.sh [K [NAME...]]   (default K = 1, every lever; NAMEs pick some; DATA=mnist for MNIST)
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-runs/evidence}
SEEDS=${SEEDS:-8}
K=${1:-1}
[ $# -gt 0 ] && shift
ONLY=" $* "
JAR=${JAR:-target/dsv-studio.jar}
DATA=${DATA:-fashion-mnist}
case $DATA in
  fashion-mnist) MODEL=sample-models/convnet-fashion OTHER=mnist ;;
  mnist) MODEL=sample-models/convnet-mnist OTHER=fashion-mnist ;;
  *) echo "DATA must be fashion-mnist or mnist" >&2; exit 2 ;;
esac
export DJL_CACHE_DIR=${DJL_CACHE_DIR:-$HOME/.dsv-studio/cache}
# the launcher's native settings (packaging/dsv-studio): OpenMP threads that spin briefly, two malloc arenas.
# Two of these scripts at once on 2 cores: start each with OMP_NUM_THREADS=1, or their spinning threads
# fight (a 100-candidate DeepKKT run: 573 s shared that way vs 32–42 s with one thread each).
export GOMP_SPINCOUNT=${GOMP_SPINCOUNT:-1000} MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
J=(java -Xmx6g -Dai.djl.offline=true -jar "$JAR")
mkdir -p "$WORK/levers" "$WORK/sets" "$WORK/logs"

lever() {
  local name=$1; shift
  if [ "$ONLY" != "  " ] && [[ $ONLY != *" $name "* ]]; then return; fi
  local tag="k$K-$name"
  [ "$DATA" = fashion-mnist ] || tag="$DATA-$tag"
  local dir="$WORK/sets/lever-$tag" out="$WORK/levers/$tag.json"
  if [ -f "$out" ]; then return; fi
  if [ ! -f "$dir/dsvs.json" ]; then
    echo "$(date +%T) generate lever $name: $*" >&2
    # the levers were measured against presets without the TV prior: it is 0 unless a lever sets it
    [[ " $* " == *" --tv-weight "* ]] || set -- "$@" --tv-weight 0
    "${J[@]}" generate "$MODEL" --per-class "$K" --seed 0 --out "$dir.tmp" "$@" > "$WORK/logs/lever-gen-$tag.log" 2>&1
    rm -rf "$dir"; mv "$dir.tmp" "$dir"
  fi
  echo "$(date +%T) distill lever $name" >&2
  "${J[@]}" distill --images "$dir" --data "data/$DATA" --seeds "$SEEDS" --out "$out" --resume \
    >> "$WORK/logs/lever-distill-$tag.log" 2>&1
}

lever primal-only --preset quick --stationarity-weight 0 --augment-weight 1
lever quick --preset quick --augment-weight 1
lever quick-no-augment --preset quick --augment-weight 0
lever primal-no-augment --preset quick --stationarity-weight 0 --augment-weight 0
# on top of η = 0 (the better condition found above)
lever head-linear-no-augment --preset quick --params last:2 --augment-weight 0
lever cosine-all-no-augment --preset quick --params all --augment-weight 0
lever l1-all-no-augment --preset quick --distance L1_MEAN --params all --augment-weight 0
lever stat-x10-no-augment --preset quick --stationarity-weight 10 --augment-weight 0
lever standard-no-augment --preset standard --augment-weight 0
lever standard-primal-no-augment --preset standard --stationarity-weight 0 --augment-weight 0
# image priors on top of η = 0: total variation (real Fashion images have TV ≈ 0.44 per pixel in normalized
# units, DSVs from noise ≈ 1.6) and the squared-norm prior, with a primal-only twin for the TV prior
lever tv-0.1-no-augment --preset quick --augment-weight 0 --tv-weight 0.1
lever tv-0.3-no-augment --preset quick --augment-weight 0 --tv-weight 0.3
lever tv-1-no-augment --preset quick --augment-weight 0 --tv-weight 1
lever tv-0.3-primal-no-augment --preset quick --augment-weight 0 --tv-weight 0.3 --stationarity-weight 0
lever norm-0.1-no-augment --preset quick --augment-weight 0 --norm-weight 0.1
lever tv-3-no-augment --preset quick --augment-weight 0 --tv-weight 3
lever tv-10-no-augment --preset quick --augment-weight 0 --tv-weight 10
lever tv-1-primal-no-augment --preset quick --augment-weight 0 --tv-weight 1 --stationarity-weight 0
lever norm-1-no-augment --preset quick --augment-weight 0 --norm-weight 1
lever tv-1-norm-0.1-no-augment --preset quick --augment-weight 0 --tv-weight 1 --norm-weight 0.1
# the TV prior from the other data set's images (0 shots) and from real images (k shots)
lever tv-1-other-no-augment --preset quick --augment-weight 0 --tv-weight 1 --init other --data "data/$OTHER"
lever tv-1-real-no-augment --preset quick --augment-weight 0 --tv-weight 1 --init real --data "data/$DATA"
# the quick preset as it was shipped with the TV prior first (β₂ = 1 with augmented copies, η = 1; since
# then quick has η = 0), and its primal-only twin
lever tv-1 --preset quick --tv-weight 1 --augment-weight 1
lever tv-1-primal --preset quick --tv-weight 1 --stationarity-weight 0 --augment-weight 1
echo "$(date +%T) levers done" >&2
