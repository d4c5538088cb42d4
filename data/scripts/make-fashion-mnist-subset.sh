#!/usr/bin/env bash
# Cuts the shipped Fashion-MNIST subset out of Debian's full copy (package dataset-fashion-mnist):
# the FIRST 2,000 training and the FIRST 1,000 test examples, in the original order (not re-balanced;
# data/README.md lists the class histogram). Each output is an IDX file whose count field is rewritten
# to the new N, gzipped with -n (no name, mtime 0) so the bytes are identical on every run.
#
#   usage: data/scripts/make-fashion-mnist-subset.sh [source dir, default /usr/share/datasets/fashion-mnist]
set -euo pipefail

src=${1:-/usr/share/datasets/fashion-mnist}
out="$(cd "$(dirname "$0")/.." && pwd)/fashion-mnist"
mkdir -p "$out"

# four bytes, big-endian, as printf escapes: IDX stores every dimension as a big-endian int32
be32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)); }

# cut PREFIX KIND N: writes $out/PREFIX-KIND-ubyte.gz holding the first N records of the source file
cut_idx() {
  local prefix=$1 kind=$2 n=$3 header_len record_len magic dims
  local file="$src/$prefix-$kind-ubyte.gz"
  case $kind in
    images-idx3) header_len=16; record_len=784; magic='\x00\x00\x08\x03'; dims="$(be32 "$n")$(be32 28)$(be32 28)" ;;
    labels-idx1) header_len=8;  record_len=1;   magic='\x00\x00\x08\x01'; dims="$(be32 "$n")" ;;
  esac
  # the source must start with the magic we are about to write (ubyte, rank 3 or 1)
  local got want
  got=$(head -c 4 < <(zcat "$file") | od -An -tx1 | tr -d ' \n')
  want=$(printf "$magic" | od -An -tx1 | tr -d ' \n')
  [[ $got == "$want" ]] || { echo "$file: magic $got, expected $want" >&2; exit 1; }

  local tmp; tmp=$(mktemp)
  printf "$magic$dims" > "$tmp"
  head -c $((header_len + n * record_len)) < <(zcat "$file") | tail -c +$((header_len + 1)) >> "$tmp"
  local size; size=$(stat -c %s "$tmp")
  [[ $size == $((header_len + n * record_len)) ]] || { echo "$file: got $size bytes, expected $((header_len + n * record_len))" >&2; exit 1; }
  gzip -n -9 < "$tmp" > "$out/$prefix-$kind-ubyte.gz"
  rm -f "$tmp"
}

cut_idx train images-idx3 2000
cut_idx train labels-idx1 2000
cut_idx t10k  images-idx3 1000
cut_idx t10k  labels-idx1 1000

cd "$out" && for f in *.gz; do echo "fashion-mnist/$f $(stat -c %s "$f") $(sha256sum "$f" | cut -d' ' -f1)"; done
