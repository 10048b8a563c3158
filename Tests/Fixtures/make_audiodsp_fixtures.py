"""Makes the AudioDSP test fixtures in Tests/Fixtures/audiodsp/ with librosa (the numerical reference).

Run from the repository root with the project venv:  /work/venv/bin/python Tests/Fixtures/make_audiodsp_fixtures.py
Pinned: librosa 0.11.0 (numpy / scipy versions are recorded in audiodsp/versions.json).
Every array is float32, C order, and for spectrograms shaped [bins, frames] as librosa returns them.
"""
import json
import os

import librosa
import numpy as np
import scipy

assert librosa.__version__ == "0.11.0", f"fixtures are pinned to librosa 0.11.0, found {librosa.__version__}"

ROOT = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(ROOT, "audiodsp")
REPO = os.path.dirname(os.path.dirname(ROOT))
os.makedirs(OUT, exist_ok=True)


def save(name, array):
    np.save(os.path.join(OUT, name), np.ascontiguousarray(array, dtype=np.float32))


# A short synthetic signal: a chirp, two tones, seeded noise and a click (4000 samples at 8 kHz).
rng = np.random.default_rng(20261125)
t = np.arange(4000) / 8000.0
signal = (0.5 * np.sin(2 * np.pi * (200 * t + 1500 * t**2)) + 0.2 * np.sin(2 * np.pi * 440 * t)
          + 0.1 * np.cos(2 * np.pi * 3000 * t) + 0.05 * rng.standard_normal(t.size))
signal[1234] += 0.8
signal = signal.astype(np.float32)
save("signal.npy", signal)

# STFT grid, as librosa's own test_stft grid: fft size, hop, window length, window, centring, padding.
stft_cases = [
    dict(name="hann_512_128_center_constant", n_fft=512, hop_length=128, win_length=512, window="hann", center=True, pad_mode="constant"),
    dict(name="hann_512_128_center_reflect", n_fft=512, hop_length=128, win_length=512, window="hann", center=True, pad_mode="reflect"),
    dict(name="hamming_256_64_win200_center", n_fft=256, hop_length=64, win_length=200, window="hamming", center=True, pad_mode="constant"),
    dict(name="blackman_1024_256_nocenter", n_fft=1024, hop_length=256, win_length=1024, window="blackman", center=False, pad_mode="constant"),
    dict(name="boxcar_400_100_center_reflect", n_fft=400, hop_length=100, win_length=400, window="boxcar", center=True, pad_mode="reflect"),
    dict(name="hann_511_127_odd", n_fft=511, hop_length=127, win_length=511, window="hann", center=True, pad_mode="constant"),
]
for case in stft_cases:
    params = {k: v for k, v in case.items() if k != "name"}
    save(f"stft_{case['name']}.npy", np.abs(librosa.stft(signal, **params)))

# Mel filterbanks: Slaney scale + Slaney norm (librosa's default), HTK without norm, Slaney scale without norm.
mel_cases = [
    dict(name="slaney_22050_512_40", sr=22050, n_fft=512, n_mels=40, fmin=0.0, fmax=None, htk=False, norm="slaney"),
    dict(name="htk_16000_400_32_nonorm", sr=16000, n_fft=400, n_mels=32, fmin=50.0, fmax=7000.0, htk=True, norm=None),
    dict(name="slaney_22050_512_64_nonorm", sr=22050, n_fft=512, n_mels=64, fmin=100.0, fmax=8000.0, htk=False, norm=None),
]
for case in mel_cases:
    params = {k: v for k, v in case.items() if k != "name"}
    save(f"mel_{case['name']}.npy", librosa.filters.mel(**params))

# The bundled clip: 0.5 s of speech loaded by librosa at 22.05 kHz, stored so tests need no audio reader.
clip, sr = librosa.load(os.path.join(REPO, "Resources", "Samples", "speech_male_us.wav"), sr=22050, offset=0.3, duration=0.5)
save("clip.npy", clip)
CLIP_FFT, CLIP_HOP, CLIP_MELS = 512, 128, 40
clip_magnitude = np.abs(librosa.stft(clip, n_fft=CLIP_FFT, hop_length=CLIP_HOP))
save("clip_stft_magnitude.npy", clip_magnitude)
clip_mel = librosa.feature.melspectrogram(y=clip, sr=sr, n_fft=CLIP_FFT, hop_length=CLIP_HOP, n_mels=CLIP_MELS, power=2.0)
save("clip_mel_power.npy", clip_mel)
save("clip_mel_magnitude.npy", librosa.feature.melspectrogram(
    y=clip, sr=sr, n_fft=CLIP_FFT, hop_length=CLIP_HOP, n_mels=CLIP_MELS, power=1.0))
