/// The value of `f(model)` and its gradient with respect to each trainable parameter of `model`, keyed by
/// state-dict key (`features.0.weight`, …) — the parameter form of ``valueWithGradient(at:of:)``.
///
/// While `f` runs, each trainable parameter is replaced by the tracked copy the tape hands out, so everything the
/// forward pass computes from it is recorded; frozen parameters (``Module/freeze()``) and buffers are left as they
/// are and record nothing, so a frozen backbone costs only its forward pass. The original tensors are put back
/// afterwards (also when `f` throws). `f` must return a scalar. Pass the result to an optimiser's
/// ``Optimizer/update(_:gradients:)``.
public func valueWithGradient<M: Module>(
    of model: M, _ f: (M) throws -> Tensor
) rethrows -> (value: Tensor, gradients: [String: Tensor]) {
    let slots = model.namedSlots().filter { $0.slot.isTrainable }
    let originals = slots.map { $0.slot.tensor! }
    defer { for ((_, slot), original) in zip(slots, originals) { slot.assign(original) } }
    let (value, gradients) = try valueWithGradient(at: originals) { tracked in
        for ((_, slot), copy) in zip(slots, tracked) { slot.assign(copy) }
        return try f(model)
    }
    return (value, Dictionary(uniqueKeysWithValues: zip(slots.map(\.key), gradients)))
}
