import AudioDSP
import Foundation

extension WaveNet {
    /// A Griffin-Lim waveform that guides a ``WaveNet``: the network sees it and predicts only the correction to it.
    ///
    /// Why: Griffin-Lim from the mel already has the right harmonics in roughly the right places, and a network that
    /// learns the whole waveform from the mel needs far more training than two cores give (`Docs/Vocoders.md`). With
    /// a guide `g` (``GriffinLimVocoder`` with ``iterations``, ``start``, ``melInversion`` and ``magnitudeTarget``
    /// from the same features):
    ///
    /// - the conditioning gains a non-causal view of `g`: `conv1d(g, kernel kernelSize, centred)` →
    ///   `conditionChannels`, added to the upsampled mel;
    /// - the network's input gains a second channel, `g_t`, so the causal stack sees the guide's past as well;
    /// - the µ-law classes code the correction `r_t = x_t − g_t`, and generation outputs `g_t + r_t` (by default
    ///   the expected correction, ``WaveNetVocoder/defaultSampler(for:)``);
    /// - optionally, in training, the previous correction's input value gets Gaussian noise (``inputNoise``), as
    ///   LPCNet does to its excitation input.
    ///
    /// What the correction is trained toward: the original's phase is unrelated to the guide's (their samples correlate
    /// about ±0.3), so the original itself cannot be learnt from the guide. The training target is instead Griffin-Lim
    /// from the original's *true* STFT magnitude, started from the guide's phase and run ``targetIterations`` plain
    /// iterations (momentum 0; 0 is the true magnitude under the guide's phase): a waveform with the original's
    /// magnitude that stays aligned with the guide. Judged against the original (`vocoder_judge.py`, the 12 held-out
    /// clips of the vocoder corpus), with the default guide (PESQ-WB 3.76) the default target scores 3.69 and
    /// correlates 0.987 with the guide; targets of 16 or 32 iterations score 3.77 and 3.82 but correlate only 0.94 and
    /// 0.93, and a network trained toward the latter does much worse (`Docs/Vocoders.md`, "Design bounds").
    ///
    /// Codable as part of ``Configuration``; ``validate()`` checks it.
    public struct Guide: Sendable, Equatable, Codable {
        /// Where the guide's Griffin-Lim starts.
        public enum Start: String, Sendable, Hashable, Codable, CaseIterable {
            /// A random phase from ``Guide/seed`` (`GriffinLim.InitialPhase.random(seed:)`).
            case random
            /// The phase-gradient estimate (`GriffinLim.InitialPhase.phaseGradient()`, the Griffin-Lim vocoder's
            /// default; not for a rectangular window).
            case phaseGradient
        }

        /// Taps of the centred conditioning convolution over the guide, odd and ≥ 1. Default 65 (±1.5 ms at 22 050 Hz).
        public var kernelSize: Int
        /// Griffin-Lim iterations of the guide (``GriffinLimVocoder/iterations``), ≥ 0. Default 32.
        public var iterations: Int
        /// Where the guide's Griffin-Lim starts. Default ``Start/phaseGradient``; a checkpoint whose description
        /// lacks it was trained with ``Start/random`` and decodes so.
        public var start: Start
        /// Seed of the guide's random initial phase when ``start`` is ``Start/random``
        /// (``GriffinLimVocoder/initialPhase`` `.random(seed:)`). Default 0.
        public var seed: UInt64
        /// The guide's inverse mel (``GriffinLimVocoder/melInversion``). Default ``AudioDSP/MelInversion/smooth``;
        /// a checkpoint whose description lacks it was trained with ``AudioDSP/MelInversion/librosa`` and decodes so.
        public var melInversion: MelInversion
        /// What the guide's iterations hold the magnitude to (``GriffinLimVocoder/magnitudeTarget``). Default
        /// ``GriffinLimVocoder/MagnitudeTarget/mel``; a checkpoint whose description lacks it was trained with
        /// ``GriffinLimVocoder/MagnitudeTarget/inverseMel`` and decodes so.
        public var magnitudeTarget: GriffinLimVocoder.MagnitudeTarget
        /// Plain Griffin-Lim iterations from the true magnitude, started at the guide's phase, that make the training
        /// target, ≥ 0 (0 trains toward the original magnitude under the guide's phase). Default 0, the shipped
        /// model's (`Docs/Vocoders.md` compares 0, 4 and 32 with the default guide).
        public var targetIterations: Int
        /// Standard deviation of the Gaussian noise added in training to the previous correction's input value
        /// (``Configuration/inputValue(ofClass:)``, which spans `[−1, 1]`), ≥ 0. Default 0: with 0.25 or 0.5 the
        /// generated audio was worse at every step measured (`Docs/Vocoders.md`).
        public var inputNoise: Float

