import AudioDSP
import Foundation
import NeuralCore

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
    /// A WaveNet checkpoint cannot be used; `problem` says why.
    case invalidCheckpoint(path: String, problem: CheckpointProblem)
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
        case let .invalidCheckpoint(path, problem):
            "unusable WaveNet checkpoint \(path): \(problem)"
        case let .noTrainingAudio(folder, reason):
            "no training audio in \(folder): \(reason)"
        }
    }
}

/// Why a WaveNet checkpoint cannot be used (``VocodersError/invalidCheckpoint(path:problem:)``).
public enum CheckpointProblem: Sendable, Equatable, CustomStringConvertible {
    /// The file is missing, truncated or not a safetensors file (NeuralCore's error says which).
    case unreadable(NeuralCoreError)
    /// The safetensors metadata has no ``WaveNet/metadataKey`` entry: not a WaveNet checkpoint.
    case notAWaveNetCheckpoint
    /// The description in the metadata is not valid JSON for ``WaveNet/CheckpointDescription``.
    case undecodableDescription(String)
    /// The description's configuration is invalid (the model's own error).
    indirect case invalidConfiguration(VocodersError)
    /// The tensors do not match the configuration: a missing, unexpected or wrongly shaped key.
    case tensorsDoNotMatch(NeuralCoreError)
    /// To resume training: the checkpoint holds no optimiser state (saved outside training, or before checkpoints
    /// stored Adam's moments); it still loads for inference.
    case noOptimizerState
    /// To resume training: an optimiser moment is missing or shaped unlike its parameter.
    case optimizerStateMismatch(NeuralCoreError)
    /// The bundled checkpoint is not among the module's resources.
    case notBundled

    public var description: String {
        switch self {
        case let .unreadable(error): "\(error)"
        case .notAWaveNetCheckpoint:
            "no '\(WaveNet.metadataKey)' entry in the safetensors metadata (not a WaveNet checkpoint)"
        case let .undecodableDescription(detail): "undecodable description: \(detail)"
        case let .invalidConfiguration(error): "invalid configuration: \(error)"
        case let .tensorsDoNotMatch(error): "the tensors do not match the configuration: \(error)"
        case .noOptimizerState:
            "it holds no optimiser state (saved outside training, or before checkpoints stored Adam's moments), so "
                + "training cannot resume from it exactly; it still loads for inference"
        case let .optimizerStateMismatch(error): "unusable optimiser state: \(error)"
        case .notBundled: "not found among the Vocoders module's resources"
        }
    }
}

/// Runs `body`, turning AudioDSP's `invalidParameter` into ``VocodersError/invalidParameter(name:value:reason:)``
/// with the same value and reason and the name after `prefix` (e.g. `"melInversion."`); other errors pass through.
func withVocodersParameterErrors<Result>(prefix: String = "", _ body: () throws -> Result) throws -> Result {
    do {
        return try body()
    } catch let AudioDSPError.invalidParameter(name, value, reason) {
        throw VocodersError.invalidParameter(name: prefix + name, value: value, reason: reason)
    }
}
