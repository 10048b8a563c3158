#!/usr/bin/env python3
"""Makes the development set of style-transfer pairs: 12 gender, 6 accent and 6 instrument pairs, each with a ground
truth (the style voice saying the content's sentence, or the style instrument playing the content's melody).

usage: python3 Scripts/make_dev_set.py [FOLDER]        (default: DevSet/ in the repository root)

Writes `<kind>/<id>_content.wav`, `_style.wav` and `_reference.wav` (22 050 Hz, mono, 16-bit, peak -1 dBFS, leading
and trailing silence trimmed to 50 ms) and `pairs.json`, a list of `{"id", "kind", "content", "style", "reference"}`
with paths relative to the manifest, plus `<role>_source`: the voice and sentence (or instrument and melody) of each
clip. The style clip always says (plays) another sentence (melody) than the content, as a user's would.

Speech comes from espeak-ng variants and Debian's festival voices (kal, ked, slt-hts); the sentences are Harvard
sentences (IEEE 1969), none of them the bundled clips' (Scripts/make_samples.py). Instruments come from fluidsynth
with the FluidR3_GM sound font playing melodies written here as MIDI files. The output is the same on every run
with the same tool versions (sox runs in repeatable mode, so its dither is seeded); the versions are written to
`tools.txt`. Each clip's duration and RMS are printed as a sanity check.
"""
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import wave
from array import array

from make_samples import variable_length  # MIDI's variable-length quantity, shared with the bundled clips

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RATE = 22050
PEAK_DB = -1
SOUND_FONT = "/usr/share/sounds/sf2/FluidR3_GM.sf2"
# Speech is 15 % slower than each engine's default pace, so that the sentences last about 3 s.
SLOWER = 1.15
ESPEAK_WORDS_PER_MINUTE = round(150 / SLOWER)
# Short name: (festival expressions that select the voice at the slower pace, folder the voice is installed in). The
# diphone voices follow Duration_Stretch; the HTS voice ignores it and takes hts_engine's speed rate -r instead.
FESTIVAL_VOICES = {
    "kal": (["(voice_kal_diphone)", "(Parameter.set 'Duration_Stretch %.2f)" % SLOWER],
            "/usr/share/festival/voices/english/kal_diphone"),
    "ked": (["(voice_ked_diphone)", "(Parameter.set 'Duration_Stretch %.2f)" % SLOWER],
            "/usr/share/festival/voices/english/ked_diphone"),
    "slt-hts": (["(voice_cmu_us_slt_arctic_hts)",
                 "(set! hts_engine_params (append hts_engine_params '((\"-r\" %.3f))))" % (1 / SLOWER)],
                "/usr/share/festival/voices/us/cmu_us_slt_arctic_hts"),
}
APT_PACKAGES = ("espeak-ng festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts fluidsynth "
                "fluid-soundfont-gm sox")

# Harvard sentences, lists 1-4: speech pair k says SENTENCES[2k] as content and SENTENCES[2k + 1] as style.
SENTENCES = [
    "The birch canoe slid on the smooth planks.", "Glue the sheet to the dark blue background.",
    "It's easy to tell the depth of a well.", "These days a chicken leg is a rare dish.",
    "Rice is often served in round bowls.", "The juice of lemons makes fine punch.",
    "The box was thrown beside the parked truck.", "The hogs were fed chopped corn and garbage.",
    "Four hours of steady work faced us.", "A large size in stockings is hard to sell.",
    "The boy was there when the sun rose.", "A rod is used to catch pink salmon.",
    "The source of the huge river is the clear spring.", "Kick the ball straight and follow through.",
    "Help the woman get back to her feet.", "A pot of tea helps to pass the evening.",
    "Smoky fires lack flame and heat.", "The soft cushion broke the man's fall.",
    "The salt breeze came across from the sea.", "The girl at the booth sold fifty bonds.",
    "The small pup gnawed a hole in the sock.", "The fish twisted and turned on the bent hook.",
    "Press the pants and sew a button on the vest.", "The swan dive was far short of perfect.",
    "The beauty of the view stunned the young boy.", "Two blue fish swam in the tank.",
    "Her purse was full of useless trash.", "The colt reared and threw the tall rider.",
    "It snowed, rained, and hailed the same morning.", "Read verse out loud for pleasure.",
    "Hoist the load to your left shoulder.", "Take the winding path to reach the lake.",
    "Note closely the size of the gas tank.", "Wipe the grease off his dirty face.",
    "Mend the coat before you go out.", "The wrist was badly strained and hung limp.",
]

