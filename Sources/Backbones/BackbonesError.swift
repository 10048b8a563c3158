import NeuralCore

/// Errors of the Backbones module; each names the problem (the layer, the sizes, the file).
public enum BackbonesError: Error, Equatable, CustomStringConvertible {
    /// A requested layer is not one the backbone can capture.
    case unknownLayer(String, available: [String])
    /// The model input is smaller than the deepest requested layer's receptive field (or the patch size).
    case inputTooSmall(height: Int, width: Int, minimumHeight: Int, minimumWidth: Int)
    /// ``FeatureExtractor/features(of:layers:)`` was asked for no layer at all.
    case noLayersRequested
    /// A model input that is not `[N, C, H, W]` (`shape` is the one given).
    case inputNotFourDimensional(shape: [Int])
    /// A model input `[N, C, H, W]` whose channel count `C` is not the network's.
    case inputChannels(expected: Int, shape: [Int])
    /// A spectrogram whose row count is not the one of the front end the network was trained on (an
    /// ``AudioBackbone`` reads exactly its front end's rows).
    case inputRows(expected: Int, shape: [Int])
    /// A configuration value out of range (an ``AudioBackbone/Configuration`` or training setting).
    case invalidConfiguration(name: String, value: String, reason: String)
    /// An ``AudioBackbone`` or ``AccentConverter`` checkpoint that cannot be used: unreadable, not a backbone checkpoint, an undecodable or
    /// invalid description, tensors that do not match it, or no optimiser state to resume from.
    case invalidCheckpoint(path: String, problem: String)
    /// A training corpus that cannot be used: a missing or undecodable manifest, an unknown label, no clip of a split.
    case invalidCorpus(path: String, problem: String)
    /// A clip that cannot be converted (``AccentConverter``): `problem` says why (silent, non-finite samples).
    case invalidClip(problem: String)
    /// A weights file could not be loaded into the model (missing or unexpected key, wrong shape, bad file).
    case weights(path: String, NeuralCoreError)
    /// A weights file shares no tensor name with the model: it belongs to another network (`model` is the one being
    /// loaded, e.g. `VGG19`; `expectedKey` one key it needs, `foundKey` one key the file has, nil for an empty file).
    case wrongModel(path: String, model: String, expectedKey: String, foundKey: String?)

    public var description: String {
        switch self {
        case let .unknownLayer(name, available):
            "unknown layer '\(name)'; available: \(available.joined(separator: ", "))"
        case let .inputTooSmall(height, width, minimumHeight, minimumWidth):
            "input \(height)×\(width) is smaller than the network's minimum \(minimumHeight)×\(minimumWidth)"
        case .noLayersRequested:
            "no layers requested"
        case let .inputNotFourDimensional(shape):
            "model input must be [N, C, H, W], got \(shape)"
        case let .inputChannels(expected, shape):
            "expected \(expected) input channel(s), got \(shape[1]) (shape \(shape))"
        case let .inputRows(expected, shape):
            "expected a spectrogram of \(expected) rows, got shape \(shape)"
        case let .invalidConfiguration(name, value, reason):
            "invalid \(name) \(value): \(reason)"
        case let .invalidCheckpoint(path, problem):
            "unusable backbone checkpoint \(path): \(problem)"
        case let .invalidCorpus(path, problem):
            "unusable training corpus \(path): \(problem)"
        case let .invalidClip(problem):
            "cannot convert the clip: \(problem)"
        case let .weights(path, error):
            "cannot load weights from \(path): \(error)"
        case let .wrongModel(path, model, expectedKey, foundKey):
            "\(path) does not hold \(model) weights: it has no '\(expectedKey)'"
                + (foundKey.map { " (it has '\($0)', …)" } ?? " (it holds no tensors)")
        }
    }
}
