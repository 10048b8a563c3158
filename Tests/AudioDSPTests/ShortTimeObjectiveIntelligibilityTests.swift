import AudioDSP
import Foundation
import TestSupport
import XCTest

final class ShortTimeObjectiveIntelligibilityTests: XCTestCase {
    /// pystoi's classic STOI of 2 s of speech at 10 kHz against low-passed + noisy, very noisy and delayed versions.
    func testScoresMatchPystoi() throws {
        let cases = try TransferMeasureFeatureCases.load()
        let clean = try TransferMeasureFeatureCases.array("stoi_clean.npy").values
        XCTAssertEqual(cases.stoi.count, 3)
        for (name, expected) in cases.stoi.sorted(by: { $0.key < $1.key }) {
            let processed = try TransferMeasureFeatureCases.array("stoi_\(name).npy").values
            let score = try ShortTimeObjectiveIntelligibility.score(clean: clean, processed: processed)
            XCTAssertEqual(score, expected, accuracy: 1e-6, name)
        }
    }

    /// Identical signals score 1 (also after a gain), a silent processed signal 0.
    func testIdenticalScoresOneAndSilenceZero() throws {
        let clean = try TransferMeasureFeatureCases.array("stoi_clean.npy").values
        XCTAssertEqual(try ShortTimeObjectiveIntelligibility.score(clean: clean, processed: clean), 1, accuracy: 1e-9)
        XCTAssertEqual(try ShortTimeObjectiveIntelligibility.score(clean: clean, processed: clean.map { $0 * 0.1 }), 1,
                       accuracy: 1e-6)
        let silence = [Float](repeating: 0, count: clean.count)
        XCTAssertEqual(try ShortTimeObjectiveIntelligibility.score(clean: clean, processed: silence), 0, accuracy: 1e-9)
    }

    func testBadInputsThrow() throws {
        let clean = try TransferMeasureFeatureCases.array("stoi_clean.npy").values
        let score = ShortTimeObjectiveIntelligibility.score
        assertAudioDSPError(try score(clean, Array(clean.dropLast()))) { if case .shapeMismatch = $0 { true } else { false } }
        assertAudioDSPError(try score([Float](repeating: 0, count: 5000), Array(clean.prefix(5000)))) {
            if case .silentInput = $0 { true } else { false }
        }
        assertAudioDSPError(try score([], [])) { if case .emptyInput = $0 { true } else { false } }
        var broken = clean
        broken[100] = .nan
        assertAudioDSPError(try score(clean, broken)) { if case .nonFiniteInput = $0 { true } else { false } }
        // 0.3 s of sound: 22 spectral frames, fewer than a 30-frame segment.
        assertAudioDSPError(try score(Array(clean.prefix(3000)), Array(clean.prefix(3000)))) {
            if case let .tooShort(_, frames, minimum) = $0 { frames < minimum && minimum == 30 } else { false }
        }
    }
}
