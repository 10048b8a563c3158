import AudioDSP
import Foundation
import TestSupport

/// The librosa / pystoi references in `transfer_measures/` written by
/// `Tests/Fixtures/make_transfer_measures_fixtures.py` (its `cases.json`).
struct TransferMeasureFeatureCases: Decodable {
    struct MFCCCase: Decodable {
        let name: String
        let n_mfcc: Int
        let n_fft: Int
        let hop_length: Int
        let n_mels: Int
        let top_db: Float?
    }

    struct RMSCase: Decodable {
        let name: String
        let frame_length: Int
        let hop_length: Int
        let center: Bool
    }

    /// The clip the MFCC and RMS references were computed on, relative to the package root.
    let clip: String
    let sample_rate: Int
    let mfcc: [MFCCCase]
    let rms: [RMSCase]
    /// pystoi.stoi(stoi_clean.npy, stoi_<name>.npy, 10000) by case name.
    let stoi: [String: Double]

    static func load() throws -> TransferMeasureFeatureCases {
        try JSONDecoder().decode(Self.self, from: Data(contentsOf: Fixtures.url("transfer_measures/cases.json")))
    }

    /// The clip's samples as librosa loaded them (16-bit WAV at 22 050 Hz, no resampling).
    func clipSamples() throws -> [Float] {
        let url = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(clip)
        let waveform = try AudioFile.read(url)
        precondition(waveform.sampleRate == sample_rate, "the fixture clip is not at \(sample_rate) Hz")
        return waveform.samples
    }

    /// `transfer_measures/<name>` read with the library's NPY reader.
    static func array(_ name: String) throws -> (shape: [Int], values: [Float]) {
        try NPY.read(Fixtures.url("transfer_measures/\(name)"))
    }
}
