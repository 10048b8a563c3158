#!/usr/bin/env python3
"""Makes the labelled corpus for training the AudioBackbone classifier: speech clips labelled with speaker, gender
and accent, and instrument clips labelled with the instrument.

usage: python3 Scripts/make_backbone_corpus.py FOLDER [--sentences-per-voice 14] [--validation-sentences 3]
                                               [--melodies-per-instrument 20] [--validation-melodies 6] [--parallel]
                                               [--jobs 2]

Writes `clips/<name>.wav` (22 050 Hz, mono, 16-bit, made like the development set's clips by Scripts/make_dev_set.py,
whose speech and melody functions are used here), `manifest.json`, and `tools.txt` (the tool and Python versions):

    {"rate": 22050,
     "labels": {"speaker": [...], "gender": ["female", "male"], "accent": [...], "instrument": [...]},
     "clips": [{"path": "clips/<name>.wav", "split": "train" | "validation", "speaker": "espeak-ng:en-us+f3" | null,
                "gender": "female" | "male" | null, "accent": "en-us" | null, "instrument": "violin" | null,
                "source": the sentence, or the melody's notes}, ...]}          (clips sorted by path)

Speech: 140 espeak-ng voices, the 7 accents in ACCENTS × 20 variants (the default voice, m1-m8, f1-f5 and six named
variants whose file states their gender), plus festival's kal and ked (male) and slt-hts (female), all labelled
en-us. The sentences are written here (not Harvard sentences, which the development set uses, nor the bundled clips'
text); the last 20 % are validation-only, never spoken in a training clip. Each espeak-ng voice says
--sentences-per-voice training and --validation-sentences validation sentences, each festival voice three times as
many; within an accent the sentences are dealt out from a seeded shuffle so that every sentence is said about equally
often. With --parallel they are dealt by variant instead, the same in every accent, so each espeak-ng variant says its
sentences in all seven accents: the parallel speech `demo train-accent` learns from. British English is written "en": espeak-ng 1.51 ignores a variant after "en-gb". The script checks that every
variant changes its accent's output (a voice whose variant is ignored is left out, with a note) and that no two accents
sound the same; in espeak-ng 1.51 every accent here takes every variant.

Instruments: the 17 General MIDI programs in INSTRUMENTS (FluidR3_GM), each playing --melodies-per-instrument
training and --validation-melodies validation melodies: seeded random walks on a random major or minor scale, 6 beats
at 120 bpm with notes of 0.5, 1 or 1.5 beats, within the instrument's range (mostly D3-A5). A validation melody is
never one of the training melodies.

The defaults give 2 533 speech clips (2 086 train, 447 validation; 280 + 60 per espeak-ng accent, 406 + 87 for en-us
with festival) and 442 instrument clips (340 train, 102 validation), 2 975 clips of 1.7-4.4 s, 2.5 hours of audio and
390 MB, made in 127 s with 2 jobs under `nice` on a 2-core machine (speech ~40 s, fluidsynth the rest). Every random
choice is seeded, so the same arguments give byte-identical files (with the same tool versions). Clips already present
are kept, so an interrupted run continues where it stopped; a clip is written under a temporary name and renamed.
"""
import argparse
import functools
import json
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time
import wave

from make_dev_set import FESTIVAL_VOICES, PROGRAMS, RATE, missing_tools, play, speak, tool_versions

SEED = 20240611
VALIDATION_FRACTION = 0.2
FESTIVAL_FACTOR = 3  # a festival voice says this many times the sentences of an espeak-ng voice (they are only 3)

