import Foundation

/// µ-law companding and quantisation into `µ + 1` classes, as WaveNet's 8-bit softmax output uses it (µ = 255,
/// 256 classes), with the semantics of `librosa.mu_compress` / `librosa.mu_expand` with `quantize=True`.
///
/// - Compression: `y = sign(x) · ln(1 + µ|x|) / ln(1 + µ)` for `x ∈ [−1, 1]`.
/// - Encoding: the class is `np.digitize(y, np.linspace(−1, 1, µ + 1), right=True)`, the smallest `i` with
///   `y ≤ −1 + 2i/µ`, in `0 ... µ`. librosa returns `i − (µ + 1) / 2` (signed, `−128 ... 127` for µ = 255); the
///   class here is that value plus `(µ + 1) / 2` (integer division), so it indexes a softmax directly.
/// - Decoding: `q = 2 (i − (µ + 1)/2) / (µ + 1)`, then `x = sign(q) · ((1 + µ)^|q| − 1) / µ`. As in librosa, the
///   grid is not symmetric: class 0 decodes to −1, class µ to slightly below 1 (`0.957` for µ = 255).
///
/// Computed in double precision (as NumPy does for float64 input), so the classes equal librosa's on float64 input.
/// Round-trip error `|decode(encode(x)) − x|` is at most `2/µ · ln(1 + µ)/µ · (1 + µ|x|)` (the compressed step times
/// the expansion's slope); for µ = 255 measured at most 7.4e-5 for `|x| < 0.001` and 0.043 at `x = 1` (`MuLawTests`).
public struct MuLaw: Sendable, Equatable {
    /// The compression parameter µ (librosa `mu`), `1 ... 65535`. Default 255 (8-bit WaveNet).
    public let mu: Int

    /// The number of classes, `µ + 1` (256 for µ = 255).
    public var classCount: Int { mu + 1 }

    /// Makes a µ-law codec.
    ///
    /// - Parameter mu: µ, `1 ... 65535`. Default 255.
    /// - Throws: ``VocodersError/invalidParameter(name:value:reason:)`` for µ out of range.
    public init(mu: Int = 255) throws {
        guard (1...65535).contains(mu) else {
            throw VocodersError.invalidParameter(name: "mu", value: "\(mu)", reason: "must be in 1...65535")
        }
        self.mu = mu
    }

    /// The compressed value `sign(x) · ln(1 + µ|x|) / ln(1 + µ)` in `[−1, 1]` (librosa `mu_compress(x, mu,
    /// quantize=False)`).
    ///
    /// - Precondition: `x` is in `[−1, 1]` (``encode(_:)`` checks this for user data).
    public func compressed(_ x: Float) -> Float {
        precondition(x >= -1 && x <= 1, "MuLaw.compressed: \(x) is outside [-1, 1]")
        return Float(compressedDouble(Double(x)))
    }

    /// The class index `0 ... µ` of every sample (librosa `mu_compress(x, mu, quantize=True) + (mu + 1) // 2`).
    ///
    /// - Parameter samples: audio in `[−1, 1]`.
    /// - Throws: ``VocodersError/sampleOutOfRange(index:value:)`` for the first sample outside `[−1, 1]` (or NaN).
    public func encode(_ samples: [Float]) throws -> [Int] {
        var classes = [Int](repeating: 0, count: samples.count)
        for (position, sample) in samples.enumerated() {
            guard sample >= -1 && sample <= 1 else {
                throw VocodersError.sampleOutOfRange(index: position, value: sample)
            }
            classes[position] = encode(sample)
        }
        return classes
    }

    /// The class of one sample in `[−1, 1]` (``encode(_:)`` without the check or the array).
    func encode(_ sample: Float) -> Int {
        let step = 2 / Double(mu)
        func edge(_ index: Int) -> Double { index == mu ? 1 : Double(index) * step - 1 }  // NumPy's linspace
        let y = compressedDouble(Double(sample))
        // Start from the analytic bin and step to the exact `right=True` bin of the rounded edges.
        var index = min(mu, max(0, Int(((y + 1) / step).rounded(.up))))
        while index > 0, y <= edge(index - 1) { index -= 1 }
        while index < mu, y > edge(index) { index += 1 }
        return index
    }

    /// The samples of class indices (librosa `mu_expand(i − (mu + 1) // 2, mu, quantize=True)`), in `[−1, 1)`.
    ///
    /// - Throws: ``VocodersError/classOutOfRange(index:value:maximum:)`` for the first index outside `0 ... µ`.
    public func decode(_ classes: [Int]) throws -> [Float] {
        let muValue = Double(mu), offset = (mu + 1) / 2, base = 1 + muValue
        return try classes.enumerated().map { position, index in
            guard (0...mu).contains(index) else {
                throw VocodersError.classOutOfRange(index: position, value: index, maximum: mu)
            }
            let q = Double(index - offset) * 2 / base
            let magnitude = (pow(base, abs(q)) - 1) / muValue
            return Float(q < 0 ? -magnitude : magnitude)
        }
    }

    private func compressedDouble(_ x: Double) -> Double {
        let y = Foundation.log1p(Double(mu) * abs(x)) / Foundation.log1p(Double(mu))
        return x < 0 ? -y : y
    }
}
