/// Limited-memory BFGS, exactly as `torch.optim.LBFGS`: the optimiser of the style-transfer literature (Gatys;
/// Ulyanov & Lebedev).
///
/// One ``step(parameters:closure:)`` runs up to ``maxIterations`` quasi-Newton iterations on all tensors as one
/// flattened vector, calling `closure` to re-evaluate the loss and gradient (at most ``maxEvaluations`` times, plus
/// line-search evaluations counted the same way as PyTorch). The direction comes from the two-loop recursion over the
/// last ``historySize`` curvature pairs `(s, y)` (pairs with `yᵀs ≤ 1e-10` are skipped) scaled by
/// `H₀ = yᵀs / yᵀy`; the first iteration ever steps `min(1, 1/‖g‖₁)·lr` along `−g`. Without a line search the
/// step is ``learningRate``; with ``LineSearch/strongWolfe`` it is chosen by PyTorch's bracketing and zoom search
/// with safeguarded cubic interpolation (c₁ = 1e-4, c₂ = 0.9, at most the step's remaining evaluations). Iterations stop early when
/// `max|g| ≤ toleranceGrad`, when `gᵀd > −toleranceChange`, when `max|t·d| ≤ toleranceChange` or when the loss
/// changes by less than `toleranceChange`. The history persists across calls to `step`, as in PyTorch.
///
/// Vectors, slopes and line-search step lengths are `Float` (PyTorch's float32 tensors); losses are `Double`
/// (PyTorch's Python floats), so trajectories follow PyTorch's rounding closely.
public final class LBFGS {
    /// The line search (`line_search_fn`).
    public enum LineSearch: String, Sendable, CaseIterable {
        /// A fixed step of ``LBFGS/learningRate`` (`None`, PyTorch's default).
        case none
        /// The strong-Wolfe bracketing/zoom search (`"strong_wolfe"`).
        case strongWolfe = "strong_wolfe"
    }

    /// The step length (`lr`), 1 by default.
    public let learningRate: Double
    /// Iterations per ``step(parameters:closure:)`` (`max_iter`), 20 by default.
    public let maxIterations: Int
    /// Closure evaluations per step (`max_eval`); PyTorch derives `max_iter·5/4` = 25 for the default 20.
    public let maxEvaluations: Int
    /// Stop when the largest gradient magnitude is at most this (`tolerance_grad`), 1e-7 by default.
    public let toleranceGrad: Float
    /// Stop when the step or the loss changes by less than this (`tolerance_change`), 1e-9 by default.
    public let toleranceChange: Double
    /// Curvature pairs kept (`history_size`), 100 by default.
    public let historySize: Int
    /// The line search, ``LineSearch/none`` by default.
    public let lineSearch: LineSearch
    /// Iterations run over all steps (PyTorch's `state['n_iter']`).
    public private(set) var iterationCount = 0
    /// Closure evaluations over all steps (PyTorch's `state['func_evals']`).
    public private(set) var evaluationCount = 0

    private var direction: [Float] = []
    private var stepLength: Double = 0
    private var steps: [[Float]] = []
    private var gradientChanges: [[Float]] = []
    private var inverseCurvatures: [Float] = []
    private var hessianScale: Float = 1
    private var previousGradient: [Float] = []
    private var previousLoss: Double = 0

    /// Creates the optimiser.
    ///
    /// - Throws: ``NeuralCoreError/invalidParameter(name:value:reason:)`` for a non-positive rate, iteration or
    ///   evaluation count or history size, or negative tolerances.
    public init(learningRate: Double = 1, maxIterations: Int = 20, maxEvaluations: Int = 25,
                toleranceGrad: Float = 1e-7, toleranceChange: Double = 1e-9, historySize: Int = 100,
                lineSearch: LineSearch = .none) throws {
        for (name, value) in [("learningRate", learningRate), ("maxIterations", Double(maxIterations)),
                              ("maxEvaluations", Double(maxEvaluations)), ("historySize", Double(historySize))]
        where !(value > 0) {
            throw NeuralCoreError.invalidParameter(name: name, value: "\(value)", reason: "must be > 0")
        }
        try requireNonNegative(toleranceGrad, "toleranceGrad")
        try requireNonNegative(Float(toleranceChange), "toleranceChange")
        self.learningRate = learningRate
        self.maxIterations = maxIterations
        self.maxEvaluations = maxEvaluations
        self.toleranceGrad = toleranceGrad
        self.toleranceChange = toleranceChange
        self.historySize = historySize
        self.lineSearch = lineSearch
    }

