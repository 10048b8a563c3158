import ArgumentParser
import AudioDSP

/// The spectrogram analysis shared by the subcommands, as a ``FrontEnd``; the STFT and mel band count default to
/// those of ``FrontEnd/default``, the mel bands reach up to Nyquist.
struct AnalysisOptions: ParsableArguments {
    @Option(help: "Resample the audio to this rate, in Hz (librosa sr).")
    var sampleRate: Int = FrontEnd.default.sampleRate

    @Option(help: "FFT length in samples (librosa n_fft).")
    var fftSize: Int = FrontEnd.default.fftSize

    @Option(help: "Samples between frames (librosa hop_length); at most the FFT size.")
    var hopLength: Int = FrontEnd.default.hopLength

    @Option(help: "Number of mel bands (librosa n_mels).")
    var mels: Int = FrontEnd.default.rowCount  // a mel front end's rows are its bands

    @Option(help: "Highest mel frequency in Hz (librosa fmax); default: half the sample rate.")
    var fmax: Float?

    /// The front end these options describe, with decibel values (librosa's defaults, `ref=1.0`, `top_db=80`): the
    /// power mel spectrogram (`power_to_db(melspectrogram(y, sr, n_fft, hop_length, n_mels, fmax))`), or with
    /// `linear` the STFT amplitude (`amplitude_to_db(np.abs(stft(y, n_fft, hop_length)))`). Hann window of
    /// `fftSize`, centred with zero padding.
    ///
    /// - Throws: `AudioDSPError.invalidParameter` for an FFT size < 2, a hop longer than the window, fmax above
    ///   Nyquist, …
    func frontEnd(linear: Bool = false) throws -> FrontEnd {
        let power: Float = linear ? 1 : 2
        let axis: FrontEnd.FrequencyAxis =
            linear ? .linear : .mel(.init(count: mels, maximumFrequency: fmax ?? Float(sampleRate) / 2))
        return try FrontEnd(sampleRate: sampleRate, fftSize: fftSize, hopLength: hopLength, magnitudePower: power,
                            frequencyAxis: axis, valueScale: .defaultDecibels(magnitudePower: power))
    }
}
