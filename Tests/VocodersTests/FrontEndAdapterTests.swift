import AudioDSP
import Foundation
import TestSupport
import Vocoders
import XCTest

/// A vocoder that keeps what it was asked to synthesise (the adapter's output) and returns silence.
private final class RecordingVocoder: Vocoder, @unchecked Sendable {
    let frontEnd: FrontEnd
    private(set) var received: AcousticFeatures?
    init(frontEnd: FrontEnd) { self.frontEnd = frontEnd }
    func synthesize(_ features: AcousticFeatures) throws -> Waveform {
        received = features
        return Waveform(samples: [Float](repeating: 0, count: features.sampleCount ?? 1), sampleRate: frontEnd.sampleRate)
    }
}

final class FrontEndAdapterTests: XCTestCase {
    private let log1pLinear = try! FrontEnd(sampleRate: 22_050, fftSize: 1024, hopLength: 256, frequencyAxis: .linear,
                                           valueScale: .log1p)

    func testConvertsToWhatTheTargetFrontEndWouldAnalyse() throws {
        let clip = Waveform(samples: Array(try AudioFile.read(Samples.url("speech_female_us.wav")).samples.prefix(11_025)),
                            sampleRate: 22_050)
        for target in [FrontEnd.default,
                       try FrontEnd(sampleRate: 22_050, fftSize: 1024, hopLength: 256, magnitudePower: 2,
                                    frequencyAxis: .linear, valueScale: .decibels(amin: 1e-10, topDB: nil))] {
            let recorder = RecordingVocoder(frontEnd: target)
            let adapter = try FrontEndAdapter(from: log1pLinear, to: recorder)
            _ = try adapter.synthesize(log1pLinear.analyze(clip))
            let expected = try target.analyze(clip)
            XCTAssertEqual(recorder.received?.frontEnd, target)
            XCTAssertEqual(recorder.received?.sampleCount, clip.sampleCount)
            let values = recorder.received!.spectrogram.values, reference = expected.spectrogram.values
            let worst = zip(values, reference).map { abs($0 - $1) }.max()!
            XCTAssertLessThan(worst, 2e-3, "largest difference \(worst) from \(target.valueScale)")
        }
    }

    /// A guided WaveNet behind the adapter refines Griffin-Lim of the source spectrogram (the guide's own vocoder on
    /// the source front end): every output sample is that rendering plus one decoded µ-law correction.
    func testGuidedWaveNetRefinesTheSourceRendering() throws {
        var configuration = TinyWaveNet.configuration
        let guide = WaveNet.Guide(kernelSize: 5, iterations: 4)
        configuration.guide = guide
        let vocoder = try WaveNetVocoder(model: TinyWaveNet.model(configuration: configuration), threadCount: 1)
        let source = try FrontEnd(sampleRate: 8000, fftSize: 256, hopLength: 16, frequencyAxis: .linear,
                                  valueScale: .log1p)
        let tone = (0..<800).map { Float(0.5 * sin(2 * Double.pi * 220 * Double($0) / 8000)) }
        let features = try source.analyze(Waveform(samples: tone, sampleRate: 8000))
        let output = try FrontEndAdapter(from: source, to: vocoder).synthesize(features).samples
        let rendering = try guide.vocoder(frontEnd: source).synthesize(features).samples
        XCTAssertEqual(rendering, try GriffinLimVocoder(frontEnd: source, iterations: 4).synthesize(features).samples)
        let corrections = try MuLaw(mu: 255).decode(Array(0...255))
        XCTAssertEqual(output.count, tone.count)
        for (sample, guide) in zip(output, rendering) where abs(sample) < 1 {
            let nearest = corrections.map { abs(sample - guide - $0) }.min()!
            XCTAssertLessThan(nearest, 1e-5, "\(sample) is not \(guide) plus a µ-law correction")
        }
        XCTAssertThrowsError(try vocoder.synthesize(features, guide: rendering))  // features of another front end
        let plain = try WaveNetVocoder(model: TinyWaveNet.model(), threadCount: 1)
        let mel = try TinyWaveNet.frontEnd.analyze(Waveform(samples: tone, sampleRate: 8000))
        XCTAssertThrowsError(try plain.synthesize(mel, guide: rendering)) {
            guard case .invalidParameter(name: "guides", _, _)? = $0 as? VocodersError else { return XCTFail("\($0)") }
        }
    }

    func testRejectsAnotherSTFTOrAMelSource() throws {
        let hop128 = try FrontEnd(sampleRate: 22_050, fftSize: 1024, hopLength: 128, frequencyAxis: .linear, valueScale: .log1p)
        XCTAssertThrowsError(try FrontEndAdapter(from: hop128, to: RecordingVocoder(frontEnd: .default))) { error in
            XCTAssertEqual(error as? AudioDSPError, .frontEndMismatch(field: .hopLength, expected: "256", actual: "128"))
        }
        XCTAssertThrowsError(try FrontEndAdapter(from: .default, to: RecordingVocoder(frontEnd: .default))) { error in
            guard case .invalidInput = error as? VocodersError else { return XCTFail("\(error)") }
        }
    }
}