    /// Runs one L-BFGS step (up to ``maxIterations`` iterations) on `parameters`, in place.
    ///
    /// - Parameter closure: evaluates the loss at the tensors it is given (same shapes as `parameters`) and returns
    ///   it with the gradient of each tensor — e.g. `{ xs in let (v, g) = valueWithGradient(at: xs, of: loss); … }`.
    /// - Returns: the loss at the starting point (PyTorch returns `orig_loss`).
    @discardableResult
    public func step<E: Error>(
        parameters: inout [Tensor], closure: ([Tensor]) throws(E) -> (loss: Float, gradients: [Tensor])
    ) throws(E) -> Float {
        let shapes = parameters.map(\.shape)
        var x = parameters.flatMap(\.scalars)
        func evaluate(_ point: [Float]) throws(E) -> (Double, [Float]) {
            let (loss, gradients) = try closure(unflattened(point, shapes: shapes))
            precondition(gradients.map(\.shape) == shapes, "gradient shapes \(gradients.map(\.shape)) ≠ \(shapes)")
            return (Double(loss), gradients.flatMap(\.scalars))
        }
        defer { parameters = unflattened(x, shapes: shapes) }

        var (loss, gradient) = try evaluate(x)
        let originalLoss = Float(loss)
        var evaluations = 1
        evaluationCount += 1
        if maxMagnitude(gradient) <= toleranceGrad { return originalLoss }

        var iteration = 0
        while iteration < maxIterations {
            iteration += 1
            iterationCount += 1
            updateDirection(gradient: gradient)
            previousGradient = gradient
            previousLoss = loss
            if iterationCount == 1 {
                stepLength = Double(min(1, 1 / sumOfMagnitudes(gradient)) * Float(learningRate))
            } else {
                stepLength = learningRate
            }
            let slope = dot(gradient, direction)
            if slope > -Float(toleranceChange) { break }

            var lineEvaluations = 0
            switch lineSearch {
            case .strongWolfe:
                let start = x
                let search = try strongWolfe(
                    loss: loss, gradient: gradient, slope: slope, maxSearches: maxEvaluations - evaluations
                ) { (t: Float) throws(E) in
                    try evaluate(moved(start, by: Double(t), along: self.direction))
                }
                (loss, gradient, lineEvaluations) = (search.0, search.1, search.3)
                stepLength = Double(search.2)
                x = moved(start, by: stepLength, along: direction)
            case .none:
                x = moved(x, by: stepLength, along: direction)
                if iteration != maxIterations {
                    (loss, gradient) = try evaluate(x)
                    lineEvaluations = 1
                }
            }
            evaluations += lineEvaluations
            evaluationCount += lineEvaluations

            if iteration == maxIterations || evaluations >= maxEvaluations { break }
            if maxMagnitude(gradient) <= toleranceGrad { break }
            if Double(maxMagnitude(direction)) * stepLength <= toleranceChange { break }
            if abs(loss - previousLoss) < toleranceChange { break }
        }
        return originalLoss
    }

    /// Runs one L-BFGS step on a single tensor (e.g. the spectrogram style transfer optimises), in place;
    /// `closure` returns the loss and its gradient at the tensor it is given.
    ///
    /// - Returns: the loss at the starting point.
    @discardableResult
    public func step<E: Error>(
        _ x: inout Tensor, closure: (Tensor) throws(E) -> (loss: Float, gradient: Tensor)
    ) throws(E) -> Float {
        var parameters = [x]
        defer { x = parameters[0] }
        return try step(parameters: &parameters) { (xs: [Tensor]) throws(E) in
            let (loss, gradient) = try closure(xs[0])
            return (loss, [gradient])
        }
    }

