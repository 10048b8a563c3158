import AudioDSP
import Foundation
import TestSupport
import XCTest

final class ResamplingTests: XCTestCase {
    private func sine(frequency: Double, amplitude: Double, sampleRate: Int, count: Int) -> [Float] {
        (0..<count).map { Float(amplitude * sin(2 * Double.pi * frequency * Double($0) / Double(sampleRate))) }
    }

    /// Amplitude and phase of `frequency` in `x` by least squares against sin and cos (over the whole slice).
    private func fit(_ x: ArraySlice<Float>, frequency: Double, sampleRate: Int) -> (
        amplitude: Double, residual: Double
    ) {
        var ss = 0.0
        var sc = 0.0
        var cc = 0.0
        var xs = 0.0
        var xc = 0.0
        for i in x.indices {
            let phase = 2 * Double.pi * frequency * Double(i) / Double(sampleRate)
            let s = sin(phase)
            let c = cos(phase)
            let v = Double(x[i])
            ss += s * s
            sc += s * c
            cc += c * c
            xs += v * s
            xc += v * c
        }
        let det = ss * cc - sc * sc
        let a = (xs * cc - xc * sc) / det
        let b = (xc * ss - xs * sc) / det
        var residual = 0.0
        for i in x.indices {
            let phase = 2 * Double.pi * frequency * Double(i) / Double(sampleRate)
            residual = max(residual, abs(Double(x[i]) - a * sin(phase) - b * cos(phase)))
        }
        return ((a * a + b * b).squareRoot(), residual)
    }

    func testSineKeepsItsFrequencyAmplitudeAndPhaseAtEveryQuality() throws {
        let input = Waveform(
            samples: sine(frequency: 1000, amplitude: 0.5, sampleRate: 44_100, count: 11_025),
            sampleRate: 44_100)
        // `.fft` keeps the clip's duration (5513 samples over 0.25 s is not 22.05 kHz exactly): tested below.
        for quality in ResampleQuality.allCases where quality != .zeroOrderHold && quality != .fft {
            let output = try input.resampled(to: 22_050, quality: quality)
            XCTAssertEqual(output.sampleRate, 22_050)
            XCTAssertEqual(output.sampleCount, 5513)  // ceil(11025 / 2), as librosa
            // Away from the edges, where the filters see zero padding.
            let (amplitude, residual) = fit(output.samples[200..<5300], frequency: 1000, sampleRate: 22_050)
            let tolerance = quality == .linear ? 5e-3 : 1e-4
            XCTAssertEqual(amplitude, 0.5, accuracy: tolerance, "\(quality)")
            XCTAssertLessThan(residual, quality == .linear ? 1e-2 : 1e-3, "\(quality)")
        }
    }

    func testFFTResamplingIsExactOnAPeriodicBandLimitedSignal() throws {
        // 0.2 s: 200 whole periods of 1 kHz, and a whole number of samples at both rates.
        let input = Waveform(
            samples: sine(frequency: 1000, amplitude: 0.5, sampleRate: 44_100, count: 8820), sampleRate: 44_100)
        for rate in [22_050, 16_000, 48_000] {
            let output = try input.resampled(to: rate, quality: .fft)
            XCTAssertEqual(output.sampleCount, 8820 * rate / 44_100)
            let expected = sine(frequency: 1000, amplitude: 0.5, sampleRate: rate, count: output.sampleCount)
            assertClose(output.samples, expected, relative: 2e-5, "\(rate) Hz")  // edges included: nothing leaks
        }
        XCTAssertEqual(try input.resampled(to: 44_100 * 300, quality: .fft).sampleCount, 8820 * 300)  // any ratio
    }

    func testUpsamplingAndEqualRates() throws {
        let input = Waveform(
            samples: sine(frequency: 440, amplitude: 0.25, sampleRate: 8000, count: 4000),
            sampleRate: 8000)
        XCTAssertEqual(try input.resampled(to: 8000), input)
        let output = try input.resampled(to: 48_000)
        XCTAssertEqual(output.sampleCount, 24_000)
        let (amplitude, residual) = fit(output.samples[1000..<23_000], frequency: 440, sampleRate: 48_000)
        XCTAssertEqual(amplitude, 0.25, accuracy: 1e-4)
        XCTAssertLessThan(residual, 1e-3)
    }

    func testInvalidRatesThrow() {
        let input = Waveform(samples: [0, 1, 0], sampleRate: 8000)
        XCTAssertThrowsError(try input.resampled(to: 0)) {
            guard case .invalidParameter(name: "sampleRate", value: "0", _)? = $0 as? AudioDSPError else {
                return XCTFail("\($0)")
            }
        }
        assertInvalidParameter(try input.resampled(to: 8000 * 300), named: "sampleRate")
        // 3 samples at 1 Hz to 2³² Hz: 1.3·10¹⁰ output samples, beyond one FFTW transform; refused before allocating.
        let tiny = Waveform(samples: [0, 1, 0], sampleRate: 1)
        assertInvalidParameter(try tiny.resampled(to: 1 << 32, quality: .fft), named: "sampleRate")
    }
}
