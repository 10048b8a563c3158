"""Makes the Vocoders test fixtures in Tests/Fixtures/vocoders/ with numpy, scipy and librosa (the references).

Run from the repository root with the project venv:  /work/venv/bin/python Tests/Fixtures/make_vocoder_fixtures.py
Pinned: librosa 0.11.0, numpy 2.4.6, scipy 1.17.1 (checked below and written to vocoders/versions.json).
Arrays are float32 .npy in C order; spectrograms are [rows, frames] as librosa returns them.
"""
import json
import os

import librosa
import numpy as np
import scipy
import scipy.fft

PINNED = {"librosa": "0.11.0", "numpy": "2.4.6", "scipy": "1.17.1"}
FOUND = {"librosa": librosa.__version__, "numpy": np.__version__, "scipy": scipy.__version__}
assert FOUND == PINNED, f"fixtures are pinned to {PINNED}, found {FOUND}"

ROOT = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(ROOT, "vocoders")
REPO = os.path.dirname(os.path.dirname(ROOT))
SAMPLE = os.path.join(REPO, "Resources", "Samples", "speech_female_us.wav")
os.makedirs(OUT, exist_ok=True)
cases = {}


def save(name, array):
    np.save(os.path.join(OUT, name), np.ascontiguousarray(array, dtype=np.float32))


# --- µ-law: librosa.mu_compress / mu_expand with quantize=True, classes shifted to 0...mu -------------------------
rng = np.random.default_rng(20261125)
mu = 255
edges = np.linspace(-1, 1, num=mu + 1)
near_edges = np.sign(edges) * np.expm1(np.abs(edges) * np.log1p(mu)) / mu  # inputs that compress onto bin edges
mulaw_input = np.concatenate([
    [-1.0, 1.0, 0.0, 1e-6, -1e-6, 0.5, -0.5],
    near_edges, np.nextafter(near_edges.astype(np.float32), np.float32(2)),
    rng.uniform(-1, 1, 1000), 0.01 * rng.standard_normal(500).clip(-100, 100),
]).astype(np.float32).clip(-1, 1)
save("mulaw_input.npy", mulaw_input)
for m in (255, 15):
    signed = librosa.mu_compress(mulaw_input.astype(np.float64), mu=m, quantize=True)
    save(f"mulaw_mu{m}_classes.npy", signed + (m + 1) // 2)
    save(f"mulaw_mu{m}_decoded.npy", librosa.mu_expand(signed, mu=m, quantize=True))

# --- Front-end analysis: 0.5 s of the bundled female voice -------------------------------------------------------
clip, sr = librosa.load(SAMPLE, sr=22050, offset=0.4, duration=0.5)
save("clip.npy", clip)
front_ends = {
    # FrontEnd.default: amplitude mel, 80 Slaney bands to 8 kHz, log(max(x, 1e-5)).
    "default": np.log(np.maximum(librosa.feature.melspectrogram(
        y=clip, sr=sr, n_fft=1024, hop_length=256, n_mels=80, fmax=8000, power=1), 1e-5)),
    # Power mel, HTK scale without normalisation, Hamming window, reflect padding, power_to_db(ref=1, top_db=80).
    "htk_power_db": librosa.power_to_db(librosa.feature.melspectrogram(
        y=clip, sr=sr, n_fft=512, hop_length=128, window="hamming", pad_mode="reflect", n_mels=40, fmin=50,
        fmax=11025, htk=True, norm=None, power=2), ref=1.0, amin=1e-10, top_db=80),
    # The study's front end: linear log1p amplitude (win_length 200 inside n_fft 256).
    "linear_log1p": np.log1p(np.abs(librosa.stft(clip, n_fft=256, hop_length=128, win_length=200))),
    # Linear amplitude in dB without a top_db floor, frames not centred.
    "linear_amplitude_db": librosa.amplitude_to_db(np.abs(librosa.stft(
        clip, n_fft=256, hop_length=128, center=False)), ref=1.0, amin=1e-5, top_db=None),
}
for name, values in front_ends.items():
    save(f"frontend_{name}.npy", values)

# --- Quality metrics, defined as in Sources/Vocoders/Quality.swift, computed in float64 --------------------------
def quality(estimate, reference, n_fft, hop, n_mels, n_ceps, fmax=None, dynamic_range=80.0):
    n = min(len(estimate), len(reference))
    S = np.abs(librosa.stft(reference[:n], n_fft=n_fft, hop_length=hop)).astype(np.float64)
    E = np.abs(librosa.stft(estimate[:n], n_fft=n_fft, hop_length=hop)).astype(np.float64)
    fmax = sr / 2 if fmax is None else fmax
    band = np.fft.rfftfreq(n_fft, 1.0 / sr) <= fmax
    P, Q = S[band]**2, E[band]**2
    floor = P.max() * 10 ** (-dynamic_range / 10)
    lsd = np.mean(np.sqrt(np.mean((10 * np.log10(np.maximum(P, floor) / np.maximum(Q, floor)))**2, axis=0)))
    mel = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, fmax=fmax).astype(np.float64)
    M, N = mel @ S**2, mel @ E**2
    mel_floor = M.max() * 10 ** (-dynamic_range / 10)
    def cepstra(power):
        return scipy.fft.dct(0.5 * np.log(np.maximum(power, mel_floor)), type=2, norm="ortho", axis=0)[1:n_ceps + 1]
    diff = cepstra(M) - cepstra(N)
    mcd = np.mean(10 / np.log(10) * np.sqrt(2 * np.sum(diff**2, axis=0)))
    sc = np.linalg.norm(S[band] - E[band]) / np.linalg.norm(S[band])
    return {"log_spectral_distance": float(lsd), "mel_cepstral_distortion": float(mcd),
            "spectral_convergence": float(sc), "frame_count": int(S.shape[1])}


