#!/usr/bin/env python3
"""Generates the bundled sample clips in Resources/Samples (22.05 kHz, mono, 16-bit WAV).

Speech comes from espeak-ng (US male, US female, Scottish male), instrument phrases from fluidsynth with the
FluidR3 General MIDI sound font (violin, flute, piano) playing one short melody written here as a MIDI file.
Needs the Debian packages espeak-ng, fluidsynth, fluid-soundfont-gm and sox. Run from the repository root:

    python3 Scripts/make_samples.py

Versions used for the committed clips are written to Resources/Samples/README.md.
"""
import os
import struct
import subprocess
import sys
import tempfile

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Resources", "Samples")
RATE = 22050
SOUND_FONT = "/usr/share/sounds/sf2/FluidR3_GM.sf2"

SENTENCE = "The quick brown fox jumps over the lazy dog."
PASSAGE = (
    "Please call Stella. Ask her to bring these things with her from the store: "
    "six spoons of fresh snow peas, five thick slabs of blue cheese, and maybe a snack for her brother Bob."
)
VOICES = {
    "speech_male_us": "en-us",
    "speech_female_us": "en-us+f3",
    "speech_male_scottish": "en-gb-scotland",
}
# General MIDI programs (0-based).
INSTRUMENTS = {"violin": 40, "flute": 73, "piano": 0}
# (MIDI note, beats): a short phrase in G major, 120 bpm.
MELODY = [(67, 1), (71, 1), (74, 1), (72, 0.5), (71, 0.5), (69, 1), (67, 1), (66, 0.5), (67, 1.5)]


def run(*args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def to_mono_22k(source, target, *effects):
    run("sox", source, "-r", str(RATE), "-c", "1", "-b", "16", target, "norm", "-3", *effects)


def variable_length(value):
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.insert(0, (value & 0x7F) | 0x80)
        value >>= 7
    return bytes(out)


def midi_file(program):
    ticks = 480
    events = bytearray()
    events += b"\x00\xff\x51\x03" + (500000).to_bytes(3, "big")  # 120 bpm
    events += b"\x00" + bytes([0xC0, program])
    for note, beats in MELODY:
        events += b"\x00" + bytes([0x90, note, 96])
        events += variable_length(int(beats * ticks)) + bytes([0x80, note, 0])
    events += b"\x00\xff\x2f\x00"
    header = b"MThd" + struct.pack(">IHHH", 6, 0, 1, ticks)
    return header + b"MTrk" + struct.pack(">I", len(events)) + bytes(events)


def main():
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, voice in VOICES.items():
            raw = os.path.join(tmp, name + ".wav")
            run("espeak-ng", "-v", voice, "-s", "150", "-w", raw, SENTENCE)
            to_mono_22k(raw, os.path.join(OUT, name + ".wav"))
        raw = os.path.join(tmp, "long.wav")
        run("espeak-ng", "-v", "en-us", "-s", "150", "-w", raw, PASSAGE)
        to_mono_22k(raw, os.path.join(OUT, "speech_male_us_10s.wav"), "pad", "0", "10", "trim", "0", "10")
        for name, program in INSTRUMENTS.items():
            mid = os.path.join(tmp, name + ".mid")
            with open(mid, "wb") as f:
                f.write(midi_file(program))
            raw = os.path.join(tmp, name + "_raw.wav")
            run("fluidsynth", "-ni", "-R", "0", "-C", "0", "-g", "0.8", "-r", "44100", "-F", raw, SOUND_FONT, mid)
            # The phrase lasts 3.75 s; cut the release tail at 4 s with a short fade.
            to_mono_22k(raw, os.path.join(OUT, name + ".wav"), "trim", "0", "4", "fade", "0", "4", "0.05")
    versions = {
        "espeak-ng": subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout.strip(),
        "fluidsynth": subprocess.run(["fluidsynth", "--version"], capture_output=True, text=True).stdout.splitlines()[0],
        "sox": subprocess.run(["sox", "--version"], capture_output=True, text=True).stdout.strip(),
    }
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write("# Bundled sample clips\n\nMade by `python3 Scripts/make_samples.py` (22.05 kHz, mono, 16-bit WAV):\n\n")
        for name in sorted(os.listdir(OUT)):
            if name.endswith(".wav"):
                f.write(f"- `{name}`\n")
        f.write(f"\nSpeech text: \"{SENTENCE}\" (10 s clip: the start of \"{PASSAGE}\", padded or cut to 10 s).\n")
        f.write("Instruments: FluidR3_GM sound font (fluid-soundfont-gm), GM programs " + str(INSTRUMENTS) + ".\n\n")
        f.write("Tools: " + "; ".join(f"{k}: {v}" for k, v in versions.items()) + "\n")


if __name__ == "__main__":
    sys.exit(main())