    /// Runs one L-BFGS step on the trainable parameters of `model`; `loss` computes the scalar loss from the model
    /// and is differentiated with ``valueWithGradient(of:_:)``.
    ///
    /// - Returns: the loss at the starting point.
    @discardableResult
    public func step<M: Module>(_ model: M, loss: (M) -> Tensor) -> Float {
        let slots = model.namedSlots().filter { $0.slot.isTrainable }
        var parameters = slots.map { $0.slot.tensor! }
        defer { for ((_, slot), parameter) in zip(slots, parameters) { slot.assign(parameter) } }
        return step(parameters: &parameters) { xs in
            for ((_, slot), x) in zip(slots, xs) { slot.assign(x) }
            let (value, gradients) = valueWithGradient(of: model, loss)
            return (value.item, slots.map { gradients[$0.key]! })
        }
    }

    /// The two-loop recursion: updates the curvature history from the last step, then `direction = −H·gradient`.
    private func updateDirection(gradient: [Float]) {
        if iterationCount == 1 {
            direction = gradient.map { -$0 }
            steps = []
            gradientChanges = []
            inverseCurvatures = []
            hessianScale = 1
            return
        }
        let y = zip(gradient, previousGradient).map { $0 - $1 }
        let s = direction.map { $0 * Float(stepLength) }
        let ys = dot(y, s)
        if ys > 1e-10 {
            if steps.count == historySize {
                steps.removeFirst()
                gradientChanges.removeFirst()
                inverseCurvatures.removeFirst()
            }
            steps.append(s)
            gradientChanges.append(y)
            inverseCurvatures.append(1 / ys)
            hessianScale = ys / dot(y, y)
        }
        var q = gradient.map { -$0 }
        var alphas = [Float](repeating: 0, count: steps.count)
        for i in steps.indices.reversed() {
            alphas[i] = dot(steps[i], q) * inverseCurvatures[i]
            addScaled(&q, gradientChanges[i], -alphas[i])
        }
        var r = q.map { $0 * hessianScale }
        for i in steps.indices {
            let beta = dot(gradientChanges[i], r) * inverseCurvatures[i]
            addScaled(&r, steps[i], alphas[i] - beta)
        }
        direction = r
    }

    /// PyTorch's `_strong_wolfe`: returns the accepted loss, gradient, step length and evaluation count.
    ///
    /// As in PyTorch, step lengths and slopes are float32 values (0-d tensors there) and losses are doubles (Python
    /// floats); the sufficient-decrease test compares in float32.
    private func strongWolfe<E: Error>(
        loss f: Double, gradient g: [Float], slope gtd: Float, maxSearches: Int,
        evaluate: (Float) throws(E) -> (Double, [Float])
    ) throws(E) -> (Double, [Float], Float, Int) {
        let c1: Float = 1e-4, c2: Float = 0.9
        let directionNorm = maxMagnitude(direction)
        func sufficientDecrease(_ fNew: Double, _ t: Float) -> Bool { Float(fNew) <= Float(f) + c1 * t * gtd }
        var t = Float(stepLength)
        var (fNew, gNew) = try evaluate(t)
        var evaluations = 1
        var gtdNew = dot(gNew, direction)
        var (tPrevious, fPrevious, gPrevious, gtdPrevious): (Float, Double, [Float], Float) = (0, f, g, gtd)
        var done = false
        var searches = 0
        var bracket: [Float] = [], bracketF: [Double] = [], bracketG: [[Float]] = [], bracketGtd: [Float] = []

        while searches < maxSearches {
            if !sufficientDecrease(fNew, t) || (searches > 1 && fNew >= fPrevious) {
                (bracket, bracketF, bracketG, bracketGtd) = ([tPrevious, t], [fPrevious, fNew], [gPrevious, gNew], [gtdPrevious, gtdNew])
                break
            }
            if abs(gtdNew) <= -c2 * gtd {
                (bracket, bracketF, bracketG) = ([t], [fNew], [gNew])
                done = true
                break
            }
            if gtdNew >= 0 {
                (bracket, bracketF, bracketG, bracketGtd) = ([tPrevious, t], [fPrevious, fNew], [gPrevious, gNew], [gtdPrevious, gtdNew])
                break
            }
            let minimumStep = t + 0.01 * (t - tPrevious)
            let maximumStep = t * 10
            let current = t
            t = cubicInterpolate(tPrevious, fPrevious, gtdPrevious, t, fNew, gtdNew, bounds: (minimumStep, maximumStep))
            (tPrevious, fPrevious, gPrevious, gtdPrevious) = (current, fNew, gNew, gtdNew)
            (fNew, gNew) = try evaluate(t)
            evaluations += 1
            gtdNew = dot(gNew, direction)
            searches += 1
        }
        if searches == maxSearches {
            (bracket, bracketF, bracketG) = ([0, t], [f, fNew], [g, gNew])
        }

        // Zoom: shrink the bracket until the strong Wolfe conditions hold.
        var insufficientProgress = false
        var (low, high) = bracketF[0] <= bracketF[bracketF.count - 1] ? (0, 1) : (1, 0)
        while !done && searches < maxSearches {
            if Double(abs(bracket[1] - bracket[0]) * directionNorm) < toleranceChange { break }
            t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1], bounds: nil)
            let (lower, upper) = (bracket.min()!, bracket.max()!)
            let margin = 0.1 * (upper - lower)
            if min(upper - t, t - lower) < margin {
                if insufficientProgress || t >= upper || t <= lower {
                    t = abs(t - upper) < abs(t - lower) ? upper - margin : lower + margin
                    insufficientProgress = false
                } else {
                    insufficientProgress = true
                }
            } else {
                insufficientProgress = false
            }
            (fNew, gNew) = try evaluate(t)
            evaluations += 1
            gtdNew = dot(gNew, direction)
            searches += 1

