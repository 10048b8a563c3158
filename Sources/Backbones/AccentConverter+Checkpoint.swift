import Foundation
import NeuralCore

extension AccentConverter: CheckpointedNetwork {
    /// The safetensors metadata key of the ``CheckpointDescription`` JSON.
    public static let metadataKey = "accent_converter"
    /// The resource name of the shipped checkpoint, trained by `demo train-accent` on the parallel corpus of
    /// `Scripts/make_backbone_corpus.py --parallel`.
    public static let bundledCheckpointName = "accent-converter"

    /// Loads a checkpoint written by training (or `demo train-accent`), frozen: builds the network its description
    /// specifies and loads every tensor with full verification (optimiser state is skipped).
    ///
    /// - Throws: ``BackbonesError/invalidCheckpoint(path:problem:)`` for a missing, unreadable or truncated file, a
    ///   file without a converter description, an invalid configuration, or tensors that do not match it.
    public convenience init(contentsOf url: URL) throws {
        let description = try Self.checkpointDescription(at: url)
        do {
            try self.init(configuration: description.configuration)
        } catch let error as BackbonesError {
            throw BackbonesError.invalidCheckpoint(path: url.path, problem: "\(error)")
        }
        try loadCheckpointWeights(into: self, from: url)
    }

    /// Writes the weights, the ``CheckpointDescription`` and (when training) Adam's moments
    /// (``NeuralCore/Module/saveCheckpoint(to:description:metadataKey:optimizer:)``).
    ///
    /// - Throws: `NeuralCoreError.writeFailed` when a file cannot be written.
    public func save(to url: URL, training: TrainingState? = nil, optimizer: Adam.State? = nil) throws {
        try saveCheckpoint(
            to: url, description: CheckpointDescription(configuration: configuration, training: training),
            metadataKey: Self.metadataKey, optimizer: optimizer)
    }
}