# The estimate: 8 Griffin-Lim iterations from the clip's STFT magnitude, a realistic imperfect reconstruction.
estimate = librosa.griffinlim(np.abs(librosa.stft(clip, n_fft=1024, hop_length=256)), n_iter=8, hop_length=256,
                              n_fft=1024, length=len(clip), random_state=0)
save("metrics_estimate.npy", estimate)
cases["quality"] = {
    "default": dict(n_fft=1024, hop=256, n_mels=80, n_ceps=24, fmax=None, dynamic_range=80.0,
                    **quality(estimate, clip, 1024, 256, 80, 24)),
    "small_band": dict(n_fft=512, hop=128, n_mels=40, n_ceps=13, fmax=8000.0, dynamic_range=60.0,
                       **quality(estimate, clip, 512, 128, 40, 13, fmax=8000.0, dynamic_range=60.0)),
}

# --- librosa's Griffin-Lim on the whole bundled clip, the bar for GriffinLimVocoder --------------------------------
# Spectral convergence of the reconstruction's |STFT| against the original's (n_fft 1024, hop 256), random states
# 0, 1, 2: from the default front end's mel (librosa.feature.inverse.mel_to_stft with power 1, then 32 iterations
# of librosa.griffinlim: what mel_to_audio does, which cannot take a random_state) and from
# the linear amplitude (librosa.griffinlim, 32 iterations).
voice, _ = librosa.load(SAMPLE, sr=22050)
voice_magnitude = np.abs(librosa.stft(voice, n_fft=1024, hop_length=256))
voice_mel = librosa.feature.melspectrogram(y=voice, sr=sr, n_fft=1024, hop_length=256, n_mels=80, fmax=8000, power=1)


def convergence(audio):
    rebuilt = np.abs(librosa.stft(audio, n_fft=1024, hop_length=256))
    return float(np.linalg.norm(voice_magnitude - rebuilt) / np.linalg.norm(voice_magnitude))


voice_inverse = librosa.feature.inverse.mel_to_stft(voice_mel, sr=sr, n_fft=1024, fmax=8000, power=1)
cases["librosa_griffinlim_32"] = {
    "sample": "Resources/Samples/speech_female_us.wav",
    "mel_default_front_end": [convergence(librosa.griffinlim(
        voice_inverse, n_iter=32, hop_length=256, n_fft=1024, length=len(voice), random_state=seed))
        for seed in (0, 1, 2)],
    "linear": [convergence(librosa.griffinlim(voice_magnitude, n_iter=32, hop_length=256, n_fft=1024,
                                              length=len(voice), random_state=seed)) for seed in (0, 1, 2)],
}

with open(os.path.join(OUT, "cases.json"), "w") as f:
    json.dump(cases, f, indent=2)
with open(os.path.join(OUT, "versions.json"), "w") as f:
    json.dump(FOUND, f, indent=2)
print(json.dumps(cases, indent=2))