        /// Makes a guide configuration.
        ///
        /// - Parameters: see the properties.
        public init(kernelSize: Int = 65, iterations: Int = 32, start: Start = .phaseGradient, seed: UInt64 = 0,
                    melInversion: MelInversion = .smooth, magnitudeTarget: GriffinLimVocoder.MagnitudeTarget = .mel,
                    targetIterations: Int = 0, inputNoise: Float = 0) {
            self.kernelSize = kernelSize
            self.iterations = iterations
            self.start = start
            self.seed = seed
            self.melInversion = melInversion
            self.magnitudeTarget = magnitudeTarget
            self.targetIterations = targetIterations
            self.inputNoise = inputNoise
        }

        private enum CodingKeys: String, CodingKey {
            case kernelSize, iterations, start, seed, melInversion, magnitudeTarget, targetIterations, inputNoise
        }

        /// Decodes a guide. A description written before a field existed gets the value its model was trained
        /// with: ``Start/random`` without `start`, ``AudioDSP/MelInversion/librosa`` without `melInversion`,
        /// ``GriffinLimVocoder/MagnitudeTarget/inverseMel`` without `magnitudeTarget`.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            kernelSize = try container.decode(Int.self, forKey: .kernelSize)
            iterations = try container.decode(Int.self, forKey: .iterations)
            start = try container.decodeIfPresent(Start.self, forKey: .start) ?? .random
            seed = try container.decode(UInt64.self, forKey: .seed)
            melInversion = try container.decodeIfPresent(MelInversion.self, forKey: .melInversion) ?? .librosa
            magnitudeTarget = try container.decodeIfPresent(GriffinLimVocoder.MagnitudeTarget.self,
                                                            forKey: .magnitudeTarget) ?? .inverseMel
            targetIterations = try container.decode(Int.self, forKey: .targetIterations)
            inputNoise = try container.decode(Float.self, forKey: .inputNoise)
        }

        /// Checks every value.
        ///
        /// - Throws: ``VocodersError/invalidParameter(name:value:reason:)`` naming the first bad value.
        public func validate() throws {
            guard kernelSize >= 1, kernelSize % 2 == 1 else {
                throw VocodersError.invalidParameter(name: "guide.kernelSize", value: "\(kernelSize)",
                                                     reason: "must be odd and ≥ 1")
            }
            for (name, value) in [("guide.iterations", iterations), ("guide.targetIterations", targetIterations)]
            where value < 0 {
                throw VocodersError.invalidParameter(name: name, value: "\(value)", reason: "must be ≥ 0")
            }
            try withVocodersParameterErrors(prefix: "guide.melInversion.") { try melInversion.validate() }
            guard inputNoise >= 0, inputNoise.isFinite else {
                throw VocodersError.invalidParameter(name: "guide.inputNoise", value: "\(inputNoise)",
                                                     reason: "must be ≥ 0 and finite")
            }
        }

        /// What the guide's conditioning convolution reads for samples `range` of a guide waveform: those samples and
        /// `kernelSize / 2` more on each side, zeros beyond the waveform.
        ///
        /// - Returns: `range.count + kernelSize − 1` values (the input of ``WaveNet/guideConditioning(_:)``).
        public func window(of guide: [Float], around range: Range<Int>) -> [Float] {
            let reach = kernelSize / 2
            return ((range.lowerBound - reach)..<(range.upperBound + reach)).map {
                guide.indices.contains($0) ? guide[$0] : 0
            }
        }

        /// The Griffin-Lim vocoder that makes the guide.
        ///
        /// - Throws: ``VocodersError/invalidParameter(name:value:reason:)`` for a front end it cannot invert.
        public func vocoder(frontEnd: FrontEnd) throws -> GriffinLimVocoder {
            try GriffinLimVocoder(frontEnd: frontEnd, iterations: iterations,
                                  initialPhase: start == .random ? .random(seed: seed) : .phaseGradient(),
                                  melInversion: melInversion, magnitudeTarget: magnitudeTarget)
        }

        /// The training target of one clip: Griffin-Lim from `samples`' STFT magnitude, started at the phase of
        /// `guide`, ``targetIterations`` plain iterations, as long as `samples`.
        ///
        /// - Parameters:
        ///   - samples: the original clip at the front end's rate.
        ///   - guide: its guide waveform, the same length.
        /// - Throws: ``VocodersError/invalidParameter(name:value:reason:)`` for a guide of another length, and
        ///   AudioDSP's errors for empty or non-finite samples.
        public func target(for samples: [Float], guide: [Float], frontEnd: FrontEnd) throws -> [Float] {
            guard samples.count == guide.count else {
                throw VocodersError.invalidParameter(name: "guide", value: "\(guide.count) samples",
                                                     reason: "the clip has \(samples.count)")
            }
            let transform = try frontEnd.makeTransform()
            let reconstruction = try GriffinLim(stft: transform, iterations: targetIterations, momentum: 0,
                                                initialPhase: .given(transform.forward(guide)))
            return try reconstruction.reconstruct(magnitude: transform.magnitude(samples), sampleCount: samples.count)
        }
    }
}
