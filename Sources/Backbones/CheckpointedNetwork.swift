import Foundation
import NeuralCore

/// A trained network's safetensors checkpoint, opened for reading; a file that cannot be read throws
/// ``BackbonesError/invalidCheckpoint(path:problem:)``.
func checkpointFile(_ url: URL) throws -> SafeTensors {
    do {
        return try SafeTensors(contentsOf: url)
    } catch let error as NeuralCoreError {
        throw BackbonesError.invalidCheckpoint(path: url.path, problem: "\(error)")
    }
}

/// A network this package trains and stores as a checkpoint: a safetensors file of its weights (and, from training,
/// Adam's moments) whose metadata holds a JSON ``CheckpointDescription`` under ``metadataKey``, as
/// `NeuralCore.Module.saveCheckpoint(to:description:metadataKey:optimizer:)` writes it.
public protocol CheckpointedNetwork: Module {
    /// What a checkpoint says about its tensors (the configuration, and where training stood).
    associatedtype CheckpointDescription: Decodable
    /// The safetensors metadata key of the description.
    static var metadataKey: String { get }
    /// The resource name of the checkpoint shipped with the package.
    static var bundledCheckpointName: String { get }
    /// Loads a checkpoint, frozen.
    init(contentsOf url: URL) throws
}

extension CheckpointedNetwork {
    /// Reads only the description of a checkpoint.
    ///
    /// - Throws: ``BackbonesError/invalidCheckpoint(path:problem:)`` for an unreadable file, a file without a
    ///   description under ``metadataKey`` (a checkpoint of another network) or an undecodable one.
    public static func checkpointDescription(at url: URL) throws -> CheckpointDescription {
        let file = try checkpointFile(url)
        guard let json = file.metadata[metadataKey] else {
            throw BackbonesError.invalidCheckpoint(
                path: url.path, problem: "no '\(metadataKey)' description: not an \(Self.self) checkpoint")
        }
        do {
            return try JSONDecoder().decode(CheckpointDescription.self, from: Data(json.utf8))
        } catch {
            throw BackbonesError.invalidCheckpoint(path: url.path, problem: "undecodable description: \(error)")
        }
    }

    /// The checkpoint shipped with the package (`Docs/StyleTransfer.md` gives the run that made it).
    ///
    /// - Throws: ``BackbonesError/invalidCheckpoint(path:problem:)`` when the resource is missing.
    public static var bundledCheckpointURL: URL {
        get throws {
            guard let url = Bundle.module.url(forResource: bundledCheckpointName, withExtension: "safetensors") else {
                throw BackbonesError.invalidCheckpoint(
                    path: "\(bundledCheckpointName).safetensors", problem: "not bundled with the package")
            }
            return url
        }
    }

    /// The shipped network (``bundledCheckpointURL``), frozen.
    ///
    /// - Throws: the errors of ``init(contentsOf:)``.
    public static func bundled() throws -> Self { try Self(contentsOf: bundledCheckpointURL) }
}

/// Loads the Adam moments that a checkpoint holds for `network` into `optimizer` (to resume training exactly).
///
/// - Throws: ``BackbonesError/invalidCheckpoint(path:problem:)`` for an unreadable file or missing or misshapen
///   moments.
func loadOptimizerState(of network: Module, from checkpoint: URL, stepCount: Int, into optimizer: Adam) throws {
    do {
        try optimizer.load(state: network.adamState(in: checkpointFile(checkpoint), stepCount: stepCount))
    } catch let error as NeuralCoreError {
        throw BackbonesError.invalidCheckpoint(path: checkpoint.path, problem: "optimiser state: \(error)")
    }
}

/// Loads every tensor of the checkpoint `url` except the optimiser's into `network`, with full verification, and
/// freezes it.
///
/// - Throws: ``BackbonesError/invalidCheckpoint(path:problem:)`` for a missing key, a shape mismatch or a bad file.
func loadCheckpointWeights(into network: Module, from url: URL) throws {
    do {
        try network.load(safetensors: url, ignoringKeysWithPrefixes: [Module.optimizerKeyPrefix])
    } catch let error as NeuralCoreError {
        throw BackbonesError.invalidCheckpoint(path: url.path, problem: "\(error)")
    }
    network.freeze()
}

/// The state of a checkpoint to resume training from, after checking that it was written for `model`.
///
/// - Throws: ``BackbonesError/invalidCheckpoint(path:problem:)`` when its model differs (`difference` says how it may)
///   or it holds no training state.
func trainingStateToResume<Configuration: Equatable, State>(
    at checkpoint: URL, stored: Configuration, training: State?, model: Configuration, difference: String
) throws -> State {
    guard stored == model else {
        throw BackbonesError.invalidCheckpoint(
            path: checkpoint.path, problem: "its model differs from this run's (\(difference))")
    }
    guard let training else {
        throw BackbonesError.invalidCheckpoint(path: checkpoint.path, problem: "no training state to resume from")
    }
    return training
}
