import AudioDSP
import Foundation
import TestSupport
import Vocoders
import XCTest

final class FrontEndTests: XCTestCase {
    /// `analyze` reproduces librosa's feature pipelines (mel or linear, power or amplitude, dB / log1p / log-clamp).
    func testAnalysisMatchesLibrosa() throws {
        let clip = try VocoderFixtures.clip()
        let cases: [(String, FrontEnd, Float)] = [
            ("default", .default, 1e-4),
            ("htk_power_db", try FrontEnd(
                sampleRate: 22_050, fftSize: 512, hopLength: 128, window: .hamming, padMode: .reflect, magnitudePower: 2,
                frequencyAxis: .mel(.init(count: 40, minimumFrequency: 50, maximumFrequency: 11_025, scale: .htk,
                                          normalization: .none)),
                valueScale: .decibels(amin: 1e-10, topDB: 80)), 1e-4),
            ("linear_log1p", try FrontEnd(sampleRate: 22_050, fftSize: 256, hopLength: 128, windowLength: 200,
                                          frequencyAxis: .linear, valueScale: .log1p), 1e-5),
            ("linear_amplitude_db", try FrontEnd(sampleRate: 22_050, fftSize: 256, hopLength: 128, center: false,
                                                 frequencyAxis: .linear, valueScale: .decibels(amin: 1e-5, topDB: nil)), 2e-4),
        ]
        for (name, frontEnd, tolerance) in cases {
            let expected = try VocoderFixtures.spectrogram("frontend_\(name).npy")
            let features = try frontEnd.analyze(clip)
            XCTAssertEqual(features.spectrogram.shape, expected.shape, name)
            XCTAssertEqual(features.frontEnd, frontEnd)
            XCTAssertEqual(features.sampleCount, clip.sampleCount)
            // Log values: the tolerance is relative to the largest |value| (1e-4 · 80 dB = 8e-3 dB). Without a top-dB
            // floor, bins 70 dB below a frame's peak carry Float32 FFT rounding of ~1e-3 relative (0.011 dB): 2e-4.
            assertClose(features.spectrogram.values, expected.values, relative: tolerance, absolute: 1e-4, name)
        }
    }

    /// `unscaled` inverts `scaled` above the floors for every value scale and both powers.
    func testValueScalesRoundTrip() throws {
        let clip = try VocoderFixtures.clip()
        let scales: [(FrontEnd.ValueScale, Float)] = [
            (.linear, 1), (.linear, 2), (.decibels(amin: 1e-10, topDB: nil), 2), (.decibels(amin: 1e-5, topDB: nil), 1),
            (.log1p, 1), (.log1p, 2), (.logClamp(minimum: 1e-5), 1),
        ]
        for (scale, power) in scales {
            let frontEnd = try FrontEnd(sampleRate: 22_050, fftSize: 512, hopLength: 128, magnitudePower: power,
                                        frequencyAxis: .mel(.init(count: 40, maximumFrequency: 8000)), valueScale: scale)
            // Magnitudes with a floor above every scale's floor, so the round trip must be exact up to rounding.
            var magnitude = frontEnd.unscaled(try frontEnd.analyze(clip).spectrogram)
            for index in magnitude.values.indices { magnitude.values[index] = max(magnitude.values[index], 1e-3) }
            let roundTrip = frontEnd.unscaled(frontEnd.scaled(magnitude))
            for (a, b) in zip(roundTrip.values, magnitude.values) {
                XCTAssertEqual(a, b, accuracy: 2e-6 * b + 1e-9, "\(scale), power \(power)")
            }
        }
        // A top-dB floor is not undone: floored values come back as the floor, the rest exactly.
        let floored = try FrontEnd(sampleRate: 22_050, fftSize: 512, hopLength: 128, magnitudePower: 2,
                                   frequencyAxis: .linear, valueScale: .decibels(amin: 1e-10, topDB: 20))
        let power = Spectrogram(values: [1, 0.1, 1e-3, 1e-6], rowCount: 1, frameCount: 4)
        assertClose(floored.scaled(power).values, [0, -10, -20, -20], relative: 0, absolute: 1e-5)
        assertClose(floored.unscaled(floored.scaled(power)).values, [1, 0.1, 1e-2, 1e-2], relative: 1e-6)
    }

