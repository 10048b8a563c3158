import AudioDSP
import Foundation
import TestSupport

/// The case lists written by `Tests/Fixtures/make_audiodsp_fixtures.py` into `audiodsp/cases.json`.
struct FixtureCases: Decodable {
    struct STFTCase: Decodable {
        let name: String
        let n_fft: Int
        let hop_length: Int
        let win_length: Int
        let window: String
        let center: Bool
        let pad_mode: String

        /// The transform with this case's librosa parameters.
        func transform() throws -> ShortTimeFourierTransform {
            let window: WindowFunction = switch self.window {
            case "hann": .hann
            case "hamming": .hamming
            case "blackman": .blackman
            default: .rectangular
            }
            return try ShortTimeFourierTransform(
                fftSize: n_fft, hopLength: hop_length, windowLength: win_length, window: window, center: center,
                padMode: pad_mode == "reflect" ? .reflect : .constant)
        }
    }

    struct MelCase: Decodable {
        let name: String
        let sr: Int
        let n_fft: Int
        let n_mels: Int
        let fmin: Float
        let fmax: Float?
        let htk: Bool
        let norm: String?
    }

    struct Clip: Decodable {
        let sample_rate: Int
        let n_fft: Int
        let hop_length: Int
        let n_mels: Int
    }

    let stft: [STFTCase]
    let mel: [MelCase]
    let clip: Clip
    let griffinlim_32_spectral_convergence: [String: Float]

    static func load() throws -> FixtureCases {
        try JSONDecoder().decode(FixtureCases.self, from: Data(contentsOf: Fixtures.url("audiodsp/cases.json")))
    }
}

/// Reads `audiodsp/<name>` with the library's own NPY reader.
func fixture(_ name: String) throws -> (shape: [Int], values: [Float]) {
    try NPY.read(Fixtures.url("audiodsp/\(name)"))
}

/// The bundled clip's STFT (its `n_fft` and hop, Hann), its magnitude fixture `[bins, frames]` and its length.
func clipMagnitude() throws -> (stft: ShortTimeFourierTransform, magnitude: Spectrogram, sampleCount: Int) {
    let clip = try FixtureCases.load().clip
    let stft = try ShortTimeFourierTransform(fftSize: clip.n_fft, hopLength: clip.hop_length)
    let magnitude = try fixture("clip_stft_magnitude.npy")
    return (stft, Spectrogram(values: magnitude.values, rowCount: magnitude.shape[0], frameCount: magnitude.shape[1]),
            try fixture("clip.npy").values.count)
}
