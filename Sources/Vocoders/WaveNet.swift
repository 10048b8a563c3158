import AudioDSP
import Foundation
import NeuralCore

/// A mel-conditioned WaveNet (van den Oord et al. 2016; Shen et al. 2018): dilated causal convolutions in stacks,
/// gated `tanh · σ` units, residual and skip connections, conditioning upsampled to the sample rate by learned
/// transposed convolutions, and an 8-bit µ-law softmax output. The architecture is in ``Configuration``.
///
/// This module is the training-time network: ``logits(conditioning:previousClasses:)`` runs the whole sequence at
/// once with teacher forcing (the true previous samples as input), which is what ``train(on:configuration:checkpoint:resume:timeLimit:progress:)``
/// optimises and what the naive generation reference runs. Fast sample-by-sample generation is
/// ``WaveNetGenerator`` (made from a trained model); ``WaveNetVocoder`` wraps it as a ``Vocoder``.
///
/// State-dict keys: `upsample.{i}.weight|bias`, `input.weight|bias`, `layers.{l}.dilated.weight|bias`,
/// `layers.{l}.condition.weight`, `layers.{l}.residual.weight|bias`, `layers.{l}.skip.weight|bias`,
/// `output1.weight|bias`, `output2.weight|bias`, and with a guide `guide.weight` — PyTorch layouts, so a PyTorch
/// twin loads the same safetensors file.
public final class WaveNet: Module {
    /// The sizes (validated against ``frontEnd``).
    public let configuration: Configuration
    /// The analysis the conditioning mel must come from.
    public let frontEnd: FrontEnd
    /// The conditioning upsampler: `ConvTranspose1d(stride s, kernel 2s, padding s/2)` per factor.
    public let upsample: [ConvTranspose1d]
    /// `inputChannels → residualChannels`, 1×1: embeds the previous sample's value (and the guide's current sample).
    public let input: Conv1d
    /// With a ``Configuration/guide``: `1 → conditionChannels`, kernel `guide.kernelSize`, no bias, applied centred
    /// to the guide waveform and added to the upsampled conditioning; otherwise `nil`.
    public let guide: Conv1d?
    /// The residual layers, dilations ``Configuration/dilations``.
    public let layers: [WaveNetLayer]
    /// `skipChannels → skipChannels`, 1×1.
    public let output1: Conv1d
    /// `skipChannels → µ + 1`, 1×1: the class logits.
    public let output2: Conv1d

    /// Makes an untrained network with PyTorch's default initialisation, every layer seeded from `seed`.
    ///
    /// - Parameters:
    ///   - configuration: the sizes. Default: the shipped model's.
    ///   - frontEnd: the analysis of the conditioning mel. Default ``AudioDSP/FrontEnd/default``.
    ///   - seed: the initialisation seed. Default 0.
    /// - Throws: ``VocodersError/invalidParameter(name:value:reason:)`` from ``Configuration/validate(frontEnd:)``.
    public init(configuration: Configuration = Configuration(), frontEnd: FrontEnd = .default, seed: UInt64 = 0) throws {
        try configuration.validate(frontEnd: frontEnd)
        self.configuration = configuration
        self.frontEnd = frontEnd
        var channels = frontEnd.rowCount
        upsample = configuration.upsampleFactors.enumerated().map { index, factor in
            defer { channels = configuration.conditionChannels }
            return ConvTranspose1d(inputChannels: channels, outputChannels: configuration.conditionChannels,
                                   kernelSize: 2 * factor, stride: factor, padding: factor / 2,
                                   seed: seed &+ UInt64(index))
        }
        input = Conv1d(inputChannels: configuration.inputChannels, outputChannels: configuration.residualChannels,
                       kernelSize: 1, seed: seed &+ 100)
        guide = configuration.guide.map {
            Conv1d(inputChannels: 1, outputChannels: configuration.conditionChannels, kernelSize: $0.kernelSize,
                   bias: false, seed: seed &+ 300)
        }
        layers = configuration.dilations.enumerated().map { index, dilation in
            WaveNetLayer(configuration: configuration, dilation: dilation, seed: seed &+ 1000 &+ 4 * UInt64(index))
        }
        output1 = Conv1d(inputChannels: configuration.skipChannels, outputChannels: configuration.skipChannels,
                         kernelSize: 1, seed: seed &+ 200)
        output2 = Conv1d(inputChannels: configuration.skipChannels, outputChannels: configuration.classCount,
                         kernelSize: 1, seed: seed &+ 201)
    }

