import AudioDSP
import XCTest

final class FFTWisdomTests: XCTestCase {
    /// The bundled wisdom parses (this FFTW accepts it) and is in place once a transform has been made.
    func testBundledWisdomIsImportedBeforeTheFirstPlan() throws {
        _ = try ShortTimeFourierTransform(fftSize: 1024, hopLength: 256)
        XCTAssertTrue(FFTWisdom.isBundledWisdomLoaded)
        XCTAssertTrue(FFTWisdom.bundled.hasPrefix("(fftw-3"), "bundled wisdom starts with FFTW's header")
        XCTAssertTrue(FFTWisdom.exportWisdom().contains("fftwf_wisdom"))
    }

    /// Text that is not wisdom is refused with an error naming `wisdom`; the wisdom already held is kept.
    func testImportRejectsTextThatIsNotWisdom() throws {
        _ = try ShortTimeFourierTransform(fftSize: 512)
        let before = FFTWisdom.exportWisdom()
        assertInvalidParameter(try FFTWisdom.importWisdom("(not wisdom at all"), named: "wisdom")
        assertInvalidParameter(try FFTWisdom.importWisdom(""), named: "wisdom")
        XCTAssertEqual(FFTWisdom.exportWisdom(), before)
    }

    /// Measured wisdom is FFTW wisdom text that imports again, and transforms planned after it still match the
    /// direct DFT.
    func testMeasuredWisdomImportsAndPlansAfterItAreCorrect() throws {
        defer { XCTAssertNoThrow(try FFTWisdom.importWisdom(FFTWisdom.bundled)) }
        let wisdom = FFTWisdom.measure(sizes: [96, 1], rigor: .measure)
        XCTAssertTrue(wisdom.hasPrefix("(fftw-3"))
        XCTAssertTrue(wisdom.contains("fftwf_"), "the measured plans left wisdom")
        XCTAssertFalse(FFTWisdom.isBundledWisdomLoaded, "measuring starts from empty wisdom")
        try FFTWisdom.importWisdom(wisdom)

        let n = 96
        let signal = (0..<300).map { Float(sin(0.37 * Double($0)) + 0.25 * cos(1.3 * Double($0))) }
        let stft = try ShortTimeFourierTransform(fftSize: n, hopLength: 24, window: .rectangular, center: false)
        let spectrum = try stft.forward(signal)
        for frame in [0, spectrum.frameCount - 1] {
            for k in [0, 1, 17, n / 2] {
                var re = 0.0, im = 0.0
                for t in 0..<n {
                    let angle = -2 * Double.pi * Double(k * t) / Double(n)
                    re += Double(signal[frame * 24 + t]) * cos(angle)
                    im += Double(signal[frame * 24 + t]) * sin(angle)
                }
                let index = k * spectrum.frameCount + frame
                XCTAssertEqual(Double(spectrum.real[index]), re, accuracy: 1e-4, "bin \(k), frame \(frame)")
                XCTAssertEqual(Double(spectrum.imag[index]), im, accuracy: 1e-4, "bin \(k), frame \(frame)")
            }
        }
    }
}
