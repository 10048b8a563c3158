/// Spectrogram-to-audio vocoders (Griffin-Lim, WaveNet) behind the `Vocoder` protocol; filled by issue 5.
