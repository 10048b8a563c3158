import ArgumentParser

/// The `--vocoder` choices of the commands that turn spectrograms into audio.
enum VocoderChoice: String, ExpressibleByArgument, CaseIterable {
    /// Inverse mel + Griffin-Lim phase reconstruction (training-free).
    case griffinLim = "griffin-lim"
    /// The WaveNet vocoder: the shipped checkpoint (`WaveNetVocoder.bundled()`) unless `--checkpoint` names another.
    case wavenet
}
