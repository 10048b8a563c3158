import AudioDSP
import Foundation
import TestSupport
import XCTest

/// Decoding and resampling against what soundfile and librosa produce (`Tests/Fixtures/make_audio_io_fixtures.py`).
final class AudioFileFixtureTests: XCTestCase {
    private func fixture(_ name: String) -> URL { Fixtures.url("audio_io/\(name)") }

    private func expected(_ name: String) throws -> [Float] { try NPY.read(fixture(name)).values }

    func testEveryContainerDecodesAsSoundfileAndDownmixesAsLibrosa() throws {
        // Lossless containers decode bit-exactly; the lossy ones go through the system's libvorbis / mpg123, which
        // may differ from the fixture script's bundled ones in the last bits.
        for (ext, tolerance) in [("flac", Float(0)), ("aiff", 0), ("ogg", 1e-4), ("mp3", 1e-4)] {
            let url = fixture("formats_stereo.\(ext)")
            let stereo = try AudioFile.read(url, mono: false)
            XCTAssertEqual(stereo.sampleRate, 8000, ext)
            XCTAssertEqual(stereo.channelCount, 2, ext)
            let (shape, values) = try NPY.read(fixture("formats_stereo_\(ext).npy"))
            XCTAssertEqual(shape, [2, stereo.sampleCount], ext)
            assertClose(stereo.channels.flatMap { $0 }, values, relative: 0, absolute: tolerance, ext)
            let mono = try AudioFile.read(url)
            assertClose(
                mono.samples, try expected("formats_stereo_\(ext)_mono.npy"), relative: 0,
                absolute: tolerance + 1e-7, ext)
        }
    }

    func testResamplingAgreesWithLibrosasSoxrHQ() throws {
        let resampled = try AudioFile.read(fixture("sine_44100.wav"), sampleRate: 22_050)
        let soxr = try expected("sine_44100_to_22050_soxr_hq.npy")
        XCTAssertEqual(resampled.sampleCount, soxr.count)
        // Different filters (libsamplerate sinc best vs libsoxr HQ): away from the first and last 64 samples (filter
        // transients) they agree to 1e-4 of full scale on this 1 kHz sine at amplitude 0.5.
        let middle = 64..<soxr.count - 64
        assertClose(Array(resampled.samples[middle]), Array(soxr[middle]), relative: 0, absolute: 1e-4, "soxr_hq")
    }

    func testFFTResamplingMatchesLibrosasResTypeFFT() throws {
        let speech = try AudioFile.read(
            Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Resources/Samples/speech_female_us.wav"))
        let cases: [(input: Waveform, rate: Int, fixture: String)] = [
            (try AudioFile.read(fixture("sine_44100.wav")), 22_050, "sine_44100_to_22050_fft.npy"),  // odd lengths
            (Waveform(samples: Array(speech.samples.prefix(22_050)), sampleRate: 22_050), 16_000,
             "speech_22050_to_16000_fft.npy"),  // even lengths, downsampling
            (Waveform(samples: Array(speech.samples.prefix(11_024)), sampleRate: 22_050), 48_000,
             "speech_22050_to_48000_fft.npy"),  // even input, upsampling
        ]
        for (input, rate, name) in cases {
            let resampled = try input.resampled(to: rate, quality: .fft)
            let librosa = try expected(name)
            XCTAssertEqual(resampled.sampleRate, rate, name)
            XCTAssertEqual(resampled.sampleCount, librosa.count, name)
            // Both are single-precision FFTs of the whole signal: equal to float rounding, everywhere (edges too).
            assertClose(resampled.samples, librosa, relative: 1e-5, name)
        }
    }

    func testBundledClipLoadsAtItsOwnRateAndMatchesLibrosasSTFT() throws {
        let url = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Resources/Samples/speech_female_us.wav")
        let clip = try AudioFile.read(url, sampleRate: 22_050)
        let stft = try ShortTimeFourierTransform(fftSize: 1024, hopLength: 256)
        let magnitude = try stft.magnitude(clip.samples)
        let (shape, expected) = try NPY.read(fixture("speech_female_us_linear.npy"))
        XCTAssertEqual(shape, [513, 16])
        let firstFrames = (0..<513).flatMap { bin in (0..<16).map { magnitude[row: bin, frame: $0] } }
        assertClose(firstFrames, expected, relative: 1e-4)
    }

    /// `demo spectrogram Resources/Samples/speech_female_us.wav --npy x.npy` computes exactly this.
    func testBundledClipMelSpectrogramMatchesLibrosa() throws {
        let url = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Resources/Samples/speech_female_us.wav")
        let clip = try AudioFile.read(url, sampleRate: 22_050)
        let stft = try ShortTimeFourierTransform(fftSize: 1024, hopLength: 256)
        let filterbank = try MelFilterbank(sampleRate: 22_050, fftSize: 1024, melBandCount: 80)
        let mel = try melSpectrogram(clip.samples, stft: stft, filterbank: filterbank)
        let (shape, expected) = try NPY.read(fixture("speech_female_us_mel.npy"))
        XCTAssertEqual(shape, mel.shape)
        assertClose(mel.values, expected, relative: 1e-4)
    }
}