# Plain sentences of 5-12 words, written for this corpus, with many r's, th's and the vowels that English accents
# pronounce differently (bath, lot, thought, strut, nurse, start, north, ...). The last 20 % are validation-only.
SENTENCES = [
    "My brother painted the garden fence on Thursday.", "Rain fell softly across the northern hills.",
    "She bought three pairs of warm wool socks.", "The baker works through the night before market day.",
    "Our car would not start in the freezing cold.", "Thirty birds circled above the harbour wall.",
    "Grandfather told stories about the old railway.", "The teacher asked everyone to write their names clearly.",
    "A narrow path leads down to the river bank.", "Please put the heavy books back on the shelf.",
    "The kettle whistled while we laughed in the kitchen.", "Father and I walked along the quiet shore.",
    "The orange cat sleeps under the warm radiator.", "Those tomatoes grew far better than we expected.",
    "Her daughter plays the drums in a loud band.", "We stayed at a small farm near the border.",
    "The clock in the hall struck four.", "Nobody thought the bridge would be finished so soon.",
    "He poured hot water over the tea leaves.", "The last bus leaves the square at midnight.",
    "Mother keeps a jar of buttons by the door.", "Large waves crashed against the rocky point.",
    "I heard a strange noise on the roof last night.", "The market sells fresh bread and purple grapes.",
    "Their neighbour fixed the broken gate with wire.", "Autumn leaves turned the forest red and gold.",
    "The nurse smiled and checked the young man's pulse.", "Carry the basket carefully across the wet floor.",
    "A thick fog rolled in from the bay.", "The children built a tower out of wooden blocks.",
    "We should order more paper for the printer.", "Dinner was ready by the time they arrived.",
    "The farmer counted forty sheep in the far field.", "Turn left after the church and follow the road.",
    "His laugh could be heard from the other room.", "Nothing grows in the shade of that tall oak.",
    "The pilot announced a short delay before takeoff.", "Our team scored three goals in the second half.",
    "She hurried home before the storm began.", "The library closes early on Sundays in winter.",
    "A bright star appeared just above the mountain.", "Rachel wore a yellow scarf to the concert.",
    "The soup needs more pepper and a little salt.", "Walter borrowed my ladder and never returned it.",
    "Four horses drank from the trough by the barn.", "The museum opened a new room of ancient coins.",
    "Heavy snow blocked the road to the village.", "I forgot to water the plants this morning.",
    "The doctor's office is on the third floor.", "Thunder rumbled somewhere beyond the dark hills.",
    "My aunt grows roses and tall sunflowers.", "The train was crowded with tired workers.",
    "Every summer we rent a cottage by the lake.", "The boat drifted slowly toward the northern shore.",
    "Arthur learned to swim when he was thirty.", "Our old dog barks at every passing car.",
    "The bread smelled wonderful straight from the oven.", "Please remember to lock the back door.",
    "The singer's voice filled the whole theatre.", "A squirrel buried nuts beneath the garden hedge.",
    "Martha drove through the city without a map.", "They painted the bedroom a pale shade of green.",
    "The wind tore the umbrella out of his hand.", "We ate cheese and crackers on the porch.",
    "Three hundred people gathered in the town square.", "The river floods almost every spring.",
    "He spent the morning repairing an old clock.", "That shirt looks better with the dark trousers.",
    "My sister writes letters to her friend in Ireland.", "The path through the wood was covered in mud.",
    "Nobody answered when I knocked on the door.", "The orchestra rehearsed for three hours on Friday.",
    "A small boat carried the mail across the water.", "Her grandmother baked a cherry pie for the fair.",
    "The workers finished the roof before the rain.", "I'd rather walk than wait for the bus.",
    "The mirror in the hallway is slightly cracked.", "Robert keeps his tools in a red metal box.",
    "The kitten chased a feather around the room.", "We watched the sun sink behind the harbour.",
    "The coffee was far too strong for me.", "A letter arrived from my cousin in Australia.",
    "The garden looks lovely after a summer shower.", "Thick curtains kept the room dark and cool.",
    "The guard checked our tickets at the gate.", "Her voice trembled as she read the poem aloud.",
    "The farmer repaired the tractor in the barn.", "Fresh paint covered the walls of the old school.",
    "Your brother called while you were out.", "The hikers rested beside a clear mountain stream.",
    "I found a silver ring under the sofa.", "The storm knocked down two trees on our street.",
    "Our teacher plays the guitar after lunch.", "The bakery on the corner sells warm rolls.",
    "Martin forgot his umbrella at the station.", "The children sang loudly on the long drive north.",
    "A thin layer of frost covered the car.", "The cook sliced carrots and onions for the stew.",
    "We hope the weather stays dry for the wedding.", "The puppy chewed through my new leather shoes.",
    "Three sailors rowed out to the lighthouse.", "The new bridge crosses the river near the mill.",
    "Laura practised the piano every evening.", "The wooden floor creaked under his boots.",
    "They argued about money over breakfast.", "The car park was nearly empty by noon.",
    "A gentle breeze moved through the open window.", "The butcher wrapped the meat in brown paper.",
    "He whistled a cheerful tune on his way to work.", "Several birds nested in the old chimney.",
    "The shop assistant folded the sweater neatly.", "Our village holds a fair at the end of August.",
    "The photographer asked us all to stand closer.", "Dark clouds gathered over the farm by evening.",
    "Thomas rarely eats lunch before two o'clock.", "The water in the pond was surprisingly warm.",
    "She kept her father's watch in a drawer.", "A tired horse pulled the cart up the hill.",
    "Grace carried the parcel up three flights of stairs.", "The warm bath water cooled while he read the paper.",
    # validation-only from here (the last 20 %)
    "The radio played old songs all afternoon.", "I'll meet you outside the theatre at eight.",
    "The first flowers of spring appeared in March.", "We heard the church bells ring across the valley.",
    "My uncle repairs bicycles in his garage.", "The soldier marched slowly along the path.",
    "Our car broke down halfway to the coast.", "The bathroom tap has been dripping for weeks.",
    "Her earrings sparkled under the bright lights.", "The scientist wrote her results in a notebook.",
    "Both boys ran straight to the fruit stall.", "The hotel room had a view of the harbour.",
    "Further north the roads become narrow and steep.", "They rode their bikes through the park on Saturday.",
    "A worried mother searched the crowd for her son.", "The painter mixed blue and yellow to make green.",
    "Put the milk back in the fridge, please.", "The thief climbed over the wall in the dark.",
    "Our flight was cancelled because of the fog.", "The girls laughed at the clown's silly hat.",
    "Brian carved a small bird from a piece of pine.", "The mountain road twists past a frozen waterfall.",
    "I ordered a pot of coffee and some toast.", "The quiet student rarely spoke in class.",
    "Early morning light crept across the bedroom floor.", "The fishermen mended their nets on the beach.",
    "Her car is parked behind the grocery store.", "The house on the hill has thirteen rooms.",
    "We gathered firewood before the sun went down.", "Fourteen candles burned on the birthday cake.",
]
TRAIN_COUNT = round(len(SENTENCES) * (1 - VALIDATION_FRACTION))
SPLIT_SENTENCES = {"train": list(range(TRAIN_COUNT)), "validation": list(range(TRAIN_COUNT, len(SENTENCES)))}

