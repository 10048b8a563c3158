import Foundation
import NeuralCore

extension AudioBackbone: CheckpointedNetwork {
    /// What a checkpoint says about its tensors: the configuration (architecture, front end, labels) and, for a
    /// checkpoint written by training, where training stood. Stored as JSON in the safetensors metadata (key
    /// ``metadataKey``) and beside the file as `<name>.json`.
    public struct CheckpointDescription: Sendable, Equatable, Codable {
        /// The network the tensors belong to.
        public var configuration: Configuration
        /// The training run that wrote the checkpoint, or `nil`.
        public var training: TrainingState?

        /// Makes a description.
        public init(configuration: Configuration, training: TrainingState? = nil) {
            self.configuration = configuration
            self.training = training
        }
    }

    /// The safetensors metadata key of the ``CheckpointDescription`` JSON.
    public static let metadataKey = "audio_backbone"
    /// The resource name of the shipped checkpoint, trained by `demo train-backbone` on the corpus of
    /// `Scripts/make_backbone_corpus.py` (espeak-ng accents and variants, festival voices, fluidsynth instruments),
    /// for ``Configuration/decibelMagnitude``.
    public static let bundledCheckpointName = "audio-backbone"

    /// Loads a checkpoint written by ``save(to:training:)`` (or `demo train-backbone`), frozen for use as a backbone:
    /// builds the network its description specifies and loads every tensor with full verification (optimiser state
    /// is skipped).
    ///
    /// - Throws: ``BackbonesError/invalidCheckpoint(path:problem:)`` for a missing, unreadable or truncated file, a
    ///   file without a backbone description, an invalid configuration, or tensors that do not match it.
    public convenience init(contentsOf url: URL) throws {
        let description = try Self.checkpointDescription(at: url)
        do {
            try self.init(configuration: description.configuration)
        } catch let error as BackbonesError {
            throw BackbonesError.invalidCheckpoint(path: url.path, problem: "\(error)")
        }
        try loadCheckpointWeights(into: self, from: url)
    }

    /// Writes the weights and the ``CheckpointDescription``
    /// (``NeuralCore/Module/saveCheckpoint(to:description:metadataKey:optimizer:)``).
    ///
    /// - Parameters:
    ///   - url: the `.safetensors` file.
    ///   - training: the training state to record, or `nil`.
    /// - Throws: `NeuralCoreError.writeFailed` when a file cannot be written.
    public func save(to url: URL, training: TrainingState? = nil) throws {
        try save(to: url, training: training, optimizer: nil)
    }

    /// ``save(to:training:)`` with Adam's moments in the same file.
    func save(to url: URL, training: TrainingState?, optimizer: Adam.State?) throws {
        try saveCheckpoint(
            to: url, description: CheckpointDescription(configuration: configuration, training: training),
            metadataKey: Self.metadataKey, optimizer: optimizer)
    }
}
