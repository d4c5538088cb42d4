#!/usr/bin/env bash
# Installs what the book and its tests use beyond the .NET SDK, from Debian's packages where apt exists:
#   dataset-fashion-mnist  the full 60,000/10,000 Fashion-MNIST (MIT); without it the shipped subset in data/ is used
#   python3-nbformat       the nbformat 4.5 schema check of `book check`
#   chromium               PNG export of charts and the headless test of the HTML book
#   libopenblas0-pthread   the reference of the benchmark project (tests/Benchmarks) only
#   assimp-testmodels      the full-rate BVH motion capture that data/mocap was cut from (chapter 09 uses data/mocap;
#                          with the package, a test checks the shipped clips against it and the cut can be redone)
# Everything is optional: the book runs and the tests pass without these (the tests that need one say so and skip).
set -euo pipefail
packages=(dataset-fashion-mnist python3-nbformat chromium libopenblas0-pthread assimp-testmodels)
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: no apt-get here; install ${packages[*]} by other means (all optional)" >&2
  exit 0
fi
sudo=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all packages present"
  exit 0
fi
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
