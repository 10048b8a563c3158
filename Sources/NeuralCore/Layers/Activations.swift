/// `max(0, x)` elementwise (PyTorch `nn.ReLU`). No parameters.
public final class ReLU: Module, UnaryLayer {
    /// Creates the layer.
    public override init() {}
    /// `max(0, x)`.
    public func callAsFunction(_ x: Tensor) -> Tensor { relu(x) }
}

/// `x` for `x ≥ 0`, `negativeSlope · x` otherwise (PyTorch `nn.LeakyReLU`). No parameters.
public final class LeakyReLU: Module, UnaryLayer {
    /// The slope for negative inputs (`negative_slope`), 0.01 by default; the study's random CNN uses 0.2.
    public let negativeSlope: Float
    /// Creates the layer.
    public init(negativeSlope: Float = 0.01) { self.negativeSlope = negativeSlope }
    /// `x ≥ 0 ? x : negativeSlope · x`.
    public func callAsFunction(_ x: Tensor) -> Tensor { leakyReLU(x, negativeSlope: negativeSlope) }
    public override var extraDescription: String { "negative_slope=\(negativeSlope)" }
}

/// The Gaussian error linear unit `x · Φ(x)` (PyTorch `nn.GELU`), exact or with the tanh approximation.
public final class GELU: Module, UnaryLayer {
    /// Exact (`approximate='none'`, the default) or tanh form.
    public let approximation: GELUApproximation
    /// Creates the layer.
    public init(approximation: GELUApproximation = .none) { self.approximation = approximation }
    /// `x · Φ(x)`.
    public func callAsFunction(_ x: Tensor) -> Tensor { gelu(x, approximation: approximation) }
    public override var extraDescription: String { "approximate='\(approximation == .none ? "none" : "tanh")'" }
}

/// `tanh(x)` elementwise (PyTorch `nn.Tanh`). No parameters.
public final class Tanh: Module, UnaryLayer {
    /// Creates the layer.
    public override init() {}
    /// `tanh(x)`.
    public func callAsFunction(_ x: Tensor) -> Tensor { tanh(x) }
}

/// `1 / (1 + e^(−x))` elementwise (PyTorch `nn.Sigmoid`). No parameters.
public final class Sigmoid: Module, UnaryLayer {
    /// Creates the layer.
    public override init() {}
    /// `1 / (1 + e^(−x))`.
    public func callAsFunction(_ x: Tensor) -> Tensor { sigmoid(x) }
}

/// PyTorch `nn.Dropout` in evaluation mode: the identity. NeuralCore runs models for inference and feature
/// extraction, so no elements are zeroed; the layer exists so PyTorch architectures keep their indices
/// (`classifier.3.weight` after a dropout at index 2).
public final class Dropout: Module, UnaryLayer {
    /// The training-time drop probability `p`, kept for printing; 0.5 by default.
    public let probability: Float
    /// Creates the layer.
    public init(probability: Float = 0.5) { self.probability = probability }
    /// `x` unchanged.
    public func callAsFunction(_ x: Tensor) -> Tensor { x }
    public override var extraDescription: String { "p=\(probability)" }
}
