import Foundation
import NeuralCore

extension WaveNet {
    /// The name prefix of the optimiser tensors in a training checkpoint: Adam's moments of the parameter with
    /// state-dict key `k` are stored as `optimizer.exp_avg.k` and `optimizer.exp_avg_sq.k` (PyTorch's state names),
    /// with that parameter's shape. Model loading skips every tensor under this prefix.
    public static let optimizerKeyPrefix = "optimizer."

    /// The keys of Adam's state for the trainable parameters, in the order ``Optimizer/update(_:gradients:)`` steps
    /// them (state-dict order; training computes a gradient for every parameter).
    private var optimizerKeys: [(first: String, second: String)] {
        trainableParameters.map { parameter in
            ("\(Self.optimizerKeyPrefix)exp_avg.\(parameter.key)", "\(Self.optimizerKeyPrefix)exp_avg_sq.\(parameter.key)")
        }
    }

    /// Adam's moments as named tensors for the checkpoint file (the step count goes in the description).
    func optimizerTensors(_ state: Adam.State) -> [String: (shape: [Int], scalars: [Float])] {
        let keys = optimizerKeys
        precondition(state.firstMoments.count == keys.count && state.maximumSecondMoments.isEmpty,
                     "WaveNet: the optimiser state has \(state.firstMoments.count) tensors for \(keys.count) parameters")
        var tensors: [String: (shape: [Int], scalars: [Float])] = [:]
        for (index, key) in keys.enumerated() {
            tensors[key.first] = (state.firstMoments[index].shape, state.firstMoments[index].scalars)
            tensors[key.second] = (state.secondMoments[index].shape, state.secondMoments[index].scalars)
        }
        return tensors
    }

    /// Reads the Adam state a training checkpoint stored for this model's parameters.
    ///
    /// - Parameters:
    ///   - url: the checkpoint.
    ///   - stepCount: ``TrainingState/optimizerStepCount`` from its description.
    /// - Throws: ``VocodersError/invalidCheckpoint(path:problem:)`` when the file cannot be read, a moment is missing,
    ///   or its shape differs from its parameter's.
    func optimizerState(at url: URL, stepCount: Int) throws -> Adam.State {
        let file = try Self.checkpointFile(url)
        let parameters = trainableParameters
        func moment(_ key: String, of parameter: Tensor) throws -> Tensor {
            guard let shape = file.shape(of: key) else {
                throw VocodersError.invalidCheckpoint(path: url.path, problem: .optimizerStateMismatch(.missingKey(key)))
            }
            guard shape == parameter.shape else {
                throw VocodersError.invalidCheckpoint(path: url.path, problem: .optimizerStateMismatch(
                    .shapeMismatch(key: key, expected: parameter.shape, actual: shape)))
            }
            return Tensor(shape: shape, scalars: try file.scalars(named: key))
        }
        var first: [Tensor] = [], second: [Tensor] = []
        for (key, parameter) in zip(optimizerKeys, parameters.map(\.value)) {
            first.append(try moment(key.first, of: parameter))
            second.append(try moment(key.second, of: parameter))
        }
        return Adam.State(stepCount: stepCount, firstMoments: first, secondMoments: second)
    }
}
