import AudioDSP
import Foundation

/// Every error thrown by the Vocoders module: each case names the problem and the input it came from.
///
/// Errors from the AudioDSP operations a vocoder runs (an empty or non-finite spectrogram, for example) propagate
/// unchanged as `AudioDSPError`, among them `AudioDSPError.frontEndMismatch(field:expected:actual:)` for features
/// of another ``AudioDSP/FrontEnd``. The `demo` CLI prints `description` as one line and exits non-zero.
public enum VocodersError: Error, Equatable, CustomStringConvertible {
    /// A parameter is outside its valid range (`name` is the Swift label, e.g. `iterations`).
    case invalidParameter(name: String, value: String, reason: String)
    /// An input cannot be processed: multi-channel audio where mono is required, waveforms at different sample
    /// rates, a front end of the wrong kind.
    case invalidInput(what: String, reason: String)
    /// Sample `index` of a µ-law encoder's input, `value`, is outside `[−1, 1]` or NaN.
    case sampleOutOfRange(index: Int, value: Float)
    /// Class `index` of a µ-law decoder's input, `value`, is outside `0 ... maximum` (µ).
    case classOutOfRange(index: Int, value: Int, maximum: Int)
    /// A WaveNet checkpoint cannot be used: unreadable or truncated, no configuration in its metadata, tensors
    /// that do not match its configuration (`reason` names the key or field), or — to resume training — no or
    /// mismatched optimiser state.
    case invalidCheckpoint(path: String, reason: String)
    /// A training folder holds no audio file the trainer can use (`.wav`, `.flac`, `.ogg`, `.aiff`), or none
    /// long enough for one training crop.
    case noTrainingAudio(folder: String, reason: String)

    /// One readable line naming the problem, for the CLI.
    public var description: String {
        switch self {
        case let .invalidParameter(name, value, reason):
            "invalid \(name) = \(value): \(reason)"
        case let .invalidInput(what, reason):
            "invalid \(what): \(reason)"
        case let .sampleOutOfRange(index, value):
            "invalid sample \(index): \(value) is outside [-1, 1]"
        case let .classOutOfRange(index, value, maximum):
            "invalid class \(index): \(value) is outside 0...\(maximum)"
        case let .invalidCheckpoint(path, reason):
            "unusable WaveNet checkpoint \(path): \(reason)"
        case let .noTrainingAudio(folder, reason):
            "no training audio in \(folder): \(reason)"
        }
    }
}

/// Runs `body`, turning AudioDSP's `invalidParameter` into ``VocodersError/invalidParameter(name:value:reason:)``
/// with the same name, value and reason (other errors pass through).
func withVocodersParameterErrors<Result>(_ body: () throws -> Result) throws -> Result {
    do {
        return try body()
    } catch let AudioDSPError.invalidParameter(name, value, reason) {
        throw VocodersError.invalidParameter(name: name, value: value, reason: reason)
    }
}
