import ArgumentParser
import AudioDSP

/// The `--vocoder` choices of `demo reconstruct` and `demo transfer`.
enum VocoderChoice: String, ExpressibleByArgument, CaseIterable {
    /// Inverse mel + Griffin-Lim phase reconstruction (training-free).
    case griffinLim = "griffinlim"
    /// The WaveNet vocoder: the shipped checkpoint (`WaveNetVocoder.bundled()`) unless `--checkpoint` names another.
    case wavenet
}

/// `--mel-inversion`: how `demo reconstruct` inverts a mel before Griffin-Lim.
enum MelInversionChoice: String, ExpressibleByArgument, CaseIterable {
    /// ``AudioDSP/MelInversion/smooth``, the Kullback–Leibler inverse (the library's default, sounds best).
    case kullbackLeibler = "kullback-leibler"
    /// ``AudioDSP/MelInversion/librosa``, librosa `mel_to_stft`'s non-negative least squares.
    case leastSquares = "least-squares"

    /// The method.
    var method: MelInversion { self == .kullbackLeibler ? .smooth : .librosa }
}
