import ArgumentParser
import AudioDSP

/// The spectrogram front end shared by the subcommands; defaults are ``SpectrogramImageParameters/standard``.
struct AnalysisOptions: ParsableArguments {
    private static let standard = SpectrogramImageParameters.standard
    private static var standardMelBandCount: Int {
        if case .mel(let bandCount, _, _, _, _) = standard.frequencyScale { return bandCount }
        preconditionFailure("the standard front end is a mel spectrogram")
    }

    @Option(help: "Resample the audio to this rate, in Hz (librosa sr).")
    var sampleRate: Int = Self.standard.sampleRate

    @Option(help: "FFT length in samples (librosa n_fft).")
    var fftSize: Int = Self.standard.fftSize

    @Option(help: "Samples between frames (librosa hop_length); at most the FFT size.")
    var hopLength: Int = Self.standard.hopLength

    @Option(help: "Number of mel bands (librosa n_mels).")
    var mels: Int = Self.standardMelBandCount

    @Option(help: "Highest mel frequency in Hz (librosa fmax); default: half the sample rate.")
    var fmax: Float?

    /// The STFT these options describe (throws for an FFT size < 2, a hop longer than the window, …).
    func transform() throws -> ShortTimeFourierTransform {
        try ShortTimeFourierTransform(fftSize: fftSize, hopLength: hopLength)
    }

    /// The mel filterbank these options describe (throws for fmax above Nyquist, …).
    func filterbank() throws -> MelFilterbank {
        try MelFilterbank(sampleRate: sampleRate, fftSize: fftSize, melBandCount: mels, maximumFrequency: fmax)
    }
}
