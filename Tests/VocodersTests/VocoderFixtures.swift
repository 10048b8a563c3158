import AudioDSP
import Foundation
import TestSupport

/// The fixtures written by `Tests/Fixtures/make_vocoder_fixtures.py` into `Tests/Fixtures/vocoders/`.
enum VocoderFixtures {
    /// The numbers in `vocoders/cases.json`.
    struct Cases: Decodable {
        struct Quality: Decodable {
            let n_fft: Int
            let hop: Int
            let n_mels: Int
            let n_ceps: Int
            let fmax: Float?
            let dynamic_range: Float
            let log_spectral_distance: Float
            let mel_cepstral_distortion: Float
            let spectral_convergence: Float
            let frame_count: Int
        }

        struct LibrosaGriffinLim: Decodable {
            let sample: String
            let mel_default_front_end: [Float]
            let linear: [Float]
        }

        let quality: [String: Quality]
        let librosa_griffinlim_32: LibrosaGriffinLim
    }

    static func cases() throws -> Cases {
        try JSONDecoder().decode(Cases.self, from: Data(contentsOf: Fixtures.url("vocoders/cases.json")))
    }

    /// A `.npy` array from `vocoders/`.
    static func array(_ name: String) throws -> (shape: [Int], values: [Float]) {
        try NPY.read(Fixtures.url("vocoders/\(name)"))
    }

    /// A 2-D `.npy` array from `vocoders/` as a spectrogram.
    static func spectrogram(_ name: String) throws -> Spectrogram {
        let (shape, values) = try array(name)
        return Spectrogram(values: values, rowCount: shape[0], frameCount: shape[1])
    }

    /// The 0.5 s clip of the female voice at 22 050 Hz that the front-end and metric fixtures were computed from.
    static func clip() throws -> Waveform { Waveform(samples: try array("clip.npy").values, sampleRate: 22_050) }

    /// A bundled sample clip from `Resources/Samples`, read by AudioDSP.
    static func sample(_ name: String) throws -> Waveform {
        let url = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Resources/Samples/\(name)")
        return try AudioFile.read(url)
    }
}