# espeak-ng accents (British English is "en": espeak-ng 1.51 ignores a variant after "en-gb").
ACCENTS = ["en-us", "en", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-gb-x-gbclan", "en-gb-x-gbcwmd"]
# Variants; None is the accent's default voice, which is male. The named ones are natural-sounding variants whose file
# in espeak-ng-data/voices/!v states a gender and no language (the genders are read from the files and checked).
VARIANTS = [None] + ["m%d" % k for k in range(1, 9)] + ["f%d" % k for k in range(1, 6)] + [
    "Annie", "belinda", "steph", "Alicia", "antonio", "travis"]
FESTIVAL_GENDERS = {"kal": "male", "ked": "male", "slt-hts": "female"}
PROBE = "Three red boats rode north past the farm."

# General MIDI programs (0-based) and note ranges (MIDI numbers, mostly within D3 = 50 ... A5 = 81).
INSTRUMENTS = {
    "piano": (PROGRAMS["piano"], 50, 81), "organ": (PROGRAMS["organ"], 50, 81),
    "violin": (PROGRAMS["violin"], 55, 81), "cello": (PROGRAMS["cello"], 43, 69),
    "trumpet": (PROGRAMS["trumpet"], 54, 79), "clarinet": (PROGRAMS["clarinet"], 50, 81),
    "flute": (PROGRAMS["flute"], 60, 81),
    "electric piano": (4, 50, 81), "harpsichord": (6, 50, 81), "vibraphone": (11, 53, 81), "accordion": (21, 53, 81),
    "acoustic guitar": (24, 45, 76), "acoustic bass": (32, 40, 62), "viola": (41, 48, 76),
    "french horn": (60, 45, 74), "alto sax": (65, 49, 77), "oboe": (68, 58, 81),
}
BEATS = 6
DURATIONS = (0.5, 1, 1.5)
NOTE_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]


