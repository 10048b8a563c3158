import AudioDSP
import Foundation
import TestSupport
import XCTest

final class DecibelsTests: XCTestCase {
    private func clipMel(power: Bool) throws -> Spectrogram {
        let mel = try fixture(power ? "clip_mel_power.npy" : "clip_mel_magnitude.npy")
        return Spectrogram(values: mel.values, rowCount: mel.shape[0], frameCount: mel.shape[1])
    }

    /// `power_to_db` / `amplitude_to_db` with fixed and maximum references, with and without `top_db`, match
    /// librosa within 1e-3 dB.
    func testMatchesLibrosa() throws {
        let power = try clipMel(power: true)
        let amplitude = Spectrogram(values: power.values.map { $0.squareRoot() }, rowCount: power.rowCount,
                                    frameCount: power.frameCount)
        let cases: [(String, Spectrogram)] = [
            ("clip_power_db_refmax.npy", Decibels.powerToDecibels(power, reference: .maximum)),
            ("clip_power_db_ref1_notop.npy", Decibels.powerToDecibels(power, topDB: nil)),
            ("clip_amplitude_db_ref1.npy", Decibels.amplitudeToDecibels(amplitude)),
            ("clip_amplitude_db_refmax_top60.npy", Decibels.amplitudeToDecibels(amplitude, reference: .maximum, topDB: 60)),
        ]
        for (name, actual) in cases {
            assertClose(actual.values, try fixture(name).values, relative: 0, absolute: 1e-3, name)
        }
    }

    /// The inverse conversions undo the forward ones above the floors.
    func testInversesRoundTrip() throws {
        let power = try clipMel(power: true)
        let decibels = Decibels.powerToDecibels(power, reference: .value(2), topDB: nil)
        let back = Decibels.decibelsToPower(decibels, reference: 2)
        for (value, restored) in zip(power.values, back.values) where value > 1e-9 {
            XCTAssertEqual(restored, value, accuracy: value * 1e-5)
        }
        let amplitude = Spectrogram(values: [1e-3, 0.5, 2, 40], rowCount: 2, frameCount: 2)
        let amplitudeBack = Decibels.decibelsToAmplitude(
            Decibels.amplitudeToDecibels(amplitude, reference: .value(3), topDB: nil), reference: 3)
        assertClose(amplitudeBack.values, amplitude.values, relative: 1e-5)
    }

    func testFloors() {
        let s = Spectrogram(values: [0, 1e-12, 1, 100], rowCount: 1, frameCount: 4)
        XCTAssertEqual(Decibels.powerToDecibels(s, topDB: nil).values, [-100, -100, 0, 20])
        XCTAssertEqual(Decibels.powerToDecibels(s, topDB: 30).values, [-10, -10, 0, 20])
        XCTAssertEqual(Decibels.powerToDecibels(s, reference: .maximum, topDB: nil).values, [-120, -120, -20, 0])
    }
}
