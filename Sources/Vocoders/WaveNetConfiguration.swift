import AudioDSP
import Foundation

extension WaveNet {
    /// The sizes of a ``WaveNet``: every layer count, channel count and the conditioning upsampler.
    ///
    /// The network, for `L = layerCount` layers in `stackCount` stacks (`L / stackCount` layers per stack, dilations
    /// `1, 2, 4, …` restarting in every stack):
    ///
    /// - conditioning: the mel `[melBands, frames]` goes through one `ConvTranspose1d` per entry of
    ///   ``upsampleFactors`` (stride `s`, kernel `2s`, padding `s/2`, each followed by a leaky ReLU of slope 0.4),
    ///   the first mapping `melBands → conditionChannels`, the others `conditionChannels → conditionChannels`; their
    ///   product must be the front end's hop, so frame `f` lands on samples around `f · hop`;
    /// - input: the previous sample's µ-law class `i` as the value `2i/µ − 1` (with a ``guide``, also the guide's
    ///   current sample), through a 1×1 convolution ``inputChannels`` `→ residualChannels`;
    /// - each layer: `z = causalConv_d(x) + conv1x1(c)` (`residualChannels → gateChannels`, kernel ``kernelSize``,
    ///   dilation `d`; the conditioning projection `conditionChannels → gateChannels` has no bias); the gated unit
    ///   `a = tanh(z[:gate/2]) ⊙ σ(z[gate/2:])`; `x ← (x + conv1x1(a)) · √½` (`gateChannels/2 → residualChannels`)
    ///   and `skip += conv1x1(a)` (`gateChannels/2 → skipChannels`);
    /// - output: `ReLU(skip · √(1/L)) → conv1x1 (skip → skip) → ReLU → conv1x1 (skip → µ + 1)`, the logits of the
    ///   8-bit (µ = 255) µ-law softmax; with a ``guide``, of the correction to the guide's sample.
    ///
    /// Codable (the checkpoint stores it as JSON); ``validate(frontEnd:)`` checks every value.
    public struct Configuration: Sendable, Equatable, Codable {
        /// Dilated layers in all, ≥ 1, a multiple of ``stackCount``. Default 16.
        public var layerCount: Int
        /// Stacks of layers, ≥ 1; the dilation doubles inside a stack and restarts at 1 in the next. Default 2.
        public var stackCount: Int
        /// Taps of every dilated causal convolution, ≥ 2. Default 2.
        public var kernelSize: Int
        /// Channels of the residual stream, ≥ 1. Default 32.
        public var residualChannels: Int
        /// Output channels of every dilated convolution before the gate, even, ≥ 2 (half feed `tanh`, half the
        /// sigmoid). Default 64.
        public var gateChannels: Int
        /// Channels of the skip connections and of the output's hidden layer, ≥ 1. Default 64.
        public var skipChannels: Int
        /// Channels of the upsampled conditioning, ≥ 1. Default 32.
        public var conditionChannels: Int
        /// Upsampling factor of each transposed convolution, each even and ≥ 2; their product must equal the front
        /// end's hop length. Default `[16, 16]` (hop 256).
        public var upsampleFactors: [Int]
        /// µ of the output's µ-law quantisation, `1 ... 65535`: `µ + 1` classes. Default 255 (8 bits).
        public var mu: Int
        /// A Griffin-Lim waveform the network refines (see ``Guide``), or `nil` for a network that generates the
        /// whole waveform from the mel. Default `nil`.
        public var guide: Guide?

        /// Makes a configuration; ``validate(frontEnd:)`` checks it (``WaveNet/init(configuration:frontEnd:seed:)``
        /// calls it).
        ///
        /// - Parameters: see the properties; the defaults are the shipped model's sizes.
        public init(layerCount: Int = 16, stackCount: Int = 2, kernelSize: Int = 2, residualChannels: Int = 32,
                    gateChannels: Int = 64, skipChannels: Int = 64, conditionChannels: Int = 32,
                    upsampleFactors: [Int] = [16, 16], mu: Int = 255, guide: Guide? = nil) {
            self.layerCount = layerCount
            self.stackCount = stackCount
            self.kernelSize = kernelSize
            self.residualChannels = residualChannels
            self.gateChannels = gateChannels
            self.skipChannels = skipChannels
            self.conditionChannels = conditionChannels
            self.upsampleFactors = upsampleFactors
            self.mu = mu
            self.guide = guide
        }

