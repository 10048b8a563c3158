/// A module whose forward pass maps one tensor to one tensor, so it can be chained in a ``Sequential``.
public protocol UnaryLayer: Module {
    /// The forward pass.
    func callAsFunction(_ x: Tensor) -> Tensor
}

/// PyTorch's default initialisation of linear and convolution layers (`reset_parameters`): weights from
/// `kaiming_uniform_(a=√5)` and biases, which both reduce to U(−1/√fanIn, 1/√fanIn).
///
/// `fanIn` is the weight's `size(1) × kernel elements`, as `torch.nn.init._calculate_fan_in_and_fan_out` computes
/// it (for a transposed convolution that is `outputChannels / groups × kernel`). The weight is drawn first, then the
/// bias, from one generator seeded with `seed`.
func defaultLayerParameters(weightShape: [Int], fanIn: Int, biasCount: Int?, seed: UInt64) -> (weight: Tensor, bias: Tensor?) {
    var generator = RandomGenerator(seed: seed)
    let bound = 1 / Float(fanIn).squareRoot()
    let weight = Tensor.randomUniform(shape: weightShape, lowerBound: -bound, upperBound: bound, generator: &generator)
    let bias = biasCount.map {
        Tensor.randomUniform(shape: [$0], lowerBound: -bound, upperBound: bound, generator: &generator)
    }
    return (weight, bias)
}

/// Python's spelling of a tuple, as PyTorch prints layer settings: `(3,)`, `(3, 1)`.
func pythonTuple(_ values: [Int]) -> String {
    values.count == 1 ? "(\(values[0]),)" : "(" + values.map(String.init).joined(separator: ", ") + ")"
}

/// Python's spelling of a Boolean: `True`, `False`.
func pythonBool(_ value: Bool) -> String { value ? "True" : "False" }