    /// `inDecibels` is librosa's default dB of the unscaled magnitude, on a front end that differs only in its value
    /// scale; decibels need magnitude power 1 or 2.
    func testFeaturesInDecibels() throws {
        let clip = try VocoderFixtures.clip()
        let features = try FrontEnd.default.analyze(clip)
        let decibels = try features.inDecibels()
        XCTAssertEqual(decibels.spectrogram,
                       Decibels.amplitudeToDecibels(FrontEnd.default.unscaled(features.spectrogram)))
        XCTAssertEqual(decibels.frontEnd.valueScale, .decibels(amin: 1e-5, topDB: 80))
        XCTAssertEqual(decibels.frontEnd.value(of: .frequencyAxis), "mel")
        XCTAssertEqual(decibels.sampleCount, features.sampleCount)
        let power = try FrontEnd(sampleRate: 22_050, fftSize: 512, hopLength: 128, magnitudePower: 2,
                                 frequencyAxis: .linear, valueScale: .log1p)
        let powerFeatures = try power.analyze(clip)
        XCTAssertEqual(try powerFeatures.inDecibels().spectrogram,
                       Decibels.powerToDecibels(power.unscaled(powerFeatures.spectrogram)))
        let odd = try FrontEnd(sampleRate: 22_050, fftSize: 512, hopLength: 128, magnitudePower: 1.5,
                               frequencyAxis: .linear, valueScale: .linear)
        XCTAssertThrowsError(try odd.analyze(clip).inDecibels()) { error in
            guard case .invalidParameter(name: "magnitudePower", _, _)? = error as? AudioDSPError else {
                return XCTFail("\(error)")
            }
        }
    }

    /// Each field that differs is named by the error: the vocoder rejects features of any other front end.
    func testMismatchOfEveryFieldIsRejectedByName() throws {
        let bands = FrontEnd.MelBands(count: 80, minimumFrequency: 0, maximumFrequency: 8000)
        func make(sampleRate: Int = 22_050, fftSize: Int = 1024, hopLength: Int = 256, windowLength: Int = 1024,
                  window: WindowFunction = .hann, center: Bool = true,
                  padMode: ShortTimeFourierTransform.PadMode = .constant, magnitudePower: Float = 1,
                  frequencyAxis: FrontEnd.FrequencyAxis? = nil,
                  valueScale: FrontEnd.ValueScale = .logClamp(minimum: 1e-5)) throws -> FrontEnd {
            try FrontEnd(sampleRate: sampleRate, fftSize: fftSize, hopLength: hopLength, windowLength: windowLength,
                         window: window, center: center, padMode: padMode, magnitudePower: magnitudePower,
                         frequencyAxis: frequencyAxis ?? .mel(bands), valueScale: valueScale)
        }
        func withBands(_ change: (inout FrontEnd.MelBands) -> Void) -> FrontEnd.FrequencyAxis {
            var changed = bands
            change(&changed)
            return .mel(changed)
        }
        let base = try make()
        XCTAssertEqual(base, FrontEnd.default)
        let variants: [(FrontEnd.Field, FrontEnd, String, String)] = [
            (.sampleRate, try make(sampleRate: 16_000), "22050", "16000"),
            (.fftSize, try make(fftSize: 2048), "1024", "2048"),
            (.hopLength, try make(hopLength: 128), "256", "128"),
            (.windowLength, try make(windowLength: 800), "1024", "800"),
            (.window, try make(window: .hamming), "hann", "hamming"),
            (.center, try make(center: false), "true", "false"),
            (.padMode, try make(padMode: .reflect), "constant", "reflect"),
            (.magnitudePower, try make(magnitudePower: 2), "1.0", "2.0"),
            (.frequencyAxis, try make(frequencyAxis: .linear), "mel", "linear"),
            (.melBandCount, try make(frequencyAxis: withBands { $0.count = 64 }), "80", "64"),
            (.minimumFrequency, try make(frequencyAxis: withBands { $0.minimumFrequency = 50 }), "0.0", "50.0"),
            (.maximumFrequency, try make(frequencyAxis: withBands { $0.maximumFrequency = 7600 }), "8000.0", "7600.0"),
            (.melScale, try make(frequencyAxis: withBands { $0.scale = .htk }), "slaney", "htk"),
            (.melNormalization, try make(frequencyAxis: withBands { $0.normalization = .none }), "slaney", "none"),
            (.valueScale, try make(valueScale: .log1p), "logClamp(minimum: 1e-05)", "log1p"),
        ]
        XCTAssertEqual(Set(variants.map(\.0)), Set(FrontEnd.Field.allCases), "every field is exercised")
        let vocoder = try GriffinLimVocoder(frontEnd: base, iterations: 1)
        for (field, variant, expected, actual) in variants {
            XCTAssertNotEqual(variant, base)
            // Features made from audio with the other front end, as a user would make them.
            let tone = (0..<(variant.sampleRate / 4)).map { sin(Float($0) * 0.05) * 0.5 }
            let features = try variant.analyze(Waveform(samples: tone, sampleRate: variant.sampleRate))
            XCTAssertThrowsError(try vocoder.synthesize(features), "\(field)") { error in
                XCTAssertEqual(error as? AudioDSPError,
                               .frontEndMismatch(field: field, expected: expected, actual: actual))
            }
        }
        XCTAssertNoThrow(try base.requireMatch(FrontEnd.default))
    }

