import NeuralCore

/// One residual layer of a ``WaveNet``: dilated causal convolution plus conditioning projection, gated unit,
/// residual and skip 1×1 convolutions (keys `dilated`, `condition`, `residual`, `skip`).
public final class WaveNetLayer: Module {
    /// `residualChannels → gateChannels`, kernel `kernelSize`, this layer's dilation, causal.
    public let dilated: Conv1d
    /// `conditionChannels → gateChannels`, 1×1, no bias.
    public let condition: Conv1d
    /// `gateChannels/2 → residualChannels`, 1×1.
    public let residual: Conv1d
    /// `gateChannels/2 → skipChannels`, 1×1.
    public let skip: Conv1d

    /// Makes the layer with PyTorch's default initialisation drawn from seeds `seed … seed + 3`.
    public init(configuration: WaveNet.Configuration, dilation: Int, seed: UInt64) {
        let gated = configuration.gateChannels / 2
        dilated = Conv1d(inputChannels: configuration.residualChannels, outputChannels: configuration.gateChannels,
                         kernelSize: configuration.kernelSize, dilation: dilation, causal: true, seed: seed)
        condition = Conv1d(inputChannels: configuration.conditionChannels, outputChannels: configuration.gateChannels,
                           kernelSize: 1, bias: false, seed: seed &+ 1)
        residual = Conv1d(inputChannels: gated, outputChannels: configuration.residualChannels, kernelSize: 1,
                          seed: seed &+ 2)
        skip = Conv1d(inputChannels: gated, outputChannels: configuration.skipChannels, kernelSize: 1, seed: seed &+ 3)
    }

    /// One layer over a whole sequence.
    ///
    /// - Parameters:
    ///   - x: the residual stream `[N, residualChannels, T]`.
    ///   - conditioning: the upsampled conditioning `[N, conditionChannels, T]`.
    /// - Returns: the next residual stream `[N, residualChannels, T]` and this layer's skip output
    ///   `[N, skipChannels, T]`.
    public func callAsFunction(_ x: Tensor, conditioning: Tensor) -> (residual: Tensor, skip: Tensor) {
        let gated = gatedActivation(dilated(x) + condition(conditioning), alongAxis: 1)
        return ((x + residual(gated)) * Float(0.5).squareRoot(), skip(gated))
    }
}
