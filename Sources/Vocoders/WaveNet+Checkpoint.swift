import AudioDSP
import Foundation
import NeuralCore

extension WaveNet {
    /// What a checkpoint says about its tensors: the architecture, the front end, and where training stood.
    ///
    /// Stored as JSON in the safetensors metadata (key ``metadataKey``), so one file is a complete model, and
    /// written beside it as `<name>.json` (same content, for people and scripts).
    public struct CheckpointDescription: Sendable, Equatable, Codable {
        /// The architecture of the tensors.
        public var configuration: Configuration
        /// The analysis the model was trained on.
        public var frontEnd: FrontEnd
        /// The training run that wrote the checkpoint, or `nil` for a model saved outside training.
        public var training: TrainingState?

        /// Makes a description.
        public init(configuration: Configuration, frontEnd: FrontEnd, training: TrainingState? = nil) {
            self.configuration = configuration
            self.frontEnd = frontEnd
            self.training = training
        }
    }

    /// Where a training run stood when it wrote a checkpoint.
    public struct TrainingState: Sendable, Equatable, Codable {
        /// Steps completed (the next step to run on resume is `step + 1`).
        public var step: Int
        /// The mean training loss (cross-entropy, nats per sample) over the steps since the previous checkpoint.
        public var loss: Float
        /// Wall-clock seconds of training so far, over all resumed runs.
        public var seconds: Double
        /// The run's settings.
        public var configuration: TrainingConfiguration

        /// Makes a state.
        public init(step: Int, loss: Float, seconds: Double, configuration: TrainingConfiguration) {
            self.step = step
            self.loss = loss
            self.seconds = seconds
            self.configuration = configuration
        }
    }

    /// The safetensors metadata key holding the ``CheckpointDescription`` JSON.
    public static let metadataKey = "wavenet"

    /// Loads a checkpoint written by ``save(to:training:)`` (or by `demo train-wavenet`): builds the network its
    /// description specifies and loads every tensor with full verification.
    ///
    /// - Throws: ``VocodersError/invalidCheckpoint(path:reason:)`` for a missing, unreadable or truncated file, a
    ///   missing or undecodable description, an invalid configuration, or tensors that do not match it (a missing,
    ///   unexpected or wrongly shaped key, named in `reason`).
    public convenience init(contentsOf url: URL) throws {
        let file = try Self.checkpointFile(url)
        let description = try Self.checkpointDescription(of: file, path: url.path)
        do {
            try self.init(configuration: description.configuration, frontEnd: description.frontEnd)
        } catch let error as VocodersError {
            throw VocodersError.invalidCheckpoint(path: url.path, reason: "invalid configuration: \(error)")
        }
        do {
            try load(safetensors: url)
        } catch let error as NeuralCoreError {
            throw VocodersError.invalidCheckpoint(
                path: url.path, reason: "the tensors do not match the configuration: \(error)")
        }
    }

    /// Reads only the description of a checkpoint (to resume training or inspect a file).
    ///
    /// - Throws: ``VocodersError/invalidCheckpoint(path:reason:)`` as ``init(contentsOf:)``.
    public static func checkpointDescription(at url: URL) throws -> CheckpointDescription {
        try checkpointDescription(of: checkpointFile(url), path: url.path)
    }

    /// Writes the weights as an F32 safetensors file with the ``CheckpointDescription`` in its metadata, and the
    /// same description as `<name>.json` beside it; both atomically (temporary file, then rename).
    ///
    /// - Parameters:
    ///   - url: the `.safetensors` file.
    ///   - training: the training state to record, or `nil`.
    /// - Throws: `NeuralCoreError.writeFailed` or `AudioDSPError.writeFailed` when a file cannot be written.
    public func save(to url: URL, training: TrainingState? = nil) throws {
        let description = CheckpointDescription(configuration: configuration, frontEnd: frontEnd, training: training)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let json = try encoder.encode(description)
        try save(safetensors: url, metadata: [Self.metadataKey: String(decoding: json, as: UTF8.self)])
        try writeAtomically(json, to: url.deletingPathExtension().appendingPathExtension("json"))
    }

    private static func checkpointFile(_ url: URL) throws -> SafeTensors {
        do {
            return try SafeTensors(contentsOf: url)
        } catch let error as NeuralCoreError {
            throw VocodersError.invalidCheckpoint(path: url.path, reason: "\(error)")
        }
    }

    private static func checkpointDescription(of file: SafeTensors, path: String) throws -> CheckpointDescription {
        guard let json = file.metadata[metadataKey] else {
            throw VocodersError.invalidCheckpoint(
                path: path, reason: "no '\(metadataKey)' entry in the safetensors metadata (not a WaveNet checkpoint)")
        }
        do {
            return try JSONDecoder().decode(CheckpointDescription.self, from: Data(json.utf8))
        } catch {
            throw VocodersError.invalidCheckpoint(path: path, reason: "undecodable description: \(error)")
        }
    }
}