save("clip_power_db_refmax.npy", librosa.power_to_db(clip_mel, ref=np.max))
save("clip_power_db_ref1_notop.npy", librosa.power_to_db(clip_mel, ref=1.0, top_db=None))
save("clip_amplitude_db_ref1.npy", librosa.amplitude_to_db(np.sqrt(clip_mel), ref=1.0))
save("clip_amplitude_db_refmax_top60.npy", librosa.amplitude_to_db(np.sqrt(clip_mel), ref=np.max, top_db=60.0))
# Inverse mel: librosa's NNLS (pseudo-inverse start, then L-BFGS-B) of the power mel, then the square root.
save("clip_mel_to_stft.npy", librosa.feature.inverse.mel_to_stft(clip_mel, sr=sr, n_fft=CLIP_FFT, power=2.0))

# Inverse mel by the generalised Kullback-Leibler divergence: multiplicative updates x <- x * W^T(M / Wx) / W^T 1
# from x = 1 on every bin some filter covers (0 elsewhere), in float64 (numpy is the reference here: librosa has no
# such inverse), of the amplitude mel, after 1 and after 50 updates.
mel_basis = librosa.filters.mel(sr=sr, n_fft=CLIP_FFT, n_mels=CLIP_MELS).astype(np.float64)
clip_mel_amplitude = librosa.feature.melspectrogram(y=clip, sr=sr, n_fft=CLIP_FFT, hop_length=CLIP_HOP,
                                                    n_mels=CLIP_MELS, power=1.0).astype(np.float32).astype(np.float64)
coverage = mel_basis.T @ np.ones(CLIP_MELS)
kl = np.outer(coverage > 0, np.ones(clip_mel_amplitude.shape[1]))
for update in range(1, 51):
    projected = mel_basis @ kl
    ratio = np.divide(clip_mel_amplitude, projected, out=np.zeros_like(projected), where=projected > 0)
    kl *= np.divide(mel_basis.T @ ratio, coverage[:, None], out=np.zeros_like(kl), where=coverage[:, None] > 0)
    if update in (1, 50):
        save(f"clip_mel_kl_inverse_{update}.npy", kl)


def mel_griffin_lim(mel, power, iterations, momentum=0.99, floor=1e-12):
    """Griffin-Lim whose magnitude step matches the mel, in float64: start from 50 Kullback-Leibler updates (the
    loop above) under zero phase; each iteration gives |R|^power of the rebuilt spectrum R one update toward the mel
    (floored at `floor`), takes the 1/power root as the target and librosa's momentum angle update."""
    x = np.outer(coverage > 0, np.ones(mel.shape[1]))
    for _ in range(50):
        ratio = np.divide(mel, mel_basis @ x, out=np.zeros_like(mel), where=mel_basis @ x > 0)
        x *= np.divide(mel_basis.T @ ratio, coverage[:, None], out=np.zeros_like(x), where=coverage[:, None] > 0)
    spectrum = (x ** (1 / power)).astype(np.complex128)
    previous = np.zeros_like(spectrum)
    for _ in range(iterations):
        audio = librosa.istft(spectrum, hop_length=CLIP_HOP, n_fft=CLIP_FFT, length=len(clip))
        rebuilt = librosa.stft(audio, n_fft=CLIP_FFT, hop_length=CLIP_HOP)
        powered = np.maximum(np.abs(rebuilt) ** power, floor)
        projected = mel_basis @ powered
        ratio = np.divide(mel, projected, out=np.zeros_like(projected), where=projected > 0)
        powered *= np.divide(mel_basis.T @ ratio, coverage[:, None], out=np.zeros_like(powered),
                             where=coverage[:, None] > 0)
        angles = rebuilt - momentum / (1 + momentum) * previous
        spectrum = powered ** (1 / power) * angles / (np.abs(angles) + np.finfo(np.float32).tiny)
        previous = rebuilt
    return librosa.istft(spectrum, hop_length=CLIP_HOP, n_fft=CLIP_FFT, length=len(clip))


