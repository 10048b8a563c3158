#!/usr/bin/env bash
# Installs the Debian packages the library links against (FFTW, OpenBLAS, libsndfile, libsamplerate, libpng)
# when any is missing. Uses sudo when not run as root. Safe to run again: it does nothing when all are present.
set -euo pipefail

packages=(pkg-config libfftw3-dev libopenblas-dev libsndfile1-dev libsamplerate0-dev libpng-dev)
missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