            if !sufficientDecrease(fNew, t) || fNew >= bracketF[low] {
                (bracket[high], bracketF[high], bracketG[high], bracketGtd[high]) = (t, fNew, gNew, gtdNew)
                (low, high) = bracketF[0] <= bracketF[1] ? (0, 1) : (1, 0)
            } else {
                if abs(gtdNew) <= -c2 * gtd {
                    done = true
                } else if gtdNew * (bracket[high] - bracket[low]) >= 0 {
                    (bracket[high], bracketF[high], bracketG[high], bracketGtd[high]) =
                        (bracket[low], bracketF[low], bracketG[low], bracketGtd[low])
                }
                (bracket[low], bracketF[low], bracketG[low], bracketGtd[low]) = (t, fNew, gNew, gtdNew)
            }
        }
        return (bracketF[low], bracketG[low], bracket[low], evaluations)
    }
}

/// The minimiser of the cubic through `(x1, f1)`, `(x2, f2)` with slopes `g1`, `g2`, clamped to `bounds` (default:
/// the interval between the points); the midpoint when the cubic has no minimum. PyTorch's `_cubic_interpolate`,
/// in float32 except for the loss difference.
func cubicInterpolate(
    _ x1: Float, _ f1: Double, _ g1: Float, _ x2: Float, _ f2: Double, _ g2: Float, bounds: (Float, Float)?
) -> Float {
    let (lower, upper) = bounds ?? (x1 <= x2 ? (x1, x2) : (x2, x1))
    let d1 = g1 + g2 - Float(3 * (f1 - f2)) / (x1 - x2)
    let d2Square = d1 * d1 - g1 * g2
    guard d2Square >= 0 else { return (lower + upper) / 2 }
    let d2 = d2Square.squareRoot()
    let minimum = x1 <= x2
        ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(minimum, lower), upper)
}

/// `x + t·d` in `Float`, as PyTorch's `p.add_(d, alpha=t)`.
private func moved(_ x: [Float], by t: Double, along d: [Float]) -> [Float] {
    let step = Float(t)
    return zip(x, d).map { $0 + step * $1 }
}

/// `x += a·y`.
private func addScaled(_ x: inout [Float], _ y: [Float], _ a: Float) {
    x.withUnsafeMutableBufferPointer { x in for i in x.indices { x[i] += a * y[i] } }
}

private func dot(_ a: [Float], _ b: [Float]) -> Float {
    var sum: Float = 0
    for i in a.indices { sum += a[i] * b[i] }
    return sum
}

private func maxMagnitude(_ a: [Float]) -> Float { a.reduce(0) { max($0, abs($1)) } }

private func sumOfMagnitudes(_ a: [Float]) -> Float { Float(a.reduce(0.0) { $0 + Double(abs($1)) }) }

/// Splits a flat vector into tensors of the given shapes (inverse of `flatMap(\.scalars)`).
private func unflattened(_ flat: [Float], shapes: [[Int]]) -> [Tensor] {
    var offset = 0
    return shapes.map { shape in
        let count = shape.reduce(1, *)
        defer { offset += count }
        return Tensor(shape: shape, scalars: Array(flat[offset ..< offset + count]))
    }
}