# Mel-consistent Griffin-Lim of the amplitude mel and of the power mel, 4 iterations from zero phase.
save("clip_mel_griffinlim_amplitude_4.npy", mel_griffin_lim(clip_mel_amplitude, 1, 4))
save("clip_mel_griffinlim_power_4.npy",
     mel_griffin_lim(clip_mel.astype(np.float32).astype(np.float64), 2, 4))


def phase_gradient_heap_integration(magnitude, hop, n_fft, window_length, width_factor=0.25645, tolerance=1e-5):
    """Phase Gradient Heap Integration (Prusa, Balazs & Sondergaard 2017) as AudioDSP documents it, in float64: phase
    steps from the log-magnitude's central differences, integrated from the largest cell through a max-heap (ties to
    the lower row-major index), cells below tolerance * max at phase 0; the result wrapped to [-pi, pi]."""
    import heapq
    bins, frames = magnitude.shape
    m = magnitude.astype(np.float64)
    logs = np.log(np.maximum(m, m.max() * 1e-12))
    gamma = width_factor * window_length ** 2
    centre = (n_fft - window_length) // 2 + window_length / 2
    time_step = hop * n_fft / gamma * np.gradient(logs, axis=0) + 2 * np.pi * hop * np.arange(bins)[:, None] / n_fft
    bin_step = -gamma / (hop * n_fft) * np.gradient(logs, axis=1) - 2 * np.pi * centre / n_fft
    reached = m < m.max() * tolerance
    phase = np.zeros_like(m)
    flat = logs.ravel()
    order = sorted((i for i in range(flat.size) if not reached.flat[i]), key=lambda i: (-flat[i], i))
    for start in order:
        if reached.flat[start]:
            continue
        reached.flat[start] = True
        heap = [(-flat[start], start)]
        while heap:
            _, cell = heapq.heappop(heap)
            b, f = divmod(cell, frames)
            for nb, nf, steps, direction in ((b, f + 1, time_step, 1), (b, f - 1, time_step, -1),
                                             (b + 1, f, bin_step, 1), (b - 1, f, bin_step, -1)):
                if 0 <= nb < bins and 0 <= nf < frames and not reached[nb, nf]:
                    phase[nb, nf] = phase[b, f] + direction * (steps[b, f] + steps[nb, nf]) / 2
                    reached[nb, nf] = True
                    heapq.heappush(heap, (-logs[nb, nf], nb * frames + nf))
    return np.remainder(phase + np.pi, 2 * np.pi) - np.pi


save("clip_pghi_phase.npy", phase_gradient_heap_integration(clip_magnitude, CLIP_HOP, CLIP_FFT, CLIP_FFT))


def spectral_convergence(magnitude, audio):
    rebuilt = np.abs(librosa.stft(audio, n_fft=CLIP_FFT, hop_length=CLIP_HOP))
    return float(np.linalg.norm(rebuilt - magnitude) / np.linalg.norm(magnitude))


# Griffin-Lim, 32 iterations, momentum 0.99, random phase (seeded): spectral convergence per seed.
gl = {}
for seed in range(3):
    audio = librosa.griffinlim(clip_magnitude, n_iter=32, hop_length=CLIP_HOP, n_fft=CLIP_FFT, length=len(clip),
                               random_state=seed)
    gl[str(seed)] = spectral_convergence(clip_magnitude, audio)

with open(os.path.join(OUT, "cases.json"), "w") as f:
    json.dump(dict(stft=stft_cases, mel=mel_cases,
                   clip=dict(file="Resources/Samples/speech_male_us.wav", offset=0.3, duration=0.5, sample_rate=22050,
                             n_fft=CLIP_FFT, hop_length=CLIP_HOP, n_mels=CLIP_MELS),
                   griffinlim_32_spectral_convergence=gl), f, indent=1)
with open(os.path.join(OUT, "versions.json"), "w") as f:
    json.dump(dict(librosa=librosa.__version__, numpy=np.__version__, scipy=scipy.__version__), f, indent=1)
print("wrote", sorted(os.listdir(OUT)))
