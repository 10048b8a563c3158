import Backbones
import NeuralCore

/// The weighted parts of the total loss (what each ``StepReport`` carries).
public struct LossBreakdown: Sendable, Equatable {
    /// α · Σ wₗ · content loss of layer l.
    public var content: Float
    /// β · Σ wₗ · style loss of layer l.
    public var style: Float
    /// γ · total variation.
    public var totalVariation: Float
    /// The sum.
    public var total: Float { content + style + totalVariation }
}

/// One chunk's optimisation problem: its content targets, the style's Gram targets and the loss.
struct ChunkProblem {
    let extractor: any FeatureExtractor
    let configuration: StyleTransferConfiguration
    let contentTargets: [String: Tensor]
    let styleGrams: [String: GramTarget]
    let valueRange: ClosedRange<Float>
    let layers: [String]
    /// Which of the chunk's frames are active in the content (`nil`: every frame counts).
    let activity: ArraySlice<Bool>?

    init(session: StyleTransferSession, content: Tensor, styleGrams: [String: GramTarget], valueRange: ClosedRange<Float>,
         activity: ArraySlice<Bool>?) throws {
        extractor = session.featureExtractor
        configuration = session.configuration
        self.styleGrams = styleGrams
        self.valueRange = valueRange
        self.activity = activity
        let contentNames = configuration.contentLayers.map(\.name)
        layers = Array(Set(contentNames + configuration.styleLayers.map(\.name)))
        contentTargets = contentNames.isEmpty ? [:]
            : try extractor.features(of: extractor.modelInput(from: content, valueRange: valueRange), layers: contentNames)
    }

    /// The loss at `x` `[bins, frames]`, differentiable when called inside `valueWithGradient`.
    func loss(_ x: Tensor) throws -> (total: Tensor, parts: LossBreakdown) {
        let features = try extractor.features(of: extractor.modelInput(from: x, valueRange: valueRange), layers: layers)
        var content = Tensor(0), style = Tensor(0), variation = Tensor(0)
        for layer in configuration.contentLayers where layer.weight > 0 {
            content = content + StyleLosses.contentLoss(features[layer.name]!, target: contentTargets[layer.name]!) * layer.weight
        }
        for layer in configuration.styleLayers where layer.weight > 0 {
            let matrix = extractor.styleMatrix(of: features[layer.name]!, layer: layer.name, over: configuration.gramAxis)
            let weights = activity.map { keptColumnWeights(columnActivity($0, columns: matrix.shape[1])) }
            style = style + StyleLosses.styleLoss(matrix, target: styleGrams[layer.name]!, columnWeights: weights)
                * layer.weight
        }
        if configuration.totalVariationWeight > 0 { variation = StyleLosses.totalVariation(x) }
        content = content * configuration.contentWeight
        style = style * configuration.styleWeight
        variation = variation * configuration.totalVariationWeight
        let parts = LossBreakdown(content: content.item, style: style.item, totalVariation: variation.item)
        return (content + style + variation, parts)
    }

    /// The loss parts at `x` without gradients.
    func losses(at x: Tensor) throws -> LossBreakdown { try loss(x).parts }

    /// Optimises from `initial` for the configured steps; `report(step, losses)` is called after each step's first
    /// loss evaluation. Stops early (keeping the best point so far) when the task is cancelled.
    ///
    /// - Throws: ``StyleTransferError/diverged(step:chunk:)`` (naming `chunk`, counted from 1) for a
    ///   non-finite loss.
    func optimize(
        from initial: Tensor, chunk: Int, report: (Int, LossBreakdown) -> Void
    ) throws -> (best: Tensor, cancelled: Bool) {
        var x = initial
        var best = initial, bestLoss = Float.infinity
        func evaluate(_ point: Tensor, step: Int) throws -> (Float, Tensor, LossBreakdown) {
            var parts = LossBreakdown(content: 0, style: 0, totalVariation: 0)
            let (value, gradient) = try valueWithGradient(at: point) { point in
                let (total, breakdown) = try loss(point)
                parts = breakdown
                return total
            }
            guard value.item.isFinite else { throw StyleTransferError.diverged(step: step, chunk: chunk) }
            if value.item < bestLoss { (best, bestLoss) = (point, value.item) }
            return (value.item, gradient, parts)
        }
        switch configuration.optimizer {
        case let .adam(learningRate):
            let adam = try Adam(learningRate: learningRate)
            for step in 1...configuration.steps {
                if Task.isCancelled { return (best, true) }
                let (_, gradient, parts) = try evaluate(x, step: step)
                report(step, parts)
                adam.step(&x, gradient: gradient)
            }
        case let .lbfgs(historySize, evaluations, strongWolfe):
            let lbfgs = try LBFGS(maxIterations: 1, maxEvaluations: evaluations, historySize: historySize,
                              lineSearch: strongWolfe ? .strongWolfe : .none)
            for step in 1...configuration.steps {
                if Task.isCancelled { return (best, true) }
                var first: LossBreakdown?
                try lbfgs.step(&x) { (point: Tensor) throws(any Error) -> (loss: Float, gradient: Tensor) in
                    let (value, gradient, parts) = try evaluate(point, step: step)
                    if first == nil { first = parts }
                    return (value, gradient)
                }
                report(step, first!)
            }
        }
        let final = try losses(at: x)
        guard final.total.isFinite else { throw StyleTransferError.diverged(step: configuration.steps, chunk: chunk) }
        if final.total < bestLoss { best = x }
        return (best, false)
    }
}
