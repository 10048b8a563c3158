import CWaveNetKernels
import Foundation
import NeuralCore

/// Draws a class from WaveNet's output logits: softmax at a temperature, then inverse-CDF sampling with one uniform
/// number from a seeded ``NeuralCore/RandomGenerator`` — or, with ``expectation``, the class nearest the
/// distribution's expected amplitude.
///
/// ``WaveNetGenerator`` uses exactly this draw for every sample, so a reference loop that computes logits another
/// way (the naive full forward pass) and calls ``draw(logits:generator:)`` with a generator of the same seed
/// reproduces the generated classes.
public struct WaveNetSampler: Sendable, Equatable {
    /// The softmax temperature: `p ∝ exp(logit / temperature)`, > 0; 1 samples the model's distribution, lower
    /// values are more conservative. `0` means greedy (the most likely class, no randomness). Default 1.
    public let temperature: Float
    /// With a codec: instead of drawing, take the class nearest (by ``MuLaw/encode(_:)``) the expected amplitude
    /// `Σ p_k · decode(k)` of the softmax at ``temperature`` — the conditional mean, which a guided model's small
    /// corrections need: a draw, or the most likely class, of a broad distribution lands on µ-law's coarse outer
    /// classes as often as on the fine ones near 0, adding noise the size of the spread. `nil`: draw. Default `nil`.
    public let expectation: MuLaw?
    /// The decoded amplitude of every class, for ``expectation``.
    private let amplitudes: [Float]

    /// Draws at temperature 1: the model's own distribution.
    public static let standard = WaveNetSampler(validTemperature: 1)

    private init(validTemperature: Float) {
        (temperature, expectation, amplitudes) = (validTemperature, nil, [])
    }

    /// Makes a sampler.
    ///
    /// - Parameters:
    ///   - temperature: ≥ 0 and finite (> 0 with an expectation). Default 1.
    ///   - expectation: the codec whose expected amplitude to take instead of drawing, or `nil`. Default `nil`.
    /// - Throws: ``VocodersError/invalidParameter(name:value:reason:)`` for a negative or non-finite temperature, or
    ///   0 with an expectation.
    public init(temperature: Float = 1, expectation: MuLaw? = nil) throws {
        guard temperature >= 0, temperature.isFinite, expectation == nil || temperature > 0 else {
            throw VocodersError.invalidParameter(name: "temperature", value: "\(temperature)",
                                                 reason: expectation == nil ? "must be ≥ 0 and finite"
                                                     : "must be > 0 and finite for an expectation")
        }
        self.temperature = temperature
        self.expectation = expectation
        amplitudes = try expectation.map { try $0.decode(Array(0...$0.mu)) } ?? []
    }

    /// Draws one class from `logits`, consuming one value of `generator` (none when greedy or with an expectation).
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
        if let expectation {
            var mean: Float = 0
            for i in 0..<count { mean += scratch[i] * amplitudes[i] }
            return expectation.encode(min(1, max(-1, mean / total)))
        }
        let threshold = Float(generator.next() >> 40) * 0x1p-24 * total
        var cumulative: Float = 0
        for i in 0..<count {
            cumulative += scratch[i]
            if cumulative > threshold { return i }
        }
        return count - 1
    }
}
