import Foundation
import TestSupport
import Vocoders
import XCTest

final class MuLawTests: XCTestCase {
    /// Classes equal librosa's `mu_compress(x, quantize=True) + (mu + 1) // 2` exactly (including inputs that land on
    /// bin edges), and decoding equals `mu_expand(..., quantize=True)`, for µ = 255 and µ = 15.
    func testMatchesLibrosa() throws {
        let input = try VocoderFixtures.array("mulaw_input.npy").values
        for mu in [255, 15] {
            let codec = try MuLaw(mu: mu)
            let classes = try codec.encode(input)
            let expected = try VocoderFixtures.array("mulaw_mu\(mu)_classes.npy").values.map { Int($0) }
            XCTAssertEqual(classes.count, expected.count)
            let differing = zip(classes, expected).enumerated().filter { $0.element.0 != $0.element.1 }
            XCTAssertTrue(differing.isEmpty, "µ \(mu): \(differing.prefix(5).map { ($0.offset, input[$0.offset], $0.element) })")
            XCTAssertEqual(classes.min(), 0)
            XCTAssertEqual(classes.max(), mu)
            let decoded = try codec.decode(classes)
            assertClose(decoded, try VocoderFixtures.array("mulaw_mu\(mu)_decoded.npy").values, relative: 0, absolute: 1e-7)
        }
    }

    /// `|decode(encode(x)) − x| ≤ 2/µ · ln(1 + µ)/µ · (1 + µ|x|)` on a dense grid (the quantisation step 2/µ of the
    /// compressed value times the slope of the expansion); worst cases measured: 7.4e-5 for |x| < 0.001, 0.043 at 1.
    func testRoundTripErrorBound() throws {
        let codec = try MuLaw()
        XCTAssertEqual(codec.classCount, 256)
        let grid = (0...20_000).map { Float($0) / 10_000 - 1 }
        let decoded = try codec.decode(try codec.encode(grid))
        let mu = Float(255), slope = log1p(mu) / mu
        var worstNearZero: Float = 0, worstOverall: Float = 0
        for (x, y) in zip(grid, decoded) {
            let error = abs(y - x)
            XCTAssertLessThanOrEqual(error, 2 / mu * slope * (1 + mu * abs(x)) + 1e-6, "x = \(x)")
            if abs(x) < 0.001 { worstNearZero = max(worstNearZero, error) }
            worstOverall = max(worstOverall, error)
        }
        XCTAssertLessThan(worstNearZero, 1e-4)
        XCTAssertLessThan(worstOverall, 0.05)
        // Compression without quantisation: librosa's documented values.
        XCTAssertEqual(codec.compressed(-1), -1)
        XCTAssertEqual(codec.compressed(0), 0)
        XCTAssertEqual(codec.compressed(1.0 / 15), 0.52124063, accuracy: 1e-6)  // librosa's docstring example (µ 255)
    }

    func testOutOfRangeInputThrows() throws {
        let codec = try MuLaw()
        XCTAssertThrowsError(try codec.encode([0, 1.0001])) { error in
            XCTAssertEqual(error as? VocodersError, .sampleOutOfRange(index: 1, value: 1.0001))
        }
        XCTAssertThrowsError(try codec.encode([.nan])) { error in
            guard case .sampleOutOfRange(index: 0, value: let value)? = error as? VocodersError, value.isNaN else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try codec.decode([0, 256])) { error in
            XCTAssertEqual(error as? VocodersError, .classOutOfRange(index: 1, value: 256, maximum: 255))
        }
        XCTAssertThrowsError(try codec.decode([-1])) { error in
            XCTAssertEqual(error as? VocodersError, .classOutOfRange(index: 0, value: -1, maximum: 255))
        }
        XCTAssertThrowsError(try MuLaw(mu: 0)) { error in
            guard case .invalidParameter(name: "mu", _, _)? = error as? VocodersError else { return XCTFail("\(error)") }
        }
    }
}
