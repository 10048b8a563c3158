#!/usr/bin/env python3
"""Generates the vocoder training corpus: espeak-ng English voices, male and female, reading Harvard sentences.

Every clip is 22 050 Hz, mono, 16-bit PCM WAV, peak-normalised to -3 dBFS. The output folder gets

    train/<voice>_<nn>.wav     the training clips (the folder to give the WaveNet trainer)
    heldout/<voice>_<nn>.wav   the held-out clips: the last --heldout sentences, for every voice (text never trained on)
    corpus.json                every clip's file, split, voice, sentence, length, plus the arguments and tool versions

The corpus is generated, not committed. It is deterministic given its arguments and the espeak-ng version
(espeak-ng's formant synthesis has no randomness; normalisation is done here in integer-exact arithmetic).
Needs only the Debian package espeak-ng and Python 3. Usage, from anywhere:

    python3 Scripts/make_vocoder_corpus.py OUT_DIR [--sentences 30] [--heldout 3] [--words-per-minute 150]

The defaults give 4 voices x 30 sentences: 108 training clips (299 s) and 12 held-out clips (36 s).
"""
import argparse
import array
import json
import os
import subprocess
import sys
import tempfile
import wave

RATE = 22050
PEAK = 0.7079  # -3 dBFS

# espeak-ng voice names: two male, two female (the +f variants are espeak-ng's female voice variants).
VOICES = {
    "us_male": "en-us",
    "us_female": "en-us+f3",
    "rp_male": "en-gb-x-rp",
    "rp_female": "en-gb-x-rp+f4",
}

# Harvard sentences, lists 1-3 (IEEE Recommended Practice for Speech Quality Measurements, 1969; public domain).
SENTENCES = [
    "The birch canoe slid on the smooth planks.",
    "Glue the sheet to the dark blue background.",
    "It's easy to tell the depth of a well.",
    "These days a chicken leg is a rare dish.",
    "Rice is often served in round bowls.",
    "The juice of lemons makes fine punch.",
    "The box was thrown beside the parked truck.",
    "The hogs were fed chopped corn and garbage.",
    "Four hours of steady work faced us.",
    "A large size in stockings is hard to sell.",
    "The boy was there when the sun rose.",
    "A rod is used to catch pink salmon.",
    "The source of the huge river is the clear spring.",
    "Kick the ball straight and follow through.",
    "Help the woman get back to her feet.",
    "A pot of tea helps to pass the evening.",
    "Smoky fires lack flame and heat.",
    "The soft cushion broke the man's fall.",
    "The salt breeze came across from the sea.",
    "The girl at the booth sold fifty bonds.",
    "The small pup gnawed a hole in the sock.",
    "The fish twisted and turned on the bent hook.",
    "Press the pants and sew a button on the vest.",
    "The swan dive was far short of perfect.",
    "The beauty of the view stunned the young boy.",
    "Two blue fish swam in the tank.",
    "Her purse was full of useless trash.",
    "The colt reared and threw the tall rider.",
    "It snowed, rained, and hailed the same morning.",
    "Read verse out loud for pleasure.",
]


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="output folder (created if missing; clips of the same name are replaced)")
    parser.add_argument("--sentences", type=int, default=len(SENTENCES),
                        help=f"sentences per voice, 2...{len(SENTENCES)} (default {len(SENTENCES)})")
    parser.add_argument("--heldout", type=int, default=3,
                        help="how many of those sentences (the last ones) are held out for every voice (default 3)")
    parser.add_argument("--words-per-minute", type=int, default=150, help="espeak-ng speed -s (default 150)")
    arguments = parser.parse_args()
    if not 2 <= arguments.sentences <= len(SENTENCES):
        parser.error(f"--sentences must be in 2...{len(SENTENCES)}")
    if not 1 <= arguments.heldout < arguments.sentences:
        parser.error("--heldout must be at least 1 and less than --sentences")
    if not 80 <= arguments.words_per_minute <= 450:
        parser.error("--words-per-minute must be in 80...450 (espeak-ng's range)")
    return arguments


def synthesize(voice, text, words_per_minute, folder):
    """espeak-ng's 16-bit mono output for `text`, as signed samples."""
    raw = os.path.join(folder, "espeak.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(words_per_minute), "-w", raw, text], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with wave.open(raw, "rb") as source:
        if (source.getframerate(), source.getnchannels(), source.getsampwidth()) != (RATE, 1, 2):
            sys.exit(f"espeak-ng wrote {source.getframerate()} Hz, {source.getnchannels()} channels, "
                     f"{8 * source.getsampwidth()} bits; this script expects {RATE} Hz mono 16-bit")
        samples = array.array("h", source.readframes(source.getnframes()))
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def normalized(samples):
    """Scales to a peak of -3 dBFS with round-half-away-from-zero integer arithmetic (no dither, deterministic)."""
    peak = max(abs(s) for s in samples)
    if peak == 0:
        sys.exit("espeak-ng produced silence")
    target = round(PEAK * 32767)
    return array.array("h", ((abs(s) * target * 2 + peak) // (2 * peak) * (1 if s >= 0 else -1) for s in samples))


def write_wav(path, samples):
    """Writes a 22.05 kHz mono 16-bit WAV via a temporary file renamed into place."""
    temporary = path + ".partial"
    data = array.array("h", samples)
    if sys.byteorder == "big":
        data.byteswap()
    with wave.open(temporary, "wb") as target:
        target.setnchannels(1)
        target.setsampwidth(2)
        target.setframerate(RATE)
        target.writeframes(data.tobytes())
    os.replace(temporary, path)


def main():
    arguments = parse_arguments()
    sentences = SENTENCES[:arguments.sentences]
    first_heldout = len(sentences) - arguments.heldout
    for split in ("train", "heldout"):
        os.makedirs(os.path.join(arguments.out, split), exist_ok=True)
    clips = []
    with tempfile.TemporaryDirectory() as folder:
        for name, voice in VOICES.items():
            for index, text in enumerate(sentences):
                split = "heldout" if index >= first_heldout else "train"
                file = os.path.join(split, f"{name}_{index + 1:02d}.wav")
                samples = normalized(synthesize(voice, text, arguments.words_per_minute, folder))
                write_wav(os.path.join(arguments.out, file), samples)
                clips.append(dict(file=file, split=split, voice=name, espeak_voice=voice, text=text,
                                  samples=len(samples), seconds=round(len(samples) / RATE, 3)))
    version = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout.strip()
    description = dict(
        sample_rate=RATE, format="WAV PCM 16-bit mono, peak -3 dBFS",
        arguments=dict(sentences=arguments.sentences, heldout=arguments.heldout,
                       words_per_minute=arguments.words_per_minute),
        espeak_ng=version, voices=VOICES,
        heldout_sentences=sentences[first_heldout:],
        train_seconds=round(sum(c["seconds"] for c in clips if c["split"] == "train"), 1),
        heldout_seconds=round(sum(c["seconds"] for c in clips if c["split"] == "heldout"), 1),
        clips=clips)
    temporary = os.path.join(arguments.out, "corpus.json.partial")
    with open(temporary, "w") as f:
        json.dump(description, f, indent=2)
    os.replace(temporary, os.path.join(arguments.out, "corpus.json"))
    print(f"{len(clips)} clips in {arguments.out}: {description['train_seconds']} s train, "
          f"{description['heldout_seconds']} s held out")


if __name__ == "__main__":
    main()
