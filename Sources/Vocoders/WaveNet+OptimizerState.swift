import Foundation
import NeuralCore

extension WaveNet {
    /// Reads the Adam state a training checkpoint stored for this model's parameters
    /// (``NeuralCore/Module/adamState(in:stepCount:)``).
    ///
    /// - Parameters:
    ///   - url: the checkpoint.
    ///   - stepCount: ``TrainingState/optimizerStepCount`` from its description.
    /// - Throws: ``VocodersError/invalidCheckpoint(path:problem:)`` when the file cannot be read, a moment is missing,
    ///   or its shape differs from its parameter's.
    func optimizerState(at url: URL, stepCount: Int) throws -> Adam.State {
        let file = try Self.checkpointFile(url)
        do {
            return try adamState(in: file, stepCount: stepCount)
        } catch let error as NeuralCoreError {
            throw VocodersError.invalidCheckpoint(path: url.path, problem: .optimizerStateMismatch(error))
        }
    }
}
