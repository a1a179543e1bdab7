#!/usr/bin/env bash
# Trains the bundled sample models with DSV Studio's own `train` command (CPU, ~45 min on 2 cores).
# Each model is trained to convergence with explicit weight decay μ = 5e-3 and a cosine learning rate
# that decays to 0, because DeepKKT assumes the weights sit near a stationary point of the
# weight-decayed loss. Usage: scripts/train-samples.sh [convnet-fashion|resnet-fashion|convnet-mnist ...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/fetch-data.sh >/dev/null
[ -f target/dsv-studio.jar ] || mvn -q -B -DskipTests package
run() { java -jar target/dsv-studio.jar "$@"; }
SELECTED="${*:-convnet-fashion resnet-fashion convnet-mnist}"
for name in $SELECTED; do
  case "$name" in
    convnet-fashion)
      run train --arch convnet --width 64 --data data/fashion-mnist --epochs 8 --seed 1 --lr 0.05 \
        --weight-decay 5e-3 --shift 2 --out sample-models/convnet-fashion ;;
    resnet-fashion)
      run train --arch resnet8 --data data/fashion-mnist --epochs 12 --seed 1 --lr 0.05 \
        --weight-decay 5e-3 --shift 2 --out sample-models/resnet-fashion ;;
    convnet-mnist)
      run train --arch convnet --width 64 --data data/mnist --epochs 4 --seed 1 --lr 0.05 \
        --weight-decay 5e-3 --shift 2 --out sample-models/convnet-mnist ;;
    *) echo "unknown sample model: $name" >&2; exit 2 ;;
  esac
done
