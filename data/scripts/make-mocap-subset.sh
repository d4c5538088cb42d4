#!/usr/bin/env bash
# Cuts the shipped motion-capture clips out of Debian's assimp-testmodels copies (BVH text files): the header
# (HIERARCHY, offsets, channels) unchanged, then every 4th frame of the MOTION block starting with frame 0
# (120 Hz → 30 Hz for the CMU clips, 100 Hz → 25 Hz for Boxing_Toes), with "Frames:" and "Frame Time:"
# rewritten to match. Frame lines are copied byte for byte (only a trailing carriage return or blank is dropped).
# Only the declared frames are read: Boxing_Toes.bvh declares 3069 but holds 3070 frame lines; the undeclared last
# line is dropped (the script says so on stderr).
# Gzipped with -n (no name, mtime 0) so the bytes are identical on every run.
#
#   usage: data/scripts/make-mocap-subset.sh [source dir, default /usr/share/assimp/models/BVH]
set -euo pipefail

src=${1:-/usr/share/assimp/models/BVH}
out="$(cd "$(dirname "$0")/.." && pwd)/mocap"
step=4
mkdir -p "$out"

for clip in 01_01 01_03 Boxing_Toes; do
  file="$src/$clip.bvh"
  [[ -f $file ]] || { echo "$file: missing (install the Debian package assimp-testmodels)" >&2; exit 1; }
  awk -v step="$step" '
    { sub(/[ \r]+$/, "") }
    state == 0 { print; if ($0 ~ /^MOTION/) state = 1; next }
    state == 1 && /^Frames:/ { frames = $2; state = 2; next }
    state == 2 && /^Frame Time:/ {
      kept = int((frames + step - 1) / step)
      printf "Frames: %d\n", kept
      printf "Frame Time: %.7f\n", $3 * step
      state = 3; i = 0; next
    }
    state == 3 && i < frames { if (i % step == 0) print; i++; next }
    state == 3 && NF > 0 { extra++ }
    END {
      if (i != frames) { printf "%s: declares %d frames, holds %d\n", FILENAME, frames, i > "/dev/stderr"; exit 1 }
      if (extra) printf "%s: %d frame line(s) after the declared %d dropped\n", FILENAME, extra, frames > "/dev/stderr"
    }
  ' "$file" | gzip -n -9 > "$out/$clip.bvh.gz"
done

cd "$out" && for f in *.gz; do echo "mocap/$f $(stat -c %s "$f") $(sha256sum "$f" | cut -d' ' -f1) $(zcat "$f" | grep -m1 '^Frames:')"; done
