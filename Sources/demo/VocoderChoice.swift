import ArgumentParser

/// The `--vocoder` choices of `demo reconstruct` and `demo transfer`.
enum VocoderChoice: String, ExpressibleByArgument, CaseIterable {
    /// Inverse mel + Griffin-Lim phase reconstruction (training-free).
    case griffinLim = "griffinlim"
    /// The WaveNet vocoder: the shipped checkpoint (`WaveNetVocoder.bundled()`) unless `--checkpoint` names another.
    case wavenet
}
