import AudioDSP
import Foundation
import TestSupport
import XCTest

/// The example of AudioDSP's DocC overview (`Sources/AudioDSP/AudioDSP.docc/AudioDSP.md`), line for line, on a
/// bundled clip.
final class OverviewExampleTests: XCTestCase {
    func testTheOverviewExampleRuns() throws {
        let clip = try AudioFile.read(Samples.url("speech_male_us.wav"), sampleRate: 22_050)
        let stft = try ShortTimeFourierTransform(fftSize: 1024, hopLength: 256)
        let magnitude = try stft.magnitude(clip.samples)
        let mel = try MelFilterbank(sampleRate: 22_050, fftSize: 1024, melBandCount: 80)
        let decibels = Decibels.powerToDecibels(try melSpectrogram(clip.samples, stft: stft, filterbank: mel))
        let audio = try GriffinLim(stft: stft).reconstruct(magnitude: magnitude, length: clip.frameCount)
        let pitch = try PitchTracker(minimumFrequency: 65, maximumFrequency: 2093)(clip.samples)
        let higher = try PitchShift(envelope: .preserve)(clip.samples, sampleRate: 22_050, semitones: 4)

        XCTAssertEqual(magnitude.binCount, 513)
        XCTAssertEqual(decibels.binCount, 80)
        XCTAssertEqual(audio.count, clip.samples.count)
        XCTAssertEqual(higher.count, clip.samples.count)
        XCTAssertGreaterThan(pitch.voicedFlags.filter { $0 }.count, pitch.frameCount / 4)
    }
}
