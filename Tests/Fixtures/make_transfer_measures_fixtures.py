#!/usr/bin/env python3
"""Makes Tests/Fixtures/transfer_measures/: the independent judge's numbers on bundled clips, and the librosa / pystoi
references of the AudioDSP features they are built from (MFCC, frame RMS, STOI).

Run from the package root with the judge's venv (see ../shared/eval/README.md), naming the judge's folder:

    ~/judge-venv/bin/python Tests/Fixtures/make_transfer_measures_fixtures.py --eval ../shared/eval

The judge's own functions are imported from that folder (`judge.judge`), so the fixture holds exactly what the judge
prints. Versions used are written to transfer_measures/versions.json. Everything is deterministic (seeded noise).

Written files (float32 .npy arrays, C order):
- processed_male_us.wav: speech_male_us low-passed at 3 kHz (4th-order Butterworth, forward-backward), plus 0.3 x
  speech_female_us and seeded white noise (RMS 0.003), 16-bit.
- stereo_female_us_32000.wav: the first 2 s of speech_female_us at 32 kHz (soxr HQ), stereo: left the clip, right the
  clip low-passed at 2 kHz (so the downmix differs from either channel), 16-bit.
- processed_female_us_16000.wav: the first 2 s of speech_female_us low-passed at 3 kHz plus seeded noise (RMS 0.003),
  at 16 kHz (soxr HQ), mono, 16-bit.
- shifted_male_us.wav: speech_male_us shifted up 6 semitones (librosa.effects.pitch_shift, soxr HQ), 16-bit.
- judge.json: for each triple (content, style, output; paths relative to the package root) the judge's `gram_*`,
  `mfcc_dist_*`, `timbre_*`, `stoi`, `centroid_*` and `f0_*` values.
- mfcc_<case>.npy: librosa.feature.mfcc of speech_male_us (librosa.load at 22 050 Hz, float32) for the cases in
  cases.json (`mfcc`); rms_<case>.npy: librosa.feature.rms of the same clip for the cases in `rms`.
- stoi_clean.npy, stoi_<case>.npy: 2 s of speech_male_us at 10 kHz (soxr HQ) and processed versions of it; cases.json
  (`stoi`) holds pystoi.stoi(clean, processed, 10000) of each, computed on the stored float32 values.
"""
import argparse
import hashlib
import json
import os
import sys
from importlib import metadata

import numpy as np
import scipy
import scipy.signal
import soundfile as sf
import soxr

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--eval", required=True, help="folder of the shared judge (judge.py, evalcommon.py)")
arguments = parser.parse_args()
sys.path.insert(0, os.path.abspath(arguments.eval))

import judge  # noqa: E402  (the judge's own module, from --eval)
import librosa  # noqa: E402
from pystoi import stoi  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "transfer_measures")
SAMPLES = os.path.join("Resources", "Samples")
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(20261213)


def out(name):
    return os.path.join(OUT, name)


def relative(path):
    return os.path.relpath(path, ROOT)


def sample(name):
    x, sr = sf.read(os.path.join(ROOT, SAMPLES, name), dtype="float64")
    assert sr == 22050
    return x


def low_pass(x, cutoff, sr):
    sos = scipy.signal.butter(4, cutoff, fs=sr, output="sos")
    return scipy.signal.sosfiltfilt(sos, x)


def save(name, array):
    np.save(out(name), np.ascontiguousarray(array, dtype=np.float32))


# ------------------------------------------------------------------ processed clips (committed WAVs)
male, female = sample("speech_male_us.wav"), sample("speech_female_us.wav")
processed = (low_pass(male, 3000, 22050) + 0.3 * judge.fix_length(female, len(male))
             + 0.003 * rng.standard_normal(len(male)))
sf.write(out("processed_male_us.wav"), processed / max(1.0, np.max(np.abs(processed)) / 0.99), 22050,
         subtype="PCM_16")

female2 = female[:2 * 22050]
stereo = np.stack([female2, low_pass(female2, 2000, 22050)], axis=1)
stereo32 = soxr.resample(stereo, 22050, 32000, quality="HQ")
sf.write(out("stereo_female_us_32000.wav"), stereo32, 32000, subtype="PCM_16")
noisy = low_pass(female2, 3000, 22050) + 0.003 * rng.standard_normal(len(female2))
sf.write(out("processed_female_us_16000.wav"), soxr.resample(noisy, 22050, 16000, quality="HQ"), 16000,
         subtype="PCM_16")
shifted = librosa.effects.pitch_shift(male.astype(np.float32), sr=22050, n_steps=6.0)
sf.write(out("shifted_male_us.wav"), shifted / max(1.0, np.max(np.abs(shifted)) / 0.99), 22050, subtype="PCM_16")

