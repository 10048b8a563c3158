import ArgumentParser
import AudioDSP
import Vocoders

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

/// `--magnitude-target`: what `demo reconstruct`'s Griffin-Lim holds a mel's magnitude to.
enum MagnitudeTargetChoice: String, ExpressibleByArgument, CaseIterable {
    /// `GriffinLimVocoder.MagnitudeTarget.mel`: every iteration matches the mel (the library's default).
    case mel
    /// `GriffinLimVocoder.MagnitudeTarget.inverseMel`: one fixed inverse mel, as librosa's `mel_to_stft` + `griffinlim`.
    case inverseMel = "inverse-mel"

    /// The target.
    var target: GriffinLimVocoder.MagnitudeTarget { self == .mel ? .mel : .inverseMel }
}