# (content voice, style voice). Voices are "espeak-ng:<voice>[+<variant>]" or "festival:<name>". British English is
# "en": espeak-ng 1.51 ignores a variant after "en-gb" (en-gb+f2 is en-gb's male voice), but not after "en".
GENDER_PAIRS = [
    # male → female
    ("festival:kal", "festival:slt-hts"),
    ("espeak-ng:en-us", "espeak-ng:en-us+f3"),
    ("festival:ked", "espeak-ng:en-us+f2"),
    ("espeak-ng:en+m3", "espeak-ng:en+f4"),
    ("espeak-ng:en-us+m2", "festival:slt-hts"),
    ("espeak-ng:en-us+m7", "espeak-ng:en-us+f5"),
    # female → male
    ("festival:slt-hts", "festival:ked"),
    ("espeak-ng:en-us+f3", "festival:kal"),
    ("espeak-ng:en+f2", "espeak-ng:en"),
    ("espeak-ng:en-us+f1", "espeak-ng:en-us+m3"),
    ("festival:slt-hts", "espeak-ng:en-us+m1"),
    ("espeak-ng:en-us+f4", "festival:ked"),
]
# The same voice variant (so the same gender) in two accents.
ACCENT_PAIRS = [
    ("espeak-ng:en-us", "espeak-ng:en-gb-scotland"),
    ("espeak-ng:en-gb", "espeak-ng:en-us"),
    ("espeak-ng:en-us+f3", "espeak-ng:en-gb-x-rp+f3"),
    ("espeak-ng:en-gb-scotland+m3", "espeak-ng:en-029+m3"),
    ("espeak-ng:en-029+f2", "espeak-ng:en-us+f2"),
    ("espeak-ng:en-us+m1", "espeak-ng:en-gb-x-gbclan+m1"),
]

# General MIDI programs (0-based).
PROGRAMS = {"piano": 0, "organ": 19, "violin": 40, "cello": 42, "trumpet": 56, "clarinet": 71, "flute": 73}
# Melodies of 6 beats at 120 bpm (3 s), as (MIDI note, beats), within D4...A5 like the judge's pitch range expects.
MELODIES = [
    [(62, 1), (66, .5), (69, .5), (74, 1), (73, .5), (71, .5), (69, 1), (66, 1)],
    [(67, .5), (69, .5), (71, 1), (74, 1), (72, .5), (71, .5), (69, 1.5), (67, .5)],
    [(69, 1), (72, 1), (76, 1), (74, .5), (72, .5), (71, 1), (69, 1)],
    [(65, .5), (67, .5), (69, .5), (70, .5), (72, 1), (77, 1), (76, .5), (74, .5), (72, 1)],
    [(64, 1.5), (67, .5), (71, 1), (69, .5), (67, .5), (66, 1), (64, 1)],
    [(72, .5), (71, .5), (72, .5), (74, .5), (76, 1), (79, 1), (77, .5), (76, .5), (74, 1)],
    [(70, 1), (74, .5), (77, .5), (79, 1), (77, .5), (74, .5), (72, 1), (70, 1)],
    [(62, .5), (65, .5), (69, 1), (67, .5), (65, .5), (64, 1), (62, .5), (64, .5), (65, 1)],
    [(64, .5), (68, .5), (71, .5), (76, .5), (75, 1), (73, 1), (71, .5), (68, .5), (71, 1)],
    [(67, .5), (67, .5), (70, .5), (70, .5), (74, 1), (72, .5), (70, .5), (69, 1), (67, 1)],
    [(73, .5), (76, .5), (81, 1), (78, .5), (76, .5), (73, 1), (71, 1), (69, 1)],
    [(67, 1), (63, .5), (67, .5), (72, 1), (70, .5), (68, .5), (67, 1), (63, 1)],
]
# (content program, style program): instrument pair k plays MELODIES[2k] as content and MELODIES[2k + 1] as style.
INSTRUMENT_PAIRS = [
    ("piano", "violin"), ("flute", "cello"), ("violin", "trumpet"),
    ("clarinet", "piano"), ("organ", "flute"), ("cello", "clarinet"),
]
BEATS_PER_SECOND = 2
RELEASE_SECONDS = 0.3  # kept after the last note ends, then faded out


