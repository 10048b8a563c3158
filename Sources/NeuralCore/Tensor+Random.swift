import Foundation

/// A seeded pseudo-random generator (xoshiro256** seeded through SplitMix64): the same seed gives the same stream on
/// every platform. It does not reproduce PyTorch's generator; use fixtures to compare values with PyTorch.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a generator whose whole stream is determined by `seed`.
    public init(seed: UInt64) {
        var s = seed
        func splitMix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotate(state.3, 45)
        return result
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A uniform `Float` in [0, 1) with 24 random bits.
    mutating func nextUnitFloat() -> Float { Float(next() >> 40) * 0x1p-24 }
}

/// How PyTorch's `torch.nn.init` scales Kaiming initialisation (`mode`).
public enum FanMode: Sendable {
    /// `mode='fan_in'` (PyTorch's default): preserves the forward pass variance.
    case fanIn
    /// `mode='fan_out'`: preserves the backward pass variance.
    case fanOut
}

extension Tensor {
    /// Independent normal samples (PyTorch `torch.normal` / `nn.init.normal_`), Box–Muller from `generator`.
    public static func randomNormal(
        shape: [Int], mean: Float = 0, standardDeviation: Float = 1, generator: inout RandomGenerator
    ) -> Tensor {
        let count = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: count)
        var i = 0
        while i < count {
            let u1 = Double(max(generator.nextUnitFloat(), 0x1p-24))
            let u2 = Double(generator.nextUnitFloat())
            let radius = (-2 * Foundation.log(u1)).squareRoot()
            values[i] = mean + standardDeviation * Float(radius * cos(2 * Double.pi * u2))
            if i + 1 < count { values[i + 1] = mean + standardDeviation * Float(radius * sin(2 * Double.pi * u2)) }
            i += 2
        }
        return Tensor(shape: shape, scalars: values)
    }

    /// Independent uniform samples in [`lowerBound`, `upperBound`) (PyTorch `nn.init.uniform_(a, b)`).
    public static func randomUniform(
        shape: [Int], lowerBound: Float = 0, upperBound: Float = 1, generator: inout RandomGenerator
    ) -> Tensor {
        let count = shape.reduce(1, *)
        let width = upperBound - lowerBound
        var values = [Float](repeating: 0, count: count)
        for i in 0..<count { values[i] = lowerBound + width * generator.nextUnitFloat() }
        return Tensor(shape: shape, scalars: values)
    }

    /// `(fan_in, fan_out)` exactly as `torch.nn.init._calculate_fan_in_and_fan_out`: for shape `[out, in, k…]`,
    /// `fan_in = in·∏k`, `fan_out = out·∏k`; the shape needs at least two axes.
    public static func fans(of shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        precondition(shape.count >= 2, "fan in and fan out need at least two axes, got \(shape)")
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }

    /// PyTorch `nn.init.kaiming_uniform_(w, a, mode, nonlinearity='leaky_relu')`: uniform in ±`gain·√(3/fan)` with
    /// `gain = √(2/(1+a²))`. `negativeSlope` is PyTorch's `a` (default 0, i.e. ReLU gain √2). PyTorch's `Linear`
    /// and `Conv` layers initialise their weights with `a = √5`.
    public static func kaimingUniform(
        shape: [Int], negativeSlope: Float = 0, mode: FanMode = .fanIn, generator: inout RandomGenerator
    ) -> Tensor {
        let bound = kaimingStandardDeviation(shape, negativeSlope, mode) * Float(3).squareRoot()
        return randomUniform(shape: shape, lowerBound: -bound, upperBound: bound, generator: &generator)
    }

    /// PyTorch `nn.init.kaiming_normal_(w, a, mode, nonlinearity='leaky_relu')`: normal with standard deviation
    /// `gain/√fan`, `gain = √(2/(1+a²))`.
    public static func kaimingNormal(
        shape: [Int], negativeSlope: Float = 0, mode: FanMode = .fanIn, generator: inout RandomGenerator
    ) -> Tensor {
        let std = kaimingStandardDeviation(shape, negativeSlope, mode)
        return randomNormal(shape: shape, mean: 0, standardDeviation: std, generator: &generator)
    }

    /// PyTorch `nn.init.xavier_uniform_(w, gain)`: uniform in ±`gain·√(6/(fan_in+fan_out))`.
    public static func xavierUniform(shape: [Int], gain: Float = 1, generator: inout RandomGenerator) -> Tensor {
        let (fanIn, fanOut) = fans(of: shape)
        let bound = gain * (6 / Float(fanIn + fanOut)).squareRoot()
        return randomUniform(shape: shape, lowerBound: -bound, upperBound: bound, generator: &generator)
    }

    /// PyTorch `nn.init.xavier_normal_(w, gain)`: normal with standard deviation `gain·√(2/(fan_in+fan_out))`.
    public static func xavierNormal(shape: [Int], gain: Float = 1, generator: inout RandomGenerator) -> Tensor {
        let (fanIn, fanOut) = fans(of: shape)
        let std = gain * (2 / Float(fanIn + fanOut)).squareRoot()
        return randomNormal(shape: shape, mean: 0, standardDeviation: std, generator: &generator)
    }

    private static func kaimingStandardDeviation(_ shape: [Int], _ slope: Float, _ mode: FanMode) -> Float {
        let (fanIn, fanOut) = fans(of: shape)
        let fan = Float(mode == .fanIn ? fanIn : fanOut)
        return (2 / (1 + slope * slope)).squareRoot() / fan.squareRoot()
    }
}
