#!/usr/bin/env python3
"""Makes the AudioDSP file-I/O fixtures in Tests/Fixtures/audio_io/ (run from the package root with the venv's python).

    /work/venv/bin/python Tests/Fixtures/make_audio_io_fixtures.py

Every file is small and deterministic. Versions used are written to audio_io/versions.json.
- formats_stereo.{flac,aiff,ogg,mp3}: 0.25 s at 8 kHz, left 440 Hz at 0.5, right 660 Hz at 0.25, written by soundfile.
  formats_stereo_<ext>.npy: what soundfile decodes from it, float32 [channels, frames];
  formats_stereo_<ext>_mono.npy: librosa.load(path, sr=None) (mean of channels).
- sine_44100.wav: 0.25 s of 1 kHz at amplitude 0.5, 32-bit float.
  sine_44100_to_22050_soxr_hq.npy: librosa.resample(res_type='soxr_hq') to 22.05 kHz (librosa's default resampler).
  sine_44100_to_22050_fft.npy: the same with res_type='fft' (11025 → 5513 samples: odd lengths).
- speech_22050_to_16000_fft.npy: the first 22050 samples of Resources/Samples/speech_female_us.wav resampled to 16 kHz
  with res_type='fft' (even lengths, downsampling: scipy doubles the Nyquist bin);
  speech_22050_to_48000_fft.npy: its first 11024 samples to 48 kHz (even input, upsampling: the Nyquist bin halved).
- speech_female_us_mel.npy: librosa.feature.melspectrogram of Resources/Samples/speech_female_us.wav after
  librosa.load(sr=22050) (already at that rate: no resampling), n_fft=1024, hop_length=256, n_mels=80, power=2,
  librosa's other defaults (hann, center=True, pad_mode='constant', slaney mel + norm), float32 [80, frames].
- speech_female_us_linear.npy: abs(librosa.stft(y, n_fft=1024, hop_length=256)), float32 [513, frames], first 16 frames.
"""
import json
import os
import sys

import librosa
import numpy as np
import scipy
import soundfile as sf
import soxr

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "audio_io")
os.makedirs(OUT, exist_ok=True)


def path(name):
    return os.path.join(OUT, name)


def save(name, array):
    np.save(path(name), np.ascontiguousarray(array, dtype=np.float32))


# Multichannel files in every container libsndfile reads.
rate = 8000
t = np.arange(rate // 4) / rate
stereo = np.stack([0.5 * np.sin(2 * np.pi * 440 * t), 0.25 * np.sin(2 * np.pi * 660 * t)], axis=1).astype(np.float32)
for ext, fmt, subtype in [("flac", "FLAC", "PCM_16"), ("aiff", "AIFF", "PCM_16"), ("ogg", "OGG", "VORBIS"),
                          ("mp3", "MP3", "MPEG_LAYER_III")]:
    name = f"formats_stereo.{ext}"
    sf.write(path(name), stereo, rate, format=fmt, subtype=subtype)
    decoded, _ = sf.read(path(name), dtype="float32", always_2d=True)
    save(f"formats_stereo_{ext}.npy", decoded.T)
    mono, _ = librosa.load(path(name), sr=None)
    save(f"formats_stereo_{ext}_mono.npy", mono)

# Resampling reference.
rate = 44100
t = np.arange(rate // 4) / rate
sine = (0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
sf.write(path("sine_44100.wav"), sine, rate, subtype="FLOAT")
save("sine_44100_to_22050_soxr_hq.npy", librosa.resample(sine, orig_sr=rate, target_sr=22050, res_type="soxr_hq"))

save("sine_44100_to_22050_fft.npy", librosa.resample(sine, orig_sr=rate, target_sr=22050, res_type="fft"))

# A bundled clip through librosa's mel spectrogram.
y, sr = librosa.load(os.path.join(ROOT, "Resources", "Samples", "speech_female_us.wav"), sr=22050)
save("speech_22050_to_16000_fft.npy", librosa.resample(y[:22050], orig_sr=sr, target_sr=16000, res_type="fft"))
save("speech_22050_to_48000_fft.npy", librosa.resample(y[:11024], orig_sr=sr, target_sr=48000, res_type="fft"))
save("speech_female_us_mel.npy",
     librosa.feature.melspectrogram(y=y, sr=sr, n_fft=1024, hop_length=256, n_mels=80, power=2.0))
save("speech_female_us_linear.npy", np.abs(librosa.stft(y, n_fft=1024, hop_length=256))[:, :16])

versions = {
    "python": sys.version.split()[0], "librosa": librosa.__version__, "numpy": np.__version__,
    "scipy": scipy.__version__, "soundfile": sf.__version__, "libsndfile": sf.__libsndfile_version__,
    "soxr": soxr.__version__,
}
with open(path("versions.json"), "w") as f:
    json.dump(versions, f, indent=2, sort_keys=True)
    f.write("\n")
print(json.dumps(versions))
