import Foundation

/// Adam with bias correction, optional L2 weight decay and optional AMSGrad, exactly as `torch.optim.Adam`
/// (Kingma & Ba 2015).
///
/// For each tensor at step `t` (from 1) with gradient `g`: `g ← g + weightDecay·p` (L2, not AdamW's decoupled
/// decay); `m ← m + (1 − β₁)(g − m)`; `v ← β₂·v + (1 − β₂)·g²`; with AMSGrad `v̂ ← max(v̂, v)` and `v̂` replaces `v`
/// below; `p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)` — ε is added after the bias-corrected square
/// root, as PyTorch does.
///
/// The moments and the step count are the optimiser's ``State``: read ``state`` and give it to ``load(state:)`` of a
/// new optimiser (with the same settings) to continue a run exactly, step for step (`state_dict()` /
/// `load_state_dict()` in PyTorch).
public final class Adam: Optimizer {
    /// The step size (`lr`), 1e-3 by default.
    public var learningRate: Float
    /// The decay rates (β₁, β₂) of the first and second moment estimates (`betas`), (0.9, 0.999) by default.
    public let betas: (Float, Float)
    /// Added to the denominator for stability (`eps`), 1e-8 by default.
    public let epsilon: Float
    /// L2 penalty added to the gradient (`weight_decay`), 0 by default.
    public let weightDecay: Float
    /// Use the running maximum of the second moment (`amsgrad`, Reddi et al. 2018), false by default.
    public let amsgrad: Bool
    /// Steps taken so far (PyTorch's `state['step']`).
    public private(set) var stepCount = 0
    private var firstMoments: [Tensor] = []
    private var secondMoments: [Tensor] = []
    private var maximumSecondMoments: [Tensor] = []

    /// What Adam carries from one step to the next, by parameter position (the order of the `parameters` passed to
    /// ``step(parameters:gradients:)``). Before the first step every list is empty and ``stepCount`` is 0.
    public struct State: Sendable {
        /// Steps taken (PyTorch `step`).
        public var stepCount: Int
        /// The first-moment estimate `m` of each parameter, its shape (PyTorch `exp_avg`).
        public var firstMoments: [Tensor]
        /// The second-moment estimate `v` of each parameter (PyTorch `exp_avg_sq`).
        public var secondMoments: [Tensor]
        /// AMSGrad's running maximum of `v` (PyTorch `max_exp_avg_sq`); empty without ``Adam/amsgrad``.
        public var maximumSecondMoments: [Tensor]

        /// Makes a state; ``Adam/load(state:)`` checks it.
        public init(stepCount: Int, firstMoments: [Tensor], secondMoments: [Tensor],
                    maximumSecondMoments: [Tensor] = []) {
            self.stepCount = stepCount
            self.firstMoments = firstMoments
            self.secondMoments = secondMoments
            self.maximumSecondMoments = maximumSecondMoments
        }
    }

    /// The current state (O(1): the moments are shared copy-on-write with the optimiser).
    public var state: State {
        State(stepCount: stepCount, firstMoments: firstMoments, secondMoments: secondMoments,
              maximumSecondMoments: maximumSecondMoments)
    }

    /// Replaces the state with one read from ``state`` (of this or another optimiser), so the next step continues
    /// that run exactly. The next step's parameters must have the moments' count and shapes.
    ///
    /// - Throws: ``NeuralCoreError/invalidParameter(name:value:reason:)`` for a negative step count, moments present
    ///   with a step count of 0 or missing with a positive one, first and second moments of different counts or
    ///   shapes, or AMSGrad maxima that do not match ``amsgrad`` (present without it, missing or misshapen with it).
    public func load(state: State) throws {
        func invalid(_ name: String, _ value: Any, _ reason: String) -> NeuralCoreError {
            .invalidParameter(name: name, value: "\(value)", reason: reason)
        }
        let count = state.firstMoments.count
        guard state.stepCount >= 0 else { throw invalid("state.stepCount", state.stepCount, "must be ≥ 0") }
        guard (state.stepCount == 0) == (count == 0) else {
            throw invalid("state.firstMoments", "\(count) tensors",
                          "moments must be present exactly when stepCount (\(state.stepCount)) is positive")
        }
        let shapes = state.firstMoments.map(\.shape)
        guard state.secondMoments.map(\.shape) == shapes else {
            throw invalid("state.secondMoments", state.secondMoments.map(\.shape), "must have the shapes \(shapes)")
        }
        guard state.maximumSecondMoments.map(\.shape) == (amsgrad ? shapes : []) else {
            throw invalid("state.maximumSecondMoments", state.maximumSecondMoments.map(\.shape),
                          amsgrad ? "must have the shapes \(shapes) (amsgrad)" : "must be empty without amsgrad")
        }
        stepCount = state.stepCount
        firstMoments = state.firstMoments
        secondMoments = state.secondMoments
        maximumSecondMoments = state.maximumSecondMoments
    }

