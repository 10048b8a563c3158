import Foundation

/// The loss and gradients of a batch of `itemCount` items computed data parallel: the items are split into
/// `replicas.count + 1` contiguous shards that run concurrently, one per thread with serial kernels
/// (``NeuralCoreThreads/forEachIndexWithSerialKernels(_:_:)``): shard 0 on `model`, shard `i` on `replicas[i − 1]`
/// after loading `model`'s state dictionary into it. The shards' losses and gradients are averaged, weighted by their
/// item counts, in shard order, so the result depends on the batch and the replica count only, not on timing. (On two
/// cores this runs a training step about twice as fast as splitting every kernel over both threads.)
///
/// - Parameters:
///   - model: the model being trained; its gradients are the result's.
///   - replicas: models of the same architecture (their weights are overwritten), one per further thread; empty
///     for one pass over the whole batch on the calling thread.
///   - itemCount: the batch's items, ≥ 1.
///   - shard: the mean loss of items `range` on a network and its gradients (from ``valueWithGradient(of:_:)``).
/// - Returns: the batch's mean loss and its gradient for every parameter key any shard returned.
/// - Throws: the errors of loading the weights into a replica.
public func dataParallelLossAndGradients<Model: Module>(
    of model: Model, replicas: [Model], itemCount: Int,
    shard: (Range<Int>, Model) -> (loss: Tensor, gradients: [String: Tensor])
) throws -> (loss: Float, gradients: [String: Tensor]) {
    precondition(itemCount >= 1, "dataParallelLossAndGradients: an empty batch")
    let networks = [model] + replicas.prefix(itemCount - 1)
    guard networks.count > 1 else {
        let (loss, gradients) = shard(0..<itemCount, model)
        return (loss.item, gradients)
    }
    let weights = model.stateDict()
    for replica in networks.dropFirst() { try replica.load(stateDict: weights) }
    let ranges = networks.indices.map { (itemCount * $0 / networks.count)..<(itemCount * ($0 + 1) / networks.count) }
    var results = [(loss: Tensor, gradients: [String: Tensor])?](repeating: nil, count: networks.count)
    results.withUnsafeMutableBufferPointer { results in
        let results = results  // each index writes only its own element
        NeuralCoreThreads.forEachIndexWithSerialKernels(networks.count) { index in
            results[index] = shard(ranges[index], networks[index])
        }
    }
    var loss: Float = 0, gradients: [String: Tensor] = [:]
    for (range, result) in zip(ranges, results.map { $0! }) {
        let share = Float(range.count) / Float(itemCount)
        loss += share * result.loss.item
        gradients.merge(result.gradients.mapValues { $0 * share }) { $0 + $1 }
    }
    return (loss, gradients)
}
