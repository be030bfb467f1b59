#!/usr/bin/env bash
# Installs what fleetsim needs to build and test, from Debian's packages.
# Installs nothing that is already there; safe to run again.
# With --test: also Chromium, which the test suite renders the HTML report in,
# dpkg-dev, whose dpkg-shlibdeps the .deb package check needs, groff-base,
# which renders the man page, zsh, which checks the zsh completion, and
# Python's jsonschema and YAML, which check scenarios against
# docs/scenario.schema.json.
# With --fuzz: also clang 14 and its libFuzzer, for the fuzz targets (fuzz/).
set -euo pipefail

packages=(
  g++ cmake make pkg-config
  libsimgrid-dev libyaml-cpp-dev libfmt-dev libspdlog-dev
  libcli11-dev nlohmann-json3-dev catch2
)
for option in "$@"; do
  case "$option" in
    --test) packages+=(chromium dpkg-dev groff-base zsh python3-jsonschema python3-yaml) ;;
    --fuzz) packages+=(clang-14 libclang-rt-14-dev) ;;
    *) echo "install-deps.sh: unknown option $option (--test, --fuzz)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "fleetsim: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
