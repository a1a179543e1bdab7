#!/usr/bin/env bash
# The legibility table of docs/legibility.md: for every sample model and every lever, 3 DSVs per class from noise
# (seed 1), judged by the two independent judges of its data set (sample-models/judges), with the run's own KKT
# figures and speed. Resumable: a lever whose legibility.json exists is skipped. Results in $WORK/<model>/<lever>/.
#   Usage: scripts/legibility.sh [MODEL...]   (default: every sample model; names as in sample-models/)
#   Then:  python3 scripts/legibility_table.py $WORK > table.md
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-runs/legibility}
P=${P:-packaging/dsv-studio}
PER_CLASS=${PER_CLASS:-3}
SEED=${SEED:-1}
MODELS=("$@")
[ ${#MODELS[@]} -gt 0 ] || MODELS=(convnet-fashion resnet-fashion convnet-mnist robust-fashion)
mkdir -p "$WORK"

judges() {
  case $1 in
    *mnist*) echo "--judge sample-models/judges/mnist-mlp --judge sample-models/judges/mnist-vgg" ;;
    *) echo "--judge sample-models/judges/fashion-mlp --judge sample-models/judges/fashion-vgg" ;;
  esac
}

lever() {
  local model=$1 name=$2; shift 2
  local dir="$WORK/$model/$name"
  [ -f "$dir/legibility.json" ] && return
  mkdir -p "$WORK/$model"
  if [ ! -f "$dir/run/dsvs.json" ]; then
    echo "$(date +%T) $model $name: $*" >&2
    "$P" generate "sample-models/$model" --per-class "$PER_CLASS" --seed "$SEED" --out "$dir/run" "$@" \
      > "$WORK/$model/$name.log" 2>&1
  fi
  # shellcheck disable=SC2046  # two --judge options
  "$P" legibility "$dir/run" $(judges "$model") --out "$dir/legibility.json" >> "$WORK/$model/$name.log" 2>&1
}

for m in "${MODELS[@]}"; do
  lever "$m" quick --preset quick
  lever "$m" standard --preset standard
  lever "$m" no-prior --preset quick --tv-weight 0
  lever "$m" contrast --preset quick --contrast-floor 0.25
  lever "$m" grey-contrast --preset quick --contrast-floor 0.25 --noise-std 0.3
  lever "$m" grey-contrast-blur --preset quick --contrast-floor 0.25 --noise-std 0.3 --gradient-blur 1
  lever "$m" jitter-contrast --preset quick --contrast-floor 0.25 --noise-std 0.3 --augment-weight 1
  lever "$m" l2-step --preset quick --image-step l2 --lr-x 1 --noise-std 0.1 --tv-weight 0 --contrast-floor 0.25
done
echo "$(date +%T) done" >&2