    /// A bare spectrogram of the wrong height is rejected before any vocoder runs: the mel band count (mel) or the
    /// FFT size (linear) is named.
    func testWrongRowCountIsRejected() throws {
        let vocoder = try GriffinLimVocoder()
        let sixtyFour = Spectrogram(values: [Float](repeating: 0, count: 64 * 10), rowCount: 64, frameCount: 10)
        XCTAssertThrowsError(try vocoder.synthesize(sixtyFour, frontEnd: .default)) { error in
            XCTAssertEqual(error as? AudioDSPError, .frontEndMismatch(field: .melBandCount, expected: "80", actual: "64"))
        }
        let linear = try FrontEnd(sampleRate: 22_050, fftSize: 1024, hopLength: 256, frequencyAxis: .linear,
                                  valueScale: .linear)
        XCTAssertThrowsError(try AcousticFeatures(spectrogram: sixtyFour, frontEnd: linear)) { error in
            guard case let .frontEndMismatch(field, expected, _)? = error as? AudioDSPError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(field, .fftSize)
            XCTAssertEqual(expected, "1024 (513 bins)")
        }
        // A sample count that does not give the spectrogram's frame count.
        let eighty = Spectrogram(values: [Float](repeating: 0, count: 80 * 10), rowCount: 80, frameCount: 10)
        XCTAssertNoThrow(try AcousticFeatures(spectrogram: eighty, frontEnd: .default, sampleCount: 9 * 256))
        XCTAssertThrowsError(try AcousticFeatures(spectrogram: eighty, frontEnd: .default, sampleCount: 5000)) { error in
            guard case .invalidParameter(name: "sampleCount", _, _)? = error as? AudioDSPError else {
                return XCTFail("\(error)")
            }
        }
    }

    func testAnalysisRejectsOtherRatesAndStereo() throws {
        let tone = [Float](repeating: 0.1, count: 4000)
        XCTAssertThrowsError(try FrontEnd.default.analyze(Waveform(samples: tone, sampleRate: 44_100))) { error in
            XCTAssertEqual(error as? AudioDSPError, .frontEndMismatch(field: .sampleRate, expected: "22050", actual: "44100"))
        }
        XCTAssertThrowsError(try FrontEnd.default.analyze(Waveform(channels: [tone, tone], sampleRate: 22_050))) { error in
            guard case .shapeMismatch(what: "waveform", _, _)? = error as? AudioDSPError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try FrontEnd.default.analyze(Waveform(samples: [0, .nan, 0], sampleRate: 22_050))) { error in
            guard case .nonFiniteInput? = error as? AudioDSPError else { return XCTFail("\(error)") }
        }
    }

