import Foundation

extension Module {
    /// The name prefix of optimiser tensors in a training checkpoint: Adam's moments of the parameter with state-dict
    /// key `k` are stored as `optimizer.exp_avg.k` and `optimizer.exp_avg_sq.k` (PyTorch's state names), with that
    /// parameter's shape. Model loading skips them with `load(safetensors:ignoringKeysWithPrefixes:)`.
    public static var optimizerKeyPrefix: String { "optimizer." }

    /// The keys of Adam's moments for the trainable parameters, in the order ``Optimizer/update(_:gradients:)`` steps
    /// them (state-dict order, when every parameter has a gradient).
    private var adamKeys: [(first: String, second: String)] {
        trainableParameters.map { parameter in
            (
                "\(Self.optimizerKeyPrefix)exp_avg.\(parameter.key)",
                "\(Self.optimizerKeyPrefix)exp_avg_sq.\(parameter.key)"
            )
        }
    }

    /// Adam's moments of this module's trainable parameters as named tensors, to store beside the weights (the step
    /// count belongs in the checkpoint's description). `state` must come from an optimiser that stepped exactly
    /// these parameters, without AMSGrad.
    public func adamStateTensors(_ state: Adam.State) -> [String: (shape: [Int], scalars: [Float])] {
        let keys = adamKeys
        precondition(
            state.firstMoments.count == keys.count && state.maximumSecondMoments.isEmpty,
            "adamStateTensors: the optimiser state has \(state.firstMoments.count) tensors for \(keys.count) parameters"
        )
        var tensors: [String: (shape: [Int], scalars: [Float])] = [:]
        for (index, key) in keys.enumerated() {
            tensors[key.first] = (state.firstMoments[index].shape, state.firstMoments[index].scalars)
            tensors[key.second] = (state.secondMoments[index].shape, state.secondMoments[index].scalars)
        }
        return tensors
    }

    /// Reads the Adam state that ``adamStateTensors(_:)`` stored in `file` for this module's trainable parameters.
    ///
    /// - Parameters:
    ///   - file: the checkpoint.
    ///   - stepCount: Adam's step count, from the checkpoint's description.
    /// - Throws: ``NeuralCoreError/missingKey(_:)`` for a missing moment,
    ///   ``NeuralCoreError/shapeMismatch(key:expected:actual:)`` for one whose shape differs from its parameter's.
    public func adamState(in file: SafeTensors, stepCount: Int) throws -> Adam.State {
        func moment(_ key: String, of parameter: Tensor) throws -> Tensor {
            guard let shape = file.shape(of: key) else { throw NeuralCoreError.missingKey(key) }
            guard shape == parameter.shape else {
                throw NeuralCoreError.shapeMismatch(key: key, expected: parameter.shape, actual: shape)
            }
            return Tensor(shape: shape, scalars: try file.scalars(named: key))
        }
        var first: [Tensor] = [], second: [Tensor] = []
        for (key, parameter) in zip(adamKeys, trainableParameters.map(\.value)) {
            first.append(try moment(key.first, of: parameter))
            second.append(try moment(key.second, of: parameter))
        }
        return Adam.State(stepCount: stepCount, firstMoments: first, secondMoments: second)
    }
}
