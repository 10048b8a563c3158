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
        let audio = try GriffinLim(stft: stft).reconstruct(magnitude: magnitude, sampleCount: clip.sampleCount)
        let pitch = try PitchTracker(minimumFrequency: 65, maximumFrequency: 2093)(clip.samples)
        let higher = try PitchShift(envelope: .preserve)(clip.samples, sampleRate: 22_050, semitones: 4)

        XCTAssertEqual(magnitude.rowCount, 513)
        XCTAssertEqual(decibels.rowCount, 80)
        XCTAssertEqual(audio.count, clip.samples.count)
        XCTAssertEqual(higher.count, clip.samples.count)
        XCTAssertGreaterThan(pitch.voicedFlags.filter { $0 }.count, pitch.frameCount / 4)
    }

    /// The overview's front-end example: features of the default front end, and their picture.
    func testTheFrontEndExampleRuns() throws {
        let clip = try AudioFile.read(Samples.url("speech_male_us.wav"), sampleRate: 22_050)
        let folder = try makeTemporaryDirectory(self)
        let previous = FileManager.default.currentDirectoryPath
        _ = FileManager.default.changeCurrentDirectoryPath(folder.path)
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }

        let features = try FrontEnd.default.analyze(clip)                  // [80, frames], log-clamped amplitude mel
        try SpectrogramImage.writeColorMapped([(features: features, url: URL(fileURLWithPath: "mel.png"))])

        XCTAssertEqual(features.spectrogram.rowCount, 80)
        let picture = try SpectrogramImage.read(folder.appendingPathComponent("mel.png"))
        XCTAssertEqual(picture.frontEnd, try features.inDecibels().frontEnd)
        XCTAssertEqual(picture.decibels.shape, features.spectrogram.shape)
    }
}
