/// Evaluates `f` at `x` and returns its value with the gradient of that (scalar) value with respect to `x`
/// (reverse mode; PyTorch `y = f(x); y.backward(); x.grad`).
///
/// `f` receives a tracked copy of `x`: compute everything from that argument. Operations on tensors that do not
/// depend on it (weights, constants) are not recorded. The output must have exactly one scalar. All recorded
/// intermediate values are released before this returns.
///
/// - Returns: `value` (detached from the tape) and `gradient` with the shape of `x`.
public func valueWithGradient(
    at x: Tensor, of f: (Tensor) throws -> Tensor
) rethrows -> (value: Tensor, gradient: Tensor) {
    let (value, gradients) = try valueWithGradient(at: [x]) { xs in try f(xs[0]) }
    return (value, gradients[0])
}

/// Evaluates `f` at several inputs and returns its (scalar) value with the gradient with respect to each input.
///
/// `f` receives tracked copies of `xs`, in order; use those inside the closure (for example, put them into a
/// module's parameters for the duration of the call). Gradients are computed only along paths from those copies.
///
/// - Returns: `value` (detached) and `gradients[i]` with the shape of `xs[i]` (zeros where `f` does not depend on
///   `xs[i]`).
public func valueWithGradient(
    at xs: [Tensor], of f: ([Tensor]) throws -> Tensor
) rethrows -> (value: Tensor, gradients: [Tensor]) {
    let tape = Tape()
    let tracked = xs.map { tape.track($0) }
    let value = try Tape.$current.withValue(tape) { try f(tracked) }
    precondition(value.scalarCount == 1, "valueWithGradient: the output must be a scalar, got shape \(value.shape)")
    let gradients = tape.gradients(of: value, at: tracked)
    return (value.detached, gradients)
}
