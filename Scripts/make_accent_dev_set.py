#!/usr/bin/env python3
"""Makes a second development set of accent pairs, wider than the main set's six: 15 pairs over the seven espeak-ng
English accents and eleven voice variants, each with its ground truth (the style accent, same variant, saying the
content's sentence). Its sentences are Harvard lists 5-7, used nowhere else in the project (the main development set
takes lists 1-4, the backbone corpus its own sentences), so choices made on it are not fitted to either.

usage: python3 Scripts/make_accent_dev_set.py [--mixed | --same] [FOLDER]
       (default FOLDER: DevSet/accent-wide/, DevSet/accent-mixed/ or DevSet/accent-same/ in the repository root)

With --mixed it writes six pairs whose content and style voices differ in variant as well as accent (so the ground
truth differs from the content in voice too), saying sentences 11-22 of the same lists. With --same it writes six
pairs of one voice saying two sentences, so content and style share their accent and the ground truth is the content
itself: how much a conversion changes speech that is already in the target accent.

Writes `accent/<id>_content.wav`, `_style.wav`, `_reference.wav` and `pairs.json` in the format and with the clip
processing of Scripts/make_dev_set.py (whose functions it uses); StyleTransferEvaluation reads it with --manifest.
"""
import json
import os
import sys
import tempfile

from make_dev_set import ROOT, duration_and_rms, missing_tools, speak, tool_versions

# Harvard sentences, lists 5-7: pair k says SENTENCES[2k] as content and SENTENCES[2k + 1] as style.
SENTENCES = [
    "A king ruled the state in the early days.", "The ship was torn apart on the sharp reef.",
    "Sickness kept him home the third week.", "The wide road shimmered in the hot sun.",
    "The lazy cow lay in the cool grass.", "Lift the square stone over the fence.",
    "The rope will bind the seven books at once.", "Hop over the fence and plunge in.",
    "The friendly gang left the drug store.", "Mesh wire keeps chicks inside.",
    "The frosty air passed through the coat.", "The crooked maze failed to fool the mouse.",
    "Adding fast leads to wrong sums.", "The show was a flop from the very start.",
    "A saw is a tool used for making boards.", "The wagon moved on well oiled wheels.",
    "March the soldiers past the next hill.", "A cup of sugar makes sweet fudge.",
    "Place a rosebush near the porch steps.", "Both lost their lives in the raging storm.",
    "We talked of the side show in the circus.", "Use a pencil to write the first draft.",
    "He ran half way to the hardware store.", "The clock struck to mark the third period.",
    "A small creek cut across the field.", "Cars and busses stalled in snow drifts.",
    "The set of china hit the floor with a crash.", "This is a grand season for hikes on the road.",
    "The dune rose from the edge of the water.", "Those words were the cue for the actor to leave.",
]

# (content accent, style accent, variant): every accent appears as content and as style at least twice. British
# English is "en" ("en-gb" ignores variants in espeak-ng 1.51).
PAIRS = [
    ("en-us", "en", "m2"), ("en", "en-gb-scotland", "f1"), ("en-gb-scotland", "en-us", "m4"),
    ("en-029", "en-gb-x-rp", "f4"), ("en-gb-x-rp", "en-029", "m6"), ("en-gb-x-gbclan", "en-us", "f5"),
    ("en-us", "en-gb-x-gbcwmd", "m5"), ("en-gb-x-gbcwmd", "en", "f2"), ("en", "en-029", "m7"),
    ("en-029", "en-gb-x-gbclan", "m1"), ("en-gb-x-rp", "en-gb-scotland", "f3"), ("en-gb-scotland", "en-gb-x-gbcwmd", "m8"),
    ("en-us", "en-gb-x-rp", "m3"), ("en-gb-x-gbclan", "en-029", "f1"), ("en-gb-x-gbcwmd", "en-us", None),
]


# (content voice, style voice) of the --mixed pairs: pair k says SENTENCES[(2k + 10) % 30] and the next one.
MIXED_PAIRS = [
    ("en-us+m2", "en-gb-scotland+m5"), ("en+f3", "en-us+f1"), ("en-029+m1", "en-gb-x-rp+m7"),
    ("en-gb-x-gbclan+f4", "en+f2"), ("en-us", "en-gb-x-gbcwmd+m3"), ("en-gb-scotland+f5", "en-029+f1"),
]


def voice(accent, variant):
    return "espeak-ng:%s%s" % (accent, "+" + variant if variant else "")


# The voices of the --same pairs: pair k says SENTENCES[2k] as content (and reference) and SENTENCES[2k + 1] as style.
SAME_VOICES = ["en-us+m2", "en+f3", "en-029+m1", "en-gb-x-gbclan+f4", "en-gb-scotland+m5", "en-gb-x-rp+f1"]


def planned(mode):
    """(pair id, {role: (espeak-ng voice, sentence index)}) for every pair of `mode` (wide, mixed or same)."""
    if mode == "same":
        return [("accent-s%02d" % (k + 1), {"content": ("espeak-ng:" + v, 2 * k), "style": ("espeak-ng:" + v, 2 * k + 1),
                                             "reference": ("espeak-ng:" + v, 2 * k)})
                for k, v in enumerate(SAME_VOICES)]
    if mode == "mixed":
        return [("accent-m%02d" % (k + 1), {"content": ("espeak-ng:" + c, (2 * k + 10) % 30),
                                             "style": ("espeak-ng:" + s, (2 * k + 11) % 30),
                                             "reference": ("espeak-ng:" + s, (2 * k + 10) % 30)})
                for k, (c, s) in enumerate(MIXED_PAIRS)]
    return [("accent-w%02d" % (k + 1), {"content": (voice(c, v), 2 * k), "style": (voice(s, v), 2 * k + 1),
                                         "reference": (voice(s, v), 2 * k)})
            for k, (c, s, v) in enumerate(PAIRS)]


def main():
    missing = missing_tools()
    if missing:
        print("missing: %s (see Scripts/make_dev_set.py)" % ", ".join(missing), file=sys.stderr)
        return 1
    modes = [a[2:] for a in sys.argv[1:] if a in ("--mixed", "--same")]
    arguments = [a for a in sys.argv[1:] if a not in ("--mixed", "--same")]
    if len(modes) > 1:
        print("give at most one of --mixed and --same", file=sys.stderr)
        return 2
    mode = modes[0] if modes else "wide"
    folder = arguments[0] if arguments else os.path.join(ROOT, "DevSet", "accent-" + mode)
    os.makedirs(os.path.join(folder, "accent"), exist_ok=True)
    manifest = []
    with tempfile.TemporaryDirectory() as tmp:
        for pair_id, clips in planned(mode):
            entry = {"id": pair_id, "kind": "accent"}
            for role, (speaker, sentence) in clips.items():
                relative = "accent/%s_%s.wav" % (pair_id, role)
                speak(speaker, SENTENCES[sentence], os.path.join(folder, relative), tmp)
                entry[role] = relative
                entry[role + "_source"] = '%s: "%s"' % (speaker, SENTENCES[sentence])
                print("%-12s %-9s %6.2f s %7.1f dBFS" % ((pair_id, role) + duration_and_rms(
                    os.path.join(folder, relative))))
            manifest.append(entry)
    with open(os.path.join(folder, "pairs.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    with open(os.path.join(folder, "tools.txt"), "w") as f:
        f.write(tool_versions())
    print("%d accent pairs in %s" % (len(manifest), os.path.join(folder, "pairs.json")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