def run(*args):
    """Runs a tool; a failure ends the script with one line naming the command and the tool's last message."""
    result = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        message = (result.stderr.strip().splitlines() or ["no message"])[-1]
        sys.exit("error: %s exited with %d: %s" % (" ".join(args), result.returncode, message))


def missing_tools():
    """The tools and data files this script needs that are not installed."""
    missing = [tool for tool in ("espeak-ng", "text2wave", "fluidsynth", "sox") if shutil.which(tool) is None]
    missing += [folder for _, folder in FESTIVAL_VOICES.values() if not os.path.isdir(folder)]
    return missing + ([SOUND_FONT] if not os.path.isfile(SOUND_FONT) else [])


def finish(raw, target, *effects):
    """Converts `raw` to 22 050 Hz mono 16-bit, peak-normalised, with leading and trailing silence cut to 50 ms.

    `-R` seeds sox's dither, so the same input gives the same bytes."""
    trim = ("silence", "1", "0.02", "-45d")
    run("sox", "-R", raw, "-r", str(RATE), "-c", "1", "-b", "16", target, *effects, "norm", str(PEAK_DB),
        *trim, "reverse", *trim, "reverse", "pad", "0.05", "0.05")


def speak(voice, text, target, tmp):
    engine, name = voice.split(":")
    raw = os.path.join(tmp, "speech.wav")
    if engine == "espeak-ng":
        run("espeak-ng", "-v", name, "-s", str(ESPEAK_WORDS_PER_MINUTE), "-w", raw, text)
    else:
        text_file = os.path.join(tmp, "text.txt")
        with open(text_file, "w") as f:
            f.write(text + "\n")
        evaluations = [argument for expression in FESTIVAL_VOICES[name][0] for argument in ("-eval", expression)]
        run("text2wave", *evaluations, "-o", raw, text_file)
    finish(raw, target)


def midi_file(program, melody, ticks=480):
    """A one-track MIDI file playing `melody` on General MIDI `program` at 120 bpm."""
    events = bytearray(b"\x00\xff\x51\x03" + (500000).to_bytes(3, "big"))  # 500 000 µs per beat
    events += b"\x00" + bytes([0xC0, program])
    for note, beats in melody:
        events += b"\x00" + bytes([0x90, note, 96])
        events += variable_length(int(beats * ticks)) + bytes([0x80, note, 0])
    events += b"\x00\xff\x2f\x00"
    header = b"MThd" + struct.pack(">IHHH", 6, 0, 1, ticks)
    return header + b"MTrk" + struct.pack(">I", len(events)) + bytes(events)


def play(instrument, melody, target, tmp, program=None):
    """Plays `melody` on `instrument` (General MIDI `program`, by default the instrument's in PROGRAMS)."""
    mid, raw = os.path.join(tmp, "melody.mid"), os.path.join(tmp, "melody.wav")
    with open(mid, "wb") as f:
        f.write(midi_file(PROGRAMS[instrument] if program is None else program, melody))
    run("fluidsynth", "-ni", "-R", "0", "-C", "0", "-g", "0.8", "-r", "44100", "-F", raw, SOUND_FONT, mid)
    end = sum(beats for _, beats in melody) / BEATS_PER_SECOND + RELEASE_SECONDS
    finish(raw, target, "trim", "0", str(end), "fade", "0", str(end), "0.1")


