import Foundation
import NeuralCore

extension Module {
    /// Loads a safetensors file with PyTorch `state_dict` keys into this backbone with NeuralCore's strict
    /// verification (every key present, no other key, equal shapes; `num_batches_tracked` ignored), then freezes it.
    ///
    /// - Parameter model: the backbone's name for error messages (`VGG19`, `ResNet50`, …).
    /// - Throws: ``BackbonesError/wrongModel(path:model:expectedKey:foundKey:)`` when the file shares no key with the
    ///   model (another network's weights), ``BackbonesError/weights(path:_:)`` for a missing, truncated or invalid
    ///   file, a missing or unexpected key, or a wrong shape.
    func loadBackboneWeights(from url: URL, model: String) throws {
        do {
            let file = try SafeTensors(contentsOf: url)
            let keys = stateDictShapes.map(\.key)
            let names = Set(file.tensorNames)
            if let first = keys.first, !keys.contains(where: names.contains) {
                throw BackbonesError.wrongModel(path: url.path, model: model, expectedKey: first,
                                                foundKey: file.tensorNames.first)
            }
            try load(safetensors: url)
        } catch let error as NeuralCoreError {
            throw BackbonesError.weights(path: url.path, error)
        }
        freeze()
    }
}

/// A torchvision image CNN (``VGG19``, ``ResNet50``) that starts from seeded random weights or from a torchvision
/// `state_dict()` saved as safetensors (e.g. by `Scripts/convert_torchvision_weights.py`).
public protocol TorchvisionImageBackbone: Module, FeatureExtractor {
    /// The network's name in error messages (`VGG19`, `ResNet50`).
    static var modelName: String { get }

    /// The network with torchvision's initialisation drawn from `seed`, frozen.
    init(seed: UInt64, spectrogramInput: SpectrogramInput)
}

extension TorchvisionImageBackbone {
    /// Loads torchvision weights (`vgg19().state_dict()` / `resnet50().state_dict()` saved as safetensors) with full
    /// verification. Frozen.
    ///
    /// - Parameter spectrogramInput: how spectrograms become the network's input; ImageNet-normalised images by
    ///   default.
    /// - Throws: ``BackbonesError/wrongModel(path:model:expectedKey:foundKey:)`` for another network's file,
    ///   ``BackbonesError/weights(path:_:)`` for a missing, truncated or invalid file, a missing or unexpected key or
    ///   a wrong shape.
    public init(weightsAt url: URL, spectrogramInput: SpectrogramInput = .image(.imageNet)) throws {
        self.init(seed: 0, spectrogramInput: spectrogramInput)
        try loadBackboneWeights(from: url, model: Self.modelName)
    }
}