        /// The dilation of every layer, `2^(l mod (layerCount / stackCount))` for layer `l`.
        public var dilations: [Int] {
            let perStack = max(1, layerCount / max(1, stackCount))
            return (0..<layerCount).map { 1 << ($0 % perStack) }
        }

        /// The receptive field in samples, `(kernelSize − 1) · Σ dilations + 1`: how many past samples (including
        /// the current input) one output can see.
        public var receptiveField: Int { (kernelSize - 1) * dilations.reduce(0, +) + 1 }

        /// Channels of the network's input: the previous sample's value, and with a ``guide`` the guide's current
        /// sample.
        public var inputChannels: Int { guide == nil ? 1 : 2 }

        /// The number of output classes, `µ + 1`.
        public var classCount: Int { mu + 1 }

        /// The network input for a previous sample of µ-law class `index`: `2 · index / µ − 1`, in `[−1, 1]`.
        public func inputValue(ofClass index: Int) -> Float { Float(2 * index) / Float(mu) - 1 }

        /// The class of the silent sample 0 (`(µ + 1) / 2`), fed as the "previous sample" before the first one.
        public var silenceClass: Int { (mu + 1) / 2 }

        /// Checks every value, and that the conditioning fits `frontEnd`.
        ///
        /// - Throws: ``VocodersError/invalidParameter(name:value:reason:)`` naming the first bad value: counts below
        ///   their minimum, `layerCount` not a multiple of `stackCount`, an odd `gateChannels`, an odd or small
        ///   upsampling factor, factors whose product is not `frontEnd.hopLength`, µ out of range, a stack deeper
        ///   than 30 layers (dilation overflow), or a front end without a mel axis.
        public func validate(frontEnd: FrontEnd) throws {
            func invalid(_ name: String, _ value: Any, _ reason: String) -> VocodersError {
                .invalidParameter(name: name, value: "\(value)", reason: reason)
            }
            for (name, value) in [("layerCount", layerCount), ("stackCount", stackCount),
                                  ("residualChannels", residualChannels), ("skipChannels", skipChannels),
                                  ("conditionChannels", conditionChannels)] where value < 1 {
                throw invalid(name, value, "must be ≥ 1")
            }
            guard layerCount % stackCount == 0 else {
                throw invalid("layerCount", layerCount, "must be a multiple of stackCount (\(stackCount))")
            }
            guard layerCount / stackCount <= 30 else {
                throw invalid("layerCount", layerCount, "more than 30 layers per stack")
            }
            guard kernelSize >= 2 else { throw invalid("kernelSize", kernelSize, "must be ≥ 2") }
            guard gateChannels >= 2, gateChannels % 2 == 0 else {
                throw invalid("gateChannels", gateChannels, "must be even and ≥ 2")
            }
            guard (1...65535).contains(mu) else { throw invalid("mu", mu, "must be in 1...65535") }
            guard !upsampleFactors.isEmpty else { throw invalid("upsampleFactors", upsampleFactors, "must not be empty") }
            for factor in upsampleFactors where factor < 2 || factor % 2 != 0 {
                throw invalid("upsampleFactors", upsampleFactors, "every factor must be even and ≥ 2")
            }
            guard upsampleFactors.reduce(1, *) == frontEnd.hopLength else {
                throw invalid("upsampleFactors", upsampleFactors,
                              "their product must equal the front end's hop length \(frontEnd.hopLength)")
            }
            guard case .mel = frontEnd.frequencyAxis else {
                throw invalid("frontEnd", "linear", "WaveNet is conditioned on a mel spectrogram")
            }
            try guide?.validate()
        }
    }
}
