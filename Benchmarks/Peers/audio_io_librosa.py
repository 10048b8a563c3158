"""Peer side of AudioIOBenchmarks: one timed file operation through librosa 0.11 / soundfile, printed as JSON.

    audio_io_librosa.py OPERATION CLIP OUTPUT_FOLDER

OPERATION is load (librosa.load(sr=None)), load16k_soxr_hq (librosa.load(sr=16000), its default soxr_hq),
load16k_fft (librosa.load(sr=16000, res_type='fft'), i.e. scipy.signal.resample), write_wav16 or write_flac
(soundfile.write of the clip's samples, PCM_16). Only the call itself is timed (time.perf_counter), after one
untimed warm-up call, so interpreter start-up and imports are excluded.
"""
import json
import os
import sys
import time

import librosa
import soundfile as sf

operation, clip, folder = sys.argv[1:4]
y, sr = librosa.load(clip, sr=None)
calls = {
    "load": lambda: librosa.load(clip, sr=None),
    "load16k_soxr_hq": lambda: librosa.load(clip, sr=16000),
    "load16k_fft": lambda: librosa.load(clip, sr=16000, res_type="fft"),
    "write_wav16": lambda: sf.write(os.path.join(folder, "peer.wav"), y, sr, subtype="PCM_16"),
    "write_flac": lambda: sf.write(os.path.join(folder, "peer.flac"), y, sr, subtype="PCM_16"),
}
calls[operation]()
start = time.perf_counter()
calls[operation]()
print(json.dumps({"seconds": time.perf_counter() - start}))