    /// Out-of-range parameters throw `invalidParameter` naming the parameter.
    func testInvalidParametersAreNamed() {
        func name(_ body: () throws -> FrontEnd) -> String? {
            do {
                _ = try body()
                return nil
            } catch let AudioDSPError.invalidParameter(name, _, _) {
                return name
            } catch {
                return "unexpected \(error)"
            }
        }
        let mel = FrontEnd.FrequencyAxis.mel(.init(count: 80, maximumFrequency: 8000))
        XCTAssertEqual(name { try FrontEnd(sampleRate: 0, fftSize: 1024, hopLength: 256, frequencyAxis: .linear, valueScale: .linear) }, "sampleRate")
        XCTAssertEqual(name { try FrontEnd(sampleRate: 22_050, fftSize: 1, hopLength: 1, frequencyAxis: .linear, valueScale: .linear) }, "fftSize")
        XCTAssertEqual(name { try FrontEnd(sampleRate: 22_050, fftSize: 1024, hopLength: 2000, frequencyAxis: .linear, valueScale: .linear) }, "hopLength")
        XCTAssertEqual(name { try FrontEnd(sampleRate: 22_050, fftSize: 1024, hopLength: 256, windowLength: 2048, frequencyAxis: .linear, valueScale: .linear) }, "windowLength")
        XCTAssertEqual(name { try FrontEnd(sampleRate: 22_050, fftSize: 1024, hopLength: 256, magnitudePower: 0, frequencyAxis: .linear, valueScale: .linear) }, "magnitudePower")
        XCTAssertEqual(name { try FrontEnd(sampleRate: 16_000, fftSize: 1024, hopLength: 256, frequencyAxis: .mel(.init(count: 80, maximumFrequency: 11_025)), valueScale: .linear) }, "maximumFrequency")
        XCTAssertEqual(name { try FrontEnd(sampleRate: 22_050, fftSize: 1024, hopLength: 256, frequencyAxis: .mel(.init(count: 0, maximumFrequency: 8000)), valueScale: .linear) }, "melBandCount")
        XCTAssertEqual(name { try FrontEnd(sampleRate: 22_050, fftSize: 1024, hopLength: 256, magnitudePower: 1.5, frequencyAxis: mel, valueScale: .decibels(amin: 1e-5, topDB: 80)) }, "magnitudePower")
        XCTAssertEqual(name { try FrontEnd(sampleRate: 22_050, fftSize: 1024, hopLength: 256, frequencyAxis: mel, valueScale: .decibels(amin: 0, topDB: 80)) }, "amin")
        XCTAssertEqual(name { try FrontEnd(sampleRate: 22_050, fftSize: 1024, hopLength: 256, frequencyAxis: mel, valueScale: .decibels(amin: 1e-5, topDB: -1)) }, "topDB")
        XCTAssertEqual(name { try FrontEnd(sampleRate: 22_050, fftSize: 1024, hopLength: 256, frequencyAxis: mel, valueScale: .logClamp(minimum: 0)) }, "minimum")
    }

    /// JSON round trip (as a checkpoint stores it), and decoding validates.
    func testCodableRoundTripAndValidatedDecoding() throws {
        let frontEnds = [FrontEnd.default, try FrontEnd(
            sampleRate: 16_000, fftSize: 512, hopLength: 160, windowLength: 400, window: .hamming, center: false,
            padMode: .reflect, magnitudePower: 2, frequencyAxis: .linear, valueScale: .decibels(amin: 1e-10, topDB: nil))]
        for frontEnd in frontEnds {
            let json = try JSONEncoder().encode(frontEnd)
            XCTAssertEqual(try JSONDecoder().decode(FrontEnd.self, from: json), frontEnd)
        }
        var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(FrontEnd.default)) as! [String: Any]
        object["hopLength"] = 0
        XCTAssertThrowsError(try JSONDecoder().decode(FrontEnd.self, from: JSONSerialization.data(withJSONObject: object))) { error in
            guard case .invalidParameter(name: "hopLength", _, _)? = error as? AudioDSPError else { return XCTFail("\(error)") }
        }
        object["hopLength"] = 256
        object["window"] = "kaiser"
        XCTAssertThrowsError(try JSONDecoder().decode(FrontEnd.self, from: JSONSerialization.data(withJSONObject: object))) { error in
            guard case let .dataCorrupted(context)? = error as? DecodingError else { return XCTFail("\(error)") }
            XCTAssertEqual(context.codingPath.last?.stringValue, "window")
            XCTAssertTrue(context.debugDescription.contains("kaiser"), context.debugDescription)
        }
    }
}
