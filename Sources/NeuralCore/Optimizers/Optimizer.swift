/// A first-order optimiser that updates tensors from their gradients: one method, as in mlx-swift and
/// `torch.optim.Optimizer.step()`.
///
/// The same optimiser works for a module's parameters (``update(_:gradients:)``) and for any list of tensors — for
/// example the input spectrogram that style transfer optimises. Per-tensor state (momentum, moments) is kept by
/// position, so every call must pass the same tensors, in the same order, with the same shapes.
/// ``LBFGS`` needs a closure that re-evaluates the loss, so it has its own `step`.
public protocol Optimizer: AnyObject {
    /// Updates each `parameters[i]` in place from `gradients[i]` (same shape) by one optimiser step.
    func step(parameters: inout [Tensor], gradients: [Tensor])
}

extension Optimizer {
    /// Updates one tensor — e.g. the spectrogram style transfer optimises — from its gradient.
    public func step(_ parameter: inout Tensor, gradient: Tensor) {
        var parameters = [parameter]
        step(parameters: &parameters, gradients: [gradient])
        parameter = parameters[0]
    }

    /// Updates the trainable (not frozen) parameters of `model` that have an entry in `gradients` (keys as from
    /// ``valueWithGradient(of:_:)``), in state-dict order.
    public func update(_ model: Module, gradients: [String: Tensor]) {
        let slots = model.namedSlots().filter { $0.slot.isTrainable && gradients[$0.key] != nil }
        var parameters = slots.map { $0.slot.tensor! }
        step(parameters: &parameters, gradients: slots.map { gradients[$0.key]! })
        for ((_, slot), parameter) in zip(slots, parameters) { slot.assign(parameter) }
    }
}

/// Checks a step's arguments against each other and against the optimiser's state size (0 before the first step).
func checkStepArguments(_ parameters: [Tensor], _ gradients: [Tensor], stateCount: Int) {
    precondition(parameters.count == gradients.count, "\(parameters.count) parameters but \(gradients.count) gradients")
    precondition(stateCount == 0 || stateCount == parameters.count,
                 "the optimiser was stepped with \(stateCount) tensors before, now \(parameters.count)")
    for (parameter, gradient) in zip(parameters, gradients) {
        precondition(parameter.shape == gradient.shape, "gradient shape \(gradient.shape) ≠ parameter shape \(parameter.shape)")
    }
}
