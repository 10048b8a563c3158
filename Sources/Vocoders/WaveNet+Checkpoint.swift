import AudioDSP
import Foundation
import NeuralCore

extension WaveNet {
    /// What a checkpoint says about its tensors: the architecture, the front end, and where training stood.
    ///
    /// Stored as JSON in the safetensors metadata (key ``metadataKey``), so one file is a complete model, and
    /// written beside it as `<name>.json` (same content, for people and scripts). A checkpoint written by training
    /// also holds Adam's moments (tensors under ``optimizerKeyPrefix``, see ``TrainingState/optimizerStepCount``),
    /// which inference ignores.
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
        /// Adam's step count when the file holds Adam's moments, so that training resumes exactly; `nil` when it
        /// holds none (checkpoints written before the moments were stored): such a file loads for inference, but
        /// ``WaveNet/train(on:configuration:checkpoint:resume:timeLimit:progress:)`` refuses to resume from it.
        public var optimizerStepCount: Int?

        /// Makes a state.
        public init(step: Int, loss: Float, seconds: Double, configuration: TrainingConfiguration,
                    optimizerStepCount: Int? = nil) {
            self.step = step
            self.loss = loss
            self.seconds = seconds
            self.configuration = configuration
            self.optimizerStepCount = optimizerStepCount
        }
    }

    /// The safetensors metadata key holding the ``CheckpointDescription`` JSON.
    public static let metadataKey = "wavenet"

    /// Loads a checkpoint written by ``save(to:training:)`` (or by `demo train-wavenet`): builds the network its
    /// description specifies and loads every tensor with full verification (optimiser state, if any, is skipped).
    ///
    /// - Throws: ``VocodersError/invalidCheckpoint(path:problem:)`` for a missing, unreadable or truncated file, a
    ///   missing or undecodable description, an invalid configuration, or tensors that do not match it (a missing,
    ///   unexpected or wrongly shaped key, named in the problem's NeuralCore error).
    public convenience init(contentsOf url: URL) throws {
        let file = try Self.checkpointFile(url)
        let description = try Self.checkpointDescription(of: file, path: url.path)
        do {
            try self.init(configuration: description.configuration, frontEnd: description.frontEnd)
        } catch let error as VocodersError {
            throw VocodersError.invalidCheckpoint(path: url.path, problem: .invalidConfiguration(error))
        }
        do {
            try load(safetensors: url, ignoringKeysWithPrefixes: [Self.optimizerKeyPrefix])
        } catch let error as NeuralCoreError {
            throw VocodersError.invalidCheckpoint(path: url.path, problem: .tensorsDoNotMatch(error))
        }
    }

    /// Reads only the description of a checkpoint (to resume training or inspect a file).
    ///
    /// - Throws: ``VocodersError/invalidCheckpoint(path:problem:)`` as ``init(contentsOf:)``.
    public static func checkpointDescription(at url: URL) throws -> CheckpointDescription {
        try checkpointDescription(of: checkpointFile(url), path: url.path)
    }

    /// Writes the weights as an F32 safetensors file with the ``CheckpointDescription`` in its metadata, and the
    /// same description as `<name>.json` beside it; both atomically (temporary file, then rename).
    ///
    /// - Parameters:
    ///   - url: the `.safetensors` file.
    ///   - training: the training state to record, or `nil`.
    /// - Throws: `NeuralCoreError.writeFailed` when a file cannot be written.
    public func save(to url: URL, training: TrainingState? = nil) throws {
        try save(to: url, training: training, optimizer: nil)
    }

    /// ``save(to:training:)`` with Adam's state beside the weights (``NeuralCore/Module/adamStateTensors(_:)``), in the same file, so
    /// weights and moments are replaced together.
    func save(to url: URL, training: TrainingState?, optimizer: Adam.State?) throws {
        try saveCheckpoint(
            to: url, description: CheckpointDescription(configuration: configuration, frontEnd: frontEnd, training: training),
            metadataKey: Self.metadataKey, optimizer: optimizer)
    }

    static func checkpointFile(_ url: URL) throws -> SafeTensors {
        do {
            return try SafeTensors(contentsOf: url)
        } catch let error as NeuralCoreError {
            throw VocodersError.invalidCheckpoint(path: url.path, problem: .unreadable(error))
        }
    }

    private static func checkpointDescription(of file: SafeTensors, path: String) throws -> CheckpointDescription {
        guard let json = file.metadata[metadataKey] else {
            throw VocodersError.invalidCheckpoint(path: path, problem: .notAWaveNetCheckpoint)
        }
        do {
            return try JSONDecoder().decode(CheckpointDescription.self, from: Data(json.utf8))
        } catch {
            throw VocodersError.invalidCheckpoint(path: path, problem: .undecodableDescription("\(error)"))
        }
    }
}