@functools.lru_cache(maxsize=None)
def espeak_data():
    version = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout
    return version.split("Data at:")[1].strip()


def variant_gender(variant):
    """The gender stated in espeak-ng's variant file (the default voice is male)."""
    if variant is None:
        return "male"
    with open(os.path.join(espeak_data(), "voices", "!v", variant)) as f:
        for line in f:
            words = line.split()
            if words[:1] == ["gender"] and len(words) > 1 and words[1].lower() in ("male", "female"):
                return words[1].lower()
    sys.exit("error: the espeak-ng variant %s states no gender" % variant)


def espeak_bytes(voice):
    return subprocess.run(["espeak-ng", "-v", voice, "--stdout", PROBE], capture_output=True, check=True).stdout


def espeak_voices():
    """(voice, accent, gender) for every accent and variant; a variant that does not change its accent's output is
    left out with a note, and two accents that sound the same end the script."""
    voices, defaults = [], {}
    for accent in ACCENTS:
        default = espeak_bytes(accent)
        if default in defaults:
            sys.exit("error: espeak-ng voices %s and %s sound the same" % (defaults[default], accent))
        defaults[default] = accent
        ignored = []
        for variant in VARIANTS:
            voice = accent if variant is None else accent + "+" + variant
            if variant is not None and espeak_bytes(voice) == default:
                ignored.append(variant)
                continue
            voices.append(("espeak-ng:" + voice, accent, variant_gender(variant)))
        if ignored:
            print("note: espeak-ng %s ignores the variants %s; left out" % (accent, ", ".join(ignored)))
    return voices


def deal(voices, split, count, key):
    """{voice: sentence indices}: each voice gets `count` distinct sentences of `split`, consecutive in one seeded
    shuffle, so that the sentences are said about equally often."""
    order = list(SPLIT_SENTENCES[split])
    random.Random("%d:%s:%s" % (SEED, key, split)).shuffle(order)
    return {voice: [order[(k * count + j) % len(order)] for j in range(count)] for k, voice in enumerate(voices)}


def variant_of(voice):
    """The variant of an espeak-ng voice "espeak-ng:accent[+variant]" ("" for the accent's default voice)."""
    return voice.partition("+")[2]


