import CWaveNetKernels
import Foundation
import NeuralCore

/// Draws a class from WaveNet's output logits: softmax at a temperature, then inverse-CDF sampling with one uniform
/// number from a seeded ``NeuralCore/RandomGenerator``.
///
/// ``WaveNetGenerator`` uses exactly this draw for every sample, so a reference loop that computes logits another
/// way (the naive full forward pass) and calls ``draw(logits:generator:)`` with a generator of the same seed
/// reproduces the generated classes.
public struct WaveNetSampler: Sendable, Equatable {
    /// The softmax temperature: `p ∝ exp(logit / temperature)`, > 0; 1 samples the model's distribution, lower
    /// values are more conservative. `0` means greedy (the most likely class, no randomness). Default 1.
    public let temperature: Float

    /// Makes a sampler.
    ///
    /// - Parameter temperature: ≥ 0 and finite. Default 1.
    /// - Throws: ``VocodersError/invalidParameter(name:value:reason:)`` for a negative or non-finite temperature.
    public init(temperature: Float = 1) throws {
        guard temperature >= 0, temperature.isFinite else {
            throw VocodersError.invalidParameter(name: "temperature", value: "\(temperature)",
                                                 reason: "must be ≥ 0 and finite")
        }
        self.temperature = temperature
    }

    /// Draws one class from `logits`, consuming one value of `generator` (none when greedy).
    ///
    /// The uniform number is `u = (generator.next() >> 40) · 2⁻²⁴`; the class is the first `i` whose cumulative
    /// unnormalised probability exceeds `u · Σ p`.
    public func draw(logits: [Float], generator: inout RandomGenerator) -> Int {
        var scratch = [Float](repeating: 0, count: logits.count)
        return logits.withUnsafeBufferPointer { l in
            scratch.withUnsafeMutableBufferPointer { draw(logits: l.baseAddress!, count: l.count,
                                                         scratch: $0.baseAddress!, generator: &generator) }
        }
    }

    /// The allocation-free draw the generator runs per sample; `scratch` holds `count` floats.
    @inline(__always)
    func draw(logits: UnsafePointer<Float>, count: Int, scratch: UnsafeMutablePointer<Float>,
              generator: inout RandomGenerator) -> Int {
        if temperature == 0 {
            var best = 0
            for i in 1..<count where logits[i] > logits[best] { best = i }
            return best
        }
        let total = wavenet_unnormalized_softmax(logits, Int32(count), temperature, scratch)
        let threshold = Float(generator.next() >> 40) * 0x1p-24 * total
        var cumulative: Float = 0
        for i in 0..<count {
            cumulative += scratch[i]
            if cumulative > threshold { return i }
        }
        return count - 1
    }
}
