/// Layers applied in order (PyTorch `nn.Sequential`); its children's keys are their indices: a `Sequential` stored
/// as `features` has keys `features.0.weight`, `features.2.bias`, … exactly as torchvision's models.
public final class Sequential: Module, UnaryLayer {
    /// The layers, in order.
    @Child(key: "") public private(set) var layers: [any UnaryLayer]

    /// Chains `layers`.
    public init(_ layers: [any UnaryLayer]) {
        super.init()
        self.layers = layers
    }

    /// Chains `layers`.
    public convenience init(_ layers: any UnaryLayer...) { self.init(layers) }

    /// The layers' forward passes applied in order.
    public func callAsFunction(_ x: Tensor) -> Tensor { layers.reduce(x) { $1($0) } }
}
