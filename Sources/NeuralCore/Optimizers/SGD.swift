/// Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay, exactly as
/// `torch.optim.SGD`.
///
/// For each tensor, with gradient `g` and step `t`:
/// `g ← g + weightDecay·p`; with momentum `μ ≠ 0`: `b ← g` at the first step, else `b ← μ·b + (1 − dampening)·g`,
/// then `g ← g + μ·b` (Nesterov) or `g ← b`; finally `p ← p − learningRate·g`.
public final class SGD: Optimizer {
    /// The step size (`lr`); PyTorch's default is 1e-3.
    public var learningRate: Float
    /// The momentum factor μ (`momentum`), 0 (plain SGD) by default.
    public let momentum: Float
    /// The dampening of new gradients in the momentum buffer (`dampening`), 0 by default.
    public let dampening: Float
    /// L2 penalty added to the gradient (`weight_decay`), 0 by default.
    public let weightDecay: Float
    /// Nesterov momentum (`nesterov`); requires `momentum > 0` and `dampening == 0`.
    public let nesterov: Bool
    private var momentumBuffers: [[Float]] = []

    /// Creates the optimiser.
    ///
    /// - Throws: ``NeuralCoreError/invalidParameter(name:value:reason:)`` for a negative rate, momentum or decay, or
    ///   Nesterov without momentum or with dampening (PyTorch raises `ValueError` for the same).
    public init(learningRate: Float = 1e-3, momentum: Float = 0, dampening: Float = 0, weightDecay: Float = 0,
                nesterov: Bool = false) throws {
        try requireNonNegative(learningRate, "learningRate")
        try requireNonNegative(momentum, "momentum")
        try requireNonNegative(weightDecay, "weightDecay")
        if nesterov && (momentum <= 0 || dampening != 0) {
            throw NeuralCoreError.invalidParameter(
                name: "nesterov", value: "true", reason: "needs momentum > 0 and dampening = 0")
        }
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
    }

    public func step(parameters: inout [Tensor], gradients: [Tensor]) {
        checkStepArguments(parameters, gradients, stateCount: momentumBuffers.count)
        let firstStep = momentumBuffers.isEmpty
        if firstStep && momentum != 0 { momentumBuffers = gradients.map { _ in [] } }
        for index in parameters.indices {
            var p = parameters[index].scalars
            var d = gradients[index].scalars
            if weightDecay != 0 { for i in d.indices { d[i] += weightDecay * p[i] } }
            if momentum != 0 {
                if firstStep {
                    momentumBuffers[index] = d
                } else {
                    let keep = 1 - dampening
                    momentumBuffers[index].withUnsafeMutableBufferPointer { b in
                        for i in d.indices { b[i] = b[i] * momentum + keep * d[i] }
                    }
                }
                let b = momentumBuffers[index]
                if nesterov { for i in d.indices { d[i] += momentum * b[i] } } else { d = b }
            }
            for i in p.indices { p[i] += -learningRate * d[i] }
            parameters[index] = Tensor(shape: parameters[index].shape, scalars: p)
        }
    }
}

/// Throws ``NeuralCoreError/invalidParameter(name:value:reason:)`` unless `value ≥ 0`.
func requireNonNegative(_ value: Float, _ name: String) throws {
    guard value >= 0 else { throw NeuralCoreError.invalidParameter(name: name, value: "\(value)", reason: "must be ≥ 0") }
}
