import AudioDSP
import Foundation
import TestSupport
import XCTest

final class AudioFileTests: XCTestCase {
    /// Deterministic samples in [−1, 1) from a fixed linear congruential sequence.
    private func noise(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(state >> 40) / Float(1 << 23) - 1
        }
    }

    private func roundTrip(_ waveform: Waveform, _ format: AudioFileFormat, name: String) throws -> Waveform {
        let url = try makeTemporaryDirectory(self).appendingPathComponent(name)
        try AudioFile.write(waveform, to: url, format: format)
        return try AudioFile.read(url, mono: false)
    }

    func testIntegerFormatsRoundTripWithinHalfAStep() throws {
        let original = Waveform(channels: [noise(4000, seed: 1), noise(4000, seed: 2)], sampleRate: 44_100)
        for (format, bits, ext) in [
            (AudioFileFormat.wav16, 16, "wav"), (.wav24, 24, "wav"), (.flac, 16, "flac"),
            (.flac24, 24, "flac"),
        ] {
            let read = try roundTrip(original, format, name: "x.\(ext)")
            XCTAssertEqual(read.sampleRate, 44_100)
            XCTAssertEqual(read.channelCount, 2)
            let step = 1 / Float(1 << (bits - 1))
            for c in 0..<2 {
                assertClose(
                    read.channels[c], original.channels[c], relative: 0, absolute: step / 2 * 1.0001, "\(format)")
            }
        }
    }

    func testFloatWAVIsExactIncludingValuesAboveFullScale() throws {
        var samples = noise(1000, seed: 3)
        samples[10] = 1.75
        samples[11] = -3
        let read = try roundTrip(Waveform(samples: samples, sampleRate: 16_000), .wavFloat, name: "x.wav")
        XCTAssertEqual(read.samples, samples)
        XCTAssertEqual(read.sampleRate, 16_000)
    }

    func testIntegerFormatsClipOutOfRangeSamples() throws {
        let read = try roundTrip(Waveform(samples: [2, -2, 0.5], sampleRate: 8000), .wav16, name: "x.wav")
        XCTAssertEqual(read.samples, [32767 / 32768, -1, 0.5])
    }

    func testMonoReadIsTheMeanOfTheChannelsAsLibrosa() throws {
        let channels = [noise(500, seed: 4), noise(500, seed: 5), noise(500, seed: 6)]
        let url = try makeTemporaryDirectory(self).appendingPathComponent("three.wav")
        try AudioFile.write(Waveform(channels: channels, sampleRate: 8000), to: url, format: .wavFloat)
        let mono = try AudioFile.read(url)
        XCTAssertEqual(mono.channelCount, 1)
        let mean = (0..<500).map { (channels[0][$0] + channels[1][$0] + channels[2][$0]) / 3 }
        assertClose(mono.samples, mean, relative: 0, absolute: 1e-7)
        let info = try AudioFile.info(url)
        XCTAssertEqual(info.channelCount, 3)
        XCTAssertEqual(info.sampleCount, 500)
        XCTAssertEqual(info.sampleRate, 8000)
        XCTAssertEqual(info.container, "WAV (Microsoft)")
        XCTAssertEqual(info.encoding, "32 bit float")
    }

    func testEmptyAndNonFiniteWaveformsAreNotWritten() throws {
        let folder = try makeTemporaryDirectory(self)
        let url = folder.appendingPathComponent("out.wav")
        XCTAssertThrowsError(try AudioFile.write(Waveform(samples: [], sampleRate: 8000), to: url)) {
            XCTAssertEqual($0 as? AudioDSPError, .emptyInput(what: "waveform for \(url.path)"))
        }
        XCTAssertThrowsError(try AudioFile.write(Waveform(samples: [0, .nan], sampleRate: 8000), to: url)) {
            XCTAssertEqual($0 as? AudioDSPError, .nonFiniteInput(what: "waveform for \(url.path)"))
        }
        XCTAssertEqual(fileNames(in: folder), [])
    }

    func testWritingIntoAMissingFolderThrowsAndLeavesNothing() throws {
        let folder = try makeTemporaryDirectory(self)
        let url = folder.appendingPathComponent("missing/out.wav")
        XCTAssertThrowsError(try AudioFile.write(Waveform(samples: [0.1], sampleRate: 8000), to: url)) {
            guard case .writeFailed(let path, _)? = $0 as? AudioDSPError else { return XCTFail("\($0)") }
            XCTAssertEqual(path, url.path)
        }
        XCTAssertEqual(fileNames(in: folder), [])
    }

    func testBadFilesGiveTypedErrors() throws {
        let files = try BadInputFiles.make(in: try makeTemporaryDirectory(self))
        func error(_ name: String) -> AudioDSPError? {
            do {
                _ = try AudioFile.read(files[name]!)
                return nil
            } catch { return error as? AudioDSPError }
        }
        XCTAssertEqual(error("missing.wav"), .fileNotFound(path: files["missing.wav"]!.path))
        XCTAssertEqual(error("zero-length.wav"), .emptyInput(what: files["zero-length.wav"]!.path))
        XCTAssertEqual(error("no-samples.wav"), .emptyInput(what: files["no-samples.wav"]!.path))
        XCTAssertEqual(error("nan.wav"), .nonFiniteInput(what: files["nan.wav"]!.path))
        XCTAssertEqual(error("infinite.wav"), .nonFiniteInput(what: files["infinite.wav"]!.path))
        guard case .unreadableFile(let path, _)? = error("text.wav") else { return XCTFail("text.wav") }
        XCTAssertEqual(path, files["text.wav"]!.path)
        assertAudioDSPError(try AudioFile.info(files["text.wav"]!)) {
            if case .unreadableFile(path: files["text.wav"]!.path, _) = $0 { true } else { false }
        }
        // Silent audio reads fine; it is an error only where it matters (normalising, reconstructing).
        let silent = try AudioFile.read(files["silent.wav"]!)
        XCTAssertTrue(silent.isSilent)
        XCTAssertThrowsError(try silent.normalized()) {
            XCTAssertEqual($0 as? AudioDSPError, .silentInput(what: "waveform"))
        }
    }

    func testNormalizedScalesThePeak() throws {
        let waveform = try Waveform(samples: [0.1, -0.4, 0.2], sampleRate: 8000).normalized(peak: 0.8)
        assertClose(waveform.samples, [0.2, -0.8, 0.4], relative: 0, absolute: 1e-7)
    }
}