    /// The upsampled conditioning of mel frames.
    ///
    /// - Parameter mel: `[N, melBands, F]`, on the front end's value scale.
    /// - Returns: `[N, conditionChannels, F · hopLength]`; sample `t` depends only on frames within ±3 of `t / hop`.
    public func conditioning(_ mel: Tensor) -> Tensor {
        precondition(mel.rank == 3 && mel.shape[1] == frontEnd.rowCount,
                     "WaveNet.conditioning: mel \(mel.shape), expected [N, \(frontEnd.rowCount), F]")
        return Self.upsampled(mel, stages: upsample.map { ($0.weight, $0.bias, $0.stride) })
    }

    /// The guide's share of the conditioning (``Configuration/guide`` must be set).
    ///
    /// - Parameter window: the guide waveform `[N, 1, T + kernelSize − 1]`: the `T` samples to condition plus
    ///   `(kernelSize − 1) / 2` on each side (zeros beyond the utterance).
    /// - Returns: `[N, conditionChannels, T]`, to add to ``conditioning(_:)`` cut to the same `T` samples.
    public func guideConditioning(_ window: Tensor) -> Tensor {
        guard let guide else { preconditionFailure("WaveNet.guideConditioning: the configuration has no guide") }
        return guide(window)
    }

    /// The upsampler as a function of its weights, shared by the module and ``WaveNetGenerator``.
    static func upsampled(_ mel: Tensor, stages: [(weight: Tensor, bias: Tensor?, factor: Int)]) -> Tensor {
        stages.reduce(mel) { x, stage in
            leakyReLU(convTranspose1d(x, weight: stage.weight, bias: stage.bias, stride: stage.factor,
                                      padding: stage.factor / 2), negativeSlope: 0.4)
        }
    }

    /// The class logits of every sample given the true previous samples (teacher forcing).
    ///
    /// Causal: the logits at `t` depend on `previousClasses[..., 0 … t]` and the conditioning, never on later inputs.
    ///
    /// - Parameters:
    ///   - conditioning: `[N, conditionChannels, T]` (from ``conditioning(_:)``, cut to `T`).
    ///   - previousClasses: `[N, inputChannels, T]`, the input at `t`: the value ``Configuration/inputValue(ofClass:)``
    ///     of the class of sample `t − 1` (for `t = 0`, of ``Configuration/silenceClass``), and with a guide, the
    ///     guide's sample `t` in channel 1.
    /// - Returns: `[N, µ + 1, T]` logits; the softmax over axis 1 is the distribution of sample `t`'s class.
    public func logits(conditioning: Tensor, previousClasses: Tensor) -> Tensor {
        precondition(conditioning.rank == 3 && previousClasses.rank == 3
                     && previousClasses.shape[1] == configuration.inputChannels
                     && conditioning.shape[0] == previousClasses.shape[0]
                     && conditioning.shape[2] == previousClasses.shape[2]
                     && conditioning.shape[1] == configuration.conditionChannels,
                     "WaveNet.logits: conditioning \(conditioning.shape), input \(previousClasses.shape)")
        var x = input(previousClasses)
        var skips: Tensor?
        for layer in layers {
            let (next, skip) = layer(x, conditioning: conditioning)
            x = next
            skips = skips.map { $0 + skip } ?? skip
        }
        let hidden = relu(output1(relu(skips! * (1 / Float(layers.count)).squareRoot())))
        return output2(hidden)
    }
}
