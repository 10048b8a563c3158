import Foundation

/// The per-sample arithmetic of ``WaveNetGenerator``: small matrix–vector products and the gate's
/// transcendental functions, written with `SIMD16<Float>` so they vectorise without compiler flags (float
/// reductions do not auto-vectorise, and `Foundation.tanh` costs ~20 ns a call).
enum WaveNetKernels {
    /// `y += W · x` for a column-major `W` (`w[j · rows + i]` is row `i`, column `j`), `rows × columns`.
    ///
    /// Rows go in blocks of 16 held in one `SIMD16` accumulator while all columns stream by, so there is no
    /// horizontal sum; leftover rows are done one by one.
    @inline(__always)
    static func multiplyAccumulate(
        _ w: UnsafePointer<Float>, rows: Int, columns: Int, _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>
    ) {
        let rawW = UnsafeRawPointer(w), rawY = UnsafeMutableRawPointer(y)
        var row = 0
        while row + 16 <= rows {
            var accumulator = rawY.loadUnaligned(fromByteOffset: row * 4, as: SIMD16<Float>.self)
            var offset = row * 4
            for column in 0..<columns {
                accumulator += rawW.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self) * x[column]
                offset += rows * 4
            }
            rawY.storeBytes(of: accumulator, toByteOffset: row * 4, as: SIMD16<Float>.self)
            row += 16
        }
        while row < rows {
            var sum = y[row]
            for column in 0..<columns { sum += w[column * rows + row] * x[column] }
            y[row] = sum
            row += 1
        }
    }

    /// `e^x` for 16 lanes: Cephes' `expf` (range reduction by `ln 2`, degree-6 polynomial, exponent bits set
    /// directly); relative error below 2e-7 on `[−87, 88]`, inputs clamped to that range.
    @inline(__always)
    static func exp(_ x: SIMD16<Float>) -> SIMD16<Float> {
        let clamped = x.clamped(lowerBound: SIMD16(repeating: -87), upperBound: SIMD16(repeating: 88))
        // Round x·log2(e) to the nearest integer n with the 1.5·2²³ trick: the sum's low mantissa bits hold n.
        let magic = SIMD16<Float>(repeating: 12_582_912)
        let shifted = clamped * 1.442_695_04 + magic
        let n = shifted - magic
        let r = clamped - n * 0.693_359_375 + n * 2.121_944_4e-4
        var p = SIMD16<Float>(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        p = p * r * r + r + 1
        let exponent = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- unsafeBitCast(magic, to: SIMD16<Int32>.self)
        let scale = unsafeBitCast((exponent &+ 127) &<< 23, to: SIMD16<Float>.self)
        return p * scale
    }

    /// The gated unit `a[j] = tanh(z[j]) · σ(z[j + half])` for `j < half`.
    ///
    /// `tanh(u) = 1 − 2/(e^{2u} + 1)` and `σ(v) = 1/(1 + e^{−v})` from ``exp(_:)``; absolute error below 1e-6.
    @inline(__always)
    static func gate(_ z: UnsafePointer<Float>, half: Int, into a: UnsafeMutablePointer<Float>) {
        let rawZ = UnsafeRawPointer(z), rawA = UnsafeMutableRawPointer(a)
        var j = 0
        while j + 16 <= half {
            let u = rawZ.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self)
            let v = rawZ.loadUnaligned(fromByteOffset: (j + half) * 4, as: SIMD16<Float>.self)
            let tanhU = 1 - 2 / (exp(2 * u) + 1)
            let sigmoidV = 1 / (1 + exp(-v))
            rawA.storeBytes(of: tanhU * sigmoidV, toByteOffset: j * 4, as: SIMD16<Float>.self)
            j += 16
        }
        while j < half {
            a[j] = Foundation.tanh(z[j]) / (1 + Foundation.exp(-z[j + half]))
            j += 1
        }
    }

    /// `p[i] = e^{(l[i] − max l) / temperature}` for every `i`, returning `Σ p` (summed in index order).
    @inline(__always)
    static func unnormalizedSoftmax(
        _ logits: UnsafePointer<Float>, count: Int, temperature: Float, into p: UnsafeMutablePointer<Float>
    ) -> Float {
        var maximum = -Float.infinity
        for i in 0..<count { maximum = max(maximum, logits[i]) }
        let rawL = UnsafeRawPointer(logits), rawP = UnsafeMutableRawPointer(p), inverse = 1 / temperature
        var i = 0
        while i + 16 <= count {
            let l = rawL.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            rawP.storeBytes(of: exp((l - maximum) * inverse), toByteOffset: i * 4, as: SIMD16<Float>.self)
            i += 16
        }
        while i < count {
            p[i] = Foundation.exp((logits[i] - maximum) * inverse)
            i += 1
        }
        var total: Float = 0
        for i in 0..<count { total += p[i] }
        return total
    }
}
