#!/usr/bin/env bash
# Installs what the book and its tests use beyond the .NET SDK. From Debian's packages where apt exists:
#   dataset-fashion-mnist   the full 60,000/10,000 Fashion-MNIST (MIT); without it the shipped subset in data/ is used
#   python3-nbformat        the nbformat 4.5 schema check of `book check`
#   chromium                PNG export of charts and the headless test of the HTML book
#   libopenblas0-pthread    the reference of the benchmark project (tests/Benchmarks) only
#   jupyter-client, jupyter-nbconvert, python3-nbclient, python3-ipykernel
#                           Jupyter's own client, which the tests use to run every chapter in the real .NET kernel
#   assimp-testmodels       the full-rate BVH motion capture that data/mocap was cut from (chapter 09 uses data/mocap;
#                           with the package, a test checks the shipped clips against it and the cut can be redone)
# and from NuGet (the SDK's tool feed): the .NET Interactive kernel (Microsoft.dotnet-interactive 1.0.712001) as a
# global tool, registered with Jupyter as the kernelspec `.net-csharp` (`dotnet interactive jupyter install`).
# Everything is optional: the book runs and the tests pass without these (the tests that need one say so and skip;
# CI sets BOOK_REQUIRE_KERNEL=1, where a missing kernel fails instead).
set -euo pipefail
packages=(dataset-fashion-mnist python3-nbformat chromium libopenblas0-pthread jupyter-client jupyter-nbconvert python3-nbclient python3-ipykernel assimp-testmodels)
interactive_version=1.0.712001

if command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "setup: all Debian packages present"
  else
    echo "setup: installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
else
  echo "setup: no apt-get here; install ${packages[*]} by other means (all optional)" >&2
fi

# The .NET Interactive kernel, for running chapters in VS Code / JupyterLab and for the kernel tests.
tools="$HOME/.dotnet/tools"
if [ -x "$tools/dotnet-interactive" ] && dotnet tool list -g | grep -qi "microsoft.dotnet-interactive *$interactive_version"; then
  echo "setup: .NET Interactive $interactive_version present"
else
  dotnet tool update -g Microsoft.dotnet-interactive --version "$interactive_version" \
    || { echo "setup: could not install the .NET Interactive kernel (optional)" >&2; exit 0; }
fi
if command -v jupyter >/dev/null 2>&1; then
  if jupyter kernelspec list 2>/dev/null | grep -q '\.net-csharp'; then
    echo "setup: Jupyter kernelspec .net-csharp present"
  else
    PATH="$tools:$PATH" dotnet interactive jupyter install
  fi
else
  echo "setup: no jupyter on PATH; the kernelspec is not registered (optional)" >&2
fi
