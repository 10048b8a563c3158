#!/usr/bin/env bash
# Installs what the development set and its evaluation need, when missing: the Debian packages that make the clips
# (espeak-ng, festival and three voices, fluidsynth with the FluidR3 sound font, sox) and the judge's Python venv
# (../shared/eval/README.md) at $JUDGE_VENV (default ~/judge-venv). Uses sudo when not run as root. Safe to run
# again: it does nothing when everything is present.
#
#   Scripts/install-evaluation-dependencies.sh              # tools and venv
#   Scripts/install-evaluation-dependencies.sh --tools-only # Debian packages only
set -euo pipefail

packages=(espeak-ng festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts fluidsynth fluid-soundfont-gm sox
          python3-venv python3-dev build-essential)
missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "Installing: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
[ "${1:-}" = "--tools-only" ] && exit 0

venv="${JUDGE_VENV:-$HOME/judge-venv}"
if ! "$venv/bin/python" -c "import librosa, parselmouth, pystoi, pesq, pysptk, soundfile, soxr" 2>/dev/null; then
    echo "Creating the judge's venv in $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "setuptools<81" numpy scipy soundfile soxr librosa praat-parselmouth pystoi pesq pysptk
fi