    /// Creates the optimiser.
    ///
    /// - Throws: ``NeuralCoreError/invalidParameter(name:value:reason:)`` for a negative rate, ε or decay, or a β
    ///   outside [0, 1).
    public init(learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999), epsilon: Float = 1e-8,
                weightDecay: Float = 0, amsgrad: Bool = false) throws {
        try requireNonNegative(learningRate, "learningRate")
        try requireNonNegative(epsilon, "epsilon")
        try requireNonNegative(weightDecay, "weightDecay")
        for (name, beta) in [("betas.0", betas.0), ("betas.1", betas.1)] where !(0 ..< 1).contains(beta) {
            throw NeuralCoreError.invalidParameter(name: name, value: "\(beta)", reason: "must be in [0, 1)")
        }
        self.learningRate = learningRate
        self.betas = betas
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.amsgrad = amsgrad
    }

    public func step(parameters: inout [Tensor], gradients: [Tensor]) {
        checkStepArguments(parameters, gradients, stateCount: firstMoments.count)
        precondition(firstMoments.isEmpty || firstMoments.map(\.shape) == parameters.map(\.shape),
                     "Adam: the loaded moments' shapes differ from the parameters'")
        if firstMoments.isEmpty {
            firstMoments = parameters.map { Tensor(zeros: $0.shape) }
            secondMoments = firstMoments
            if amsgrad { maximumSecondMoments = firstMoments }
        }
        stepCount += 1
        let (beta1, beta2) = betas
        // PyTorch computes the bias corrections in double precision and casts the results to the tensor type.
        let stepSize = Float(Double(learningRate) / (1 - pow(Double(beta1), Double(stepCount))))
        let correction2Root = Float((1 - pow(Double(beta2), Double(stepCount))).squareRoot())
        let weight = 1 - beta1
        let (decay, epsilon) = (weightDecay, self.epsilon)
        /// One fused pass over a tensor, eight lanes at a time, with the operations of the formulas above in the same
        /// order; `vMax` is AMSGrad's running maximum, or `nil`.
        func update(_ p: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>,
                    _ vMax: UnsafeMutablePointer<Float>?, _ g: UnsafePointer<Float>, count: Int) {
            NeuralCoreThreads.forEachRange(count, minimumPerThread: elementwiseGrain) { range in
                var i = range.lowerBound
                while i < range.upperBound {
                    let lanes = min(8, range.upperBound - i)
                    var (gi, pi) = (loadLanes(g + i, lanes), loadLanes(p + i, lanes))
                    var (mi, vi) = (loadLanes(m + i, lanes), loadLanes(v + i, lanes))
                    if decay != 0 { gi += decay * pi }
                    // torch.lerp's two-sided formula keeps the result exact at the ends.
                    mi = weight < 0.5 ? mi + weight * (gi - mi) : gi - (gi - mi) * (1 - weight)
                    vi = vi * beta2 + (1 - beta2) * gi * gi
                    var second = vi
                    if let vMax {
                        second = pointwiseMax(loadLanes(vMax + i, lanes), vi)
                        storeLanes(second, vMax + i, lanes)
                    }
                    pi += -stepSize * (mi / (second.squareRoot() / correction2Root + epsilon))
                    storeLanes(pi, p + i, lanes)
                    storeLanes(mi, m + i, lanes)
                    storeLanes(vi, v + i, lanes)
                    i += lanes
                }
            }
        }
        for index in parameters.indices {
            parameters[index].withUnsafeMutableBufferPointer { p in
                firstMoments[index].withUnsafeMutableBufferPointer { m in
                    secondMoments[index].withUnsafeMutableBufferPointer { v in
                        gradients[index].withUnsafeBufferPointer { g in
                            let (p, m, v, g, count) = (p.baseAddress!, m.baseAddress!, v.baseAddress!, g.baseAddress!, g.count)
                            if amsgrad {
                                maximumSecondMoments[index].withUnsafeMutableBufferPointer {
                                    update(p, m, v, $0.baseAddress!, g, count: count)
                                }
                            } else {
                                update(p, m, v, nil, g, count: count)
                            }
                        }
                    }
                }
            }
        }
    }
}