# ------------------------------------------------------------------ the judge on triples
TRIPLES = [
    ("speech_unchanged", "speech_male_us.wav", "speech_female_us.wav", "speech_male_us.wav"),
    ("speech_style_itself", "speech_male_us.wav", "speech_female_us.wav", "speech_female_us.wav"),
    ("speech_processed", "speech_male_us.wav", "speech_female_us.wav", "processed_male_us.wav"),
    ("instrument_other", "piano.wav", "violin.wav", "flute.wav"),
    ("resampled_stereo", "stereo_female_us_32000.wav", "speech_male_scottish.wav", "processed_female_us_16000.wav"),
    ("speech_pitch_shifted", "speech_male_us.wav", "speech_female_us.wav", "shifted_male_us.wav"),
]
KEYS = ["gram_ratio", "gram_dist_out_style", "gram_dist_content_style", "gram_dist_out_content", "timbre_progress",
        "timbre_ratio", "mfcc_dist_out_style", "mfcc_dist_out_content", "mfcc_dist_content_style", "stoi",
        "centroid_content_hz", "centroid_style_hz", "centroid_output_hz", "f0_content_hz", "f0_style_hz", "f0_output_hz",
        "f0_shift_toward_style_st"]


def located(name):
    bundled = os.path.join(ROOT, SAMPLES, name)
    return bundled if os.path.exists(bundled) else out(name)


triples = []
for name, content, style, output in TRIPLES:
    paths = [located(n) for n in (content, style, output)]
    result = judge.judge(*paths)
    values = {k: (None if not np.isfinite(result[k]) else float(result[k])) for k in KEYS}
    triples.append(dict(name=name, content=relative(paths[0]), style=relative(paths[1]), output=relative(paths[2]),
                        judge=values))
    print(name, {k: values[k] for k in ("gram_ratio", "timbre_progress", "timbre_ratio", "stoi")})

# ------------------------------------------------------------------ AudioDSP features: MFCC, frame RMS, STOI
clip, _ = librosa.load(os.path.join(ROOT, SAMPLES, "speech_male_us.wav"), sr=22050)  # float32
MFCC_CASES = [
    dict(name="judge", n_mfcc=21, n_fft=1024, hop_length=256, n_mels=128, top_db=80.0),
    dict(name="small_no_top_db", n_mfcc=13, n_fft=512, hop_length=128, n_mels=40, top_db=None),
]
for case in MFCC_CASES:
    S = librosa.power_to_db(librosa.feature.melspectrogram(
        y=clip, sr=22050, n_fft=case["n_fft"], hop_length=case["hop_length"], n_mels=case["n_mels"]),
        top_db=case["top_db"])
    reference = librosa.feature.mfcc(S=S, n_mfcc=case["n_mfcc"])
    if case["top_db"] == 80.0:  # the judge's call, with librosa's defaults: identical
        assert np.array_equal(reference, librosa.feature.mfcc(y=clip, sr=22050, n_mfcc=21, n_fft=1024,
                                                              hop_length=256))
    save("mfcc_%s.npy" % case["name"], reference)

RMS_CASES = [
    dict(name="judge", frame_length=1024, hop_length=256, center=True),
    dict(name="default_no_center", frame_length=2048, hop_length=512, center=False),
]
for case in RMS_CASES:
    params = {k: v for k, v in case.items() if k != "name"}
    save("rms_%s.npy" % case["name"], librosa.feature.rms(y=clip, **params)[0])

clean10 = soxr.resample(male, 22050, 10000, quality="HQ")[:20000].astype(np.float32)
save("stoi_clean.npy", clean10)
STOI_CASES = {
    "low_passed_noisy": low_pass(clean10, 2000, 10000) + 0.01 * rng.standard_normal(len(clean10)),
    "very_noisy": clean10 + 0.1 * rng.standard_normal(len(clean10)),
    "delayed": np.concatenate([np.zeros(300), clean10[:-300]]),
}
stoi_values = {}
for name, processed10 in STOI_CASES.items():
    processed10 = processed10.astype(np.float32)
    save("stoi_%s.npy" % name, processed10)
    stoi_values[name] = float(stoi(clean10.astype(np.float64), processed10.astype(np.float64), 10000, extended=False))
print("stoi", stoi_values)

with open(out("judge.json"), "w") as f:
    json.dump(dict(triples=triples), f, indent=1)
    f.write("\n")
with open(out("cases.json"), "w") as f:
    json.dump(dict(clip=relative(os.path.join(ROOT, SAMPLES, "speech_male_us.wav")), sample_rate=22050,
                   mfcc=MFCC_CASES, rms=RMS_CASES, stoi=stoi_values), f, indent=1)
    f.write("\n")
versions = {
    "python": sys.version.split()[0], "librosa": librosa.__version__, "numpy": np.__version__,
    "scipy": scipy.__version__, "soundfile": sf.__version__, "libsndfile": sf.__libsndfile_version__,
    "soxr": soxr.__version__, "pystoi": metadata.version("pystoi"),
    "judge": {name: hashlib.sha256(open(os.path.join(arguments.eval, name), "rb").read()).hexdigest()[:16]
              for name in ("judge.py", "evalcommon.py")},
}
with open(out("versions.json"), "w") as f:
    json.dump(versions, f, indent=2, sort_keys=True)
    f.write("\n")
print(json.dumps(versions))
