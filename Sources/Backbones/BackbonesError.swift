import NeuralCore

/// Errors of the Backbones module; each names the problem (the layer, the sizes, the file).
public enum BackbonesError: Error, Equatable, CustomStringConvertible {
    /// A requested layer is not one the backbone can capture.
    case unknownLayer(String, available: [String])
    /// The model input is smaller than the deepest requested layer's receptive field (or the patch size).
    case inputTooSmall(height: Int, width: Int, minimumHeight: Int, minimumWidth: Int)
    /// A model input or spectrogram of the wrong shape, rank or channel count, or non-finite values.
    case invalidInput(String)
    /// A weights file could not be loaded into the model (missing or unexpected key, wrong shape, bad file).
    case weights(path: String, NeuralCoreError)

    public var description: String {
        switch self {
        case let .unknownLayer(name, available):
            "unknown layer '\(name)'; available: \(available.joined(separator: ", "))"
        case let .inputTooSmall(height, width, minimumHeight, minimumWidth):
            "input \(height)×\(width) is smaller than the network's minimum \(minimumHeight)×\(minimumWidth)"
        case let .invalidInput(reason):
            "invalid input: \(reason)"
        case let .weights(path, error):
            "cannot load weights from \(path): \(error)"
        }
    }
}