def duration_and_rms(path):
    """Seconds and RMS (dBFS) of a 16-bit mono WAV file."""
    with wave.open(path) as w:
        samples = array("h", w.readframes(w.getnframes()))
        seconds = w.getnframes() / w.getframerate()
    mean_square = sum(x * x for x in samples) / max(1, len(samples)) / 32768.0 ** 2
    return seconds, (10 * math.log10(mean_square) if mean_square > 0 else float("-inf"))


def pairs():
    """Every pair as (id, kind, content, style, reference); a clip is ("speak", voice, sentence index) or
    ("play", instrument, melody index)."""
    speech = [("gender", p) for p in GENDER_PAIRS] + [("accent", p) for p in ACCENT_PAIRS]
    counts = {}
    for k, (kind, (content_voice, style_voice)) in enumerate(speech):
        counts[kind] = counts.get(kind, 0) + 1
        yield ("%s-%02d" % (kind, counts[kind]), kind, ("speak", content_voice, 2 * k),
               ("speak", style_voice, 2 * k + 1), ("speak", style_voice, 2 * k))
    for k, (content_instrument, style_instrument) in enumerate(INSTRUMENT_PAIRS):
        yield ("instrument-%02d" % (k + 1), "instrument", ("play", content_instrument, 2 * k),
               ("play", style_instrument, 2 * k + 1), ("play", style_instrument, 2 * k))


def make(clip, target, tmp):
    action, source, index = clip
    if action == "speak":
        speak(source, SENTENCES[index], target, tmp)
    else:
        play(source, MELODIES[index], target, tmp)


def describe(clip):
    action, source, index = clip
    return '%s: "%s"' % (source, SENTENCES[index]) if action == "speak" else \
        "fluidsynth %s: melody %d" % (source, index + 1)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def tool_versions():
    def first_line(*command):
        result = subprocess.run(command, capture_output=True, text=True)
        return (result.stdout or result.stderr).strip().splitlines()[0]
    return "\n".join([first_line("espeak-ng", "--version"), first_line("festival", "--version"),
                      first_line("fluidsynth", "--version"), first_line("sox", "--version")]) + "\n"


def main():
    missing = missing_tools()
    if missing:
        print("missing: %s\ninstall with: sudo apt-get install %s  (or Scripts/install-evaluation-dependencies.sh)"
              % (", ".join(missing), APT_PACKAGES), file=sys.stderr)
        return 1
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "DevSet")
    manifest = []
    print("%-14s %-9s %6s %9s" % ("pair", "clip", "s", "RMS dBFS"))
    with tempfile.TemporaryDirectory() as tmp:
        for pair_id, kind, *clips in pairs():
            os.makedirs(os.path.join(folder, kind), exist_ok=True)
            entry = {"id": pair_id, "kind": kind}
            for role, clip in zip(("content", "style", "reference"), clips):
                relative = "%s/%s_%s.wav" % (kind, pair_id, role)
                make(clip, os.path.join(folder, relative), tmp)
                entry[role] = relative
                entry[role + "_source"] = describe(clip)
                print("%-14s %-9s %6.2f %9.1f" % ((pair_id, role) + duration_and_rms(os.path.join(folder, relative))))
            if len({read(os.path.join(folder, entry[role])) for role in ("content", "style", "reference")}) < 3:
                print("error: two clips of %s are identical (a voice variant was ignored?)" % pair_id, file=sys.stderr)
                return 1
            manifest.append(entry)
    with open(os.path.join(folder, "pairs.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    with open(os.path.join(folder, "tools.txt"), "w") as f:
        f.write(tool_versions())
    counts = {kind: sum(entry["kind"] == kind for entry in manifest) for kind in ("gender", "accent", "instrument")}
    print("%d pairs (%s) in %s" % (len(manifest), ", ".join("%d %s" % (n, k) for k, n in counts.items()),
                                   os.path.join(folder, "pairs.json")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