def melody(instrument, split, index, avoid):
    """A seeded random walk of BEATS beats on a major or minor scale within the instrument's range, not in `avoid`."""
    _, low, high = INSTRUMENTS[instrument]
    for attempt in range(100):
        rng = random.Random("%d:melody:%s:%s:%d:%d" % (SEED, instrument, split, index, attempt))
        key, steps = rng.randrange(12), rng.choice([(0, 2, 4, 5, 7, 9, 11), (0, 2, 3, 5, 7, 8, 10)])
        scale = [n for n in range(low, high + 1) if (n - key) % 12 in steps]
        position = rng.randrange(len(scale) // 4, len(scale) * 3 // 4)
        notes, beats = [], 0
        while beats < BEATS:
            length = rng.choice([d for d in DURATIONS if beats + d <= BEATS])
            notes.append((scale[position], length))
            beats += length
            position = abs(position + rng.choice((-3, -2, -1, -1, 0, 1, 1, 2, 3, 4)))  # reflected at the bounds
            position = max(0, min(position, 2 * (len(scale) - 1) - position))
        if tuple(notes) not in avoid:
            return notes
    sys.exit("error: no new melody for %s" % instrument)


def note_name(note):
    return "%s%d" % (NOTE_NAMES[note % 12], note // 12 - 1)


def file_name(text):
    return text.replace(":", "_").replace(" ", "-")


def plan(arguments):
    """Every clip as (path, manifest entry, job); a job is ("speak", voice, text) or ("play", instrument, notes)."""
    clips = []
    espeak = espeak_voices()
    groups = [(accent, [(v, a, g) for v, a, g in espeak if a == accent], 1) for accent in ACCENTS]
    groups.append(("festival", [("festival:" + name, "en-us", FESTIVAL_GENDERS[name]) for name in FESTIVAL_VOICES],
                   FESTIVAL_FACTOR))
    counts = {"train": arguments.sentences_per_voice, "validation": arguments.validation_sentences}
    for key, voices, factor in groups:
        for split, count in counts.items():
            count = min(len(SPLIT_SENTENCES[split]), factor * count)
            if arguments.parallel and key != "festival":
                # Dealt by variant, the same in every accent: each variant says its sentences in all the accents.
                by_variant = deal([variant_of(voice) for voice, _, _ in voices], split, count, "parallel")
                sentences = {voice: by_variant[variant_of(voice)] for voice, _, _ in voices}
            else:
                sentences = deal([voice for voice, _, _ in voices], split, count, key)
            for voice, accent, gender in voices:
                for index in sentences[voice]:
                    path = "clips/%s_%03d.wav" % (file_name(voice), index)
                    entry = {"path": path, "split": split, "speaker": voice, "gender": gender, "accent": accent,
                             "instrument": None, "source": SENTENCES[index]}
                    clips.append((path, entry, ("speak", voice, SENTENCES[index])))
    counts = {"train": arguments.melodies_per_instrument, "validation": arguments.validation_melodies}
    for instrument in INSTRUMENTS:
        made = set()
        for split, count in counts.items():
            for index in range(count):
                notes = melody(instrument, split, index, made)
                made.add(tuple(notes))
                path = "clips/fluidsynth_%s_%s%02d.wav" % (file_name(instrument), split, index + 1)
                source = "%s melody %d: %s" % (split, index + 1,
                                               " ".join("%s/%g" % (note_name(n), b) for n, b in notes))
                entry = {"path": path, "split": split, "speaker": None, "gender": None, "accent": None,
                         "instrument": instrument, "source": source}
                clips.append((path, entry, ("play", instrument, notes)))
    clips.sort(key=lambda clip: clip[0])
    if len({path for path, _, _ in clips}) != len(clips):
        sys.exit("error: two clips have the same name")
    return clips


TMP = None


def start_worker(base):
    global TMP
    TMP = tempfile.mkdtemp(dir=base)


def make(task):
    """Makes one clip under a temporary name, then renames it; returns None or an error message."""
    folder, path, (action, source, content) = task
    target = os.path.join(folder, path)
    partial = os.path.join(os.path.dirname(target), "." + os.path.basename(target)[:-4] + ".partial.wav")
    try:
        if action == "speak":
            speak(source, content, partial, TMP)
        else:
            play(source, content, partial, TMP, program=INSTRUMENTS[source][0])
    except SystemExit as error:  # make_dev_set.run exits on a tool's failure; a pool worker must not
        return "%s: %s" % (path, error.code)
    os.replace(partial, target)
    return None


def write_atomically(path, text):
    with open(path + ".partial", "w") as f:
        f.write(text)
    os.replace(path + ".partial", path)


def seconds(path):
    with wave.open(path) as w:
        return w.getnframes() / w.getframerate()


def summary(folder, entries):
    durations = {entry["path"]: seconds(os.path.join(folder, entry["path"])) for entry in entries}
    print("%-16s %-26s %6s %6s %8s" % ("label", "value", "train", "valid", "minutes"))
    for label in ("gender", "accent", "instrument"):
        for value in sorted({e[label] for e in entries if e[label] is not None}):
            chosen = [e for e in entries if e[label] == value]
            print("%-16s %-26s %6d %6d %8.1f" % (label, value, sum(e["split"] == "train" for e in chosen),
                                                  sum(e["split"] == "validation" for e in chosen),
                                                  sum(durations[e["path"]] for e in chosen) / 60))
    per_speaker = {}
    for entry in entries:
        if entry["speaker"] is not None:
            per_speaker.setdefault(entry["speaker"], [0, 0])[entry["split"] == "validation"] += 1
    print("%d speakers, %s train + %s validation clips each" % (
        len(per_speaker), "/".join(sorted({str(c[0]) for c in per_speaker.values()}, key=int)),
        "/".join(sorted({str(c[1]) for c in per_speaker.values()}, key=int))))
    lengths = sorted(durations.values())
    for kind, chosen in (("speech", [e for e in entries if e["speaker"]]),
                         ("instrument", [e for e in entries if e["instrument"]])):
        print("%s: %d clips (%d train, %d validation), %.1f minutes" % (
            kind, len(chosen), sum(e["split"] == "train" for e in chosen),
            sum(e["split"] == "validation" for e in chosen), sum(durations[e["path"]] for e in chosen) / 60))
    print("all: %d clips, %.2f hours, %.2f-%.2f s (median %.2f s)" % (
        len(entries), sum(lengths) / 3600, lengths[0], lengths[-1], lengths[len(lengths) // 2]))


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--sentences-per-voice", type=int, default=14,
                        help="training sentences per espeak-ng voice (festival voices: 3 times as many)")
    parser.add_argument("--validation-sentences", type=int, default=3,
                        help="validation sentences per espeak-ng voice (festival voices: 3 times as many)")
    parser.add_argument("--melodies-per-instrument", type=int, default=20, help="training melodies per instrument")
    parser.add_argument("--validation-melodies", type=int, default=6, help="validation melodies per instrument")
    parser.add_argument("--parallel", action="store_true",
                        help="every espeak-ng variant says the same sentences in all the accents (parallel speech "
                             "for demo train-accent)")
    parser.add_argument("--jobs", type=int, default=2, help="clips made in parallel")
    arguments = parser.parse_args()
    for name, split in (("sentences_per_voice", "train"), ("validation_sentences", "validation")):
        if not 0 <= getattr(arguments, name) <= len(SPLIT_SENTENCES[split]):
            parser.error("--%s must be within 0...%d" % (name.replace("_", "-"), len(SPLIT_SENTENCES[split])))
    if min(arguments.melodies_per_instrument, arguments.validation_melodies) < 0 or arguments.jobs < 1:
        parser.error("the counts must not be negative and --jobs must be positive")
    return arguments


def main():
    arguments = parse_arguments()
    missing = missing_tools()
    if missing:
        print("missing: %s (see Scripts/make_dev_set.py)" % ", ".join(missing), file=sys.stderr)
        return 1
    started = time.time()
    clips = plan(arguments)
    folder = arguments.folder
    os.makedirs(os.path.join(folder, "clips"), exist_ok=True)
    for name in os.listdir(os.path.join(folder, "clips")):  # left by an interrupted run
        if name.startswith(".") and name.endswith(".partial.wav"):
            os.remove(os.path.join(folder, "clips", name))
    tasks = [(folder, path, job) for path, _, job in clips if not os.path.exists(os.path.join(folder, path))]
    print("%d clips planned, %d already present, %d to make" % (len(clips), len(clips) - len(tasks), len(tasks)))
    with tempfile.TemporaryDirectory() as base, \
            multiprocessing.Pool(arguments.jobs, initializer=start_worker, initargs=(base,)) as pool:
        for done, error in enumerate(pool.imap_unordered(make, tasks, chunksize=4), start=1):
            if error is not None:
                pool.terminate()
                print("error: %s" % error, file=sys.stderr)
                return 1
            if done % 100 == 0 or done == len(tasks):
                print("%5d/%d clips made, %4.0f s" % (done, len(tasks), time.time() - started), flush=True)
    entries = [entry for _, entry, _ in clips]
    labels = {label: sorted({e[label] for e in entries if e[label] is not None})
              for label in ("speaker", "gender", "accent", "instrument")}
    manifest = {"rate": RATE, "labels": labels, "clips": entries}
    write_atomically(os.path.join(folder, "manifest.json"), json.dumps(manifest, indent=1) + "\n")
    write_atomically(os.path.join(folder, "tools.txt"), tool_versions() + "Python %s\n" % sys.version.split()[0])
    summary(folder, entries)
    print("%s in %.0f s" % (os.path.join(folder, "manifest.json"), time.time() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
