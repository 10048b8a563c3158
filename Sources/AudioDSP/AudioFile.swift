import CSndFile
import Foundation

/// An encoding ``AudioFile/write(_:to:format:)`` can produce.
public enum AudioFileFormat: String, Sendable, CaseIterable {
    /// WAV, 16-bit signed PCM. Samples are scaled by 32 768 and clipped to [−32 768, 32 767], so a read
    /// (which divides by 32 768, as libsndfile and soundfile do) returns each in-range sample within 1/65 536.
    case wav16
    /// WAV, 24-bit signed PCM (scale 2²³, clipped).
    case wav24
    /// WAV, 32-bit IEEE float: samples are stored exactly, including values outside [−1, 1].
    case wavFloat
    /// FLAC, 16-bit (lossless; scale and clipping as ``wav16``).
    case flac
    /// FLAC, 24-bit (lossless; scale and clipping as ``wav24``).
    case flac24

    /// The format the CLI writes unless told otherwise.
    public static let `default`: AudioFileFormat = .wav16

    /// The format a file name asks for: 16-bit FLAC for `.flac`, ``default`` (16-bit WAV) for anything else.
    public init(pathExtensionOf url: URL) {
        self = url.pathExtension.lowercased() == "flac" ? .flac : .default
    }

    var sndfileFormat: Int32 {
        switch self {
        case .wav16: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        case .wav24: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_24)
        case .wavFloat: Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT)
        case .flac: Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
        case .flac24: Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_24)
        }
    }

    /// Bits per integer sample, or nil for float.
    var integerBits: Int? {
        switch self {
        case .wav16, .flac: 16
        case .wav24, .flac24: 24
        case .wavFloat: nil
        }
    }
}

/// What an audio file holds, read from its header without decoding the samples.
public struct AudioFileInfo: Sendable, Equatable {
    /// Samples per second, in Hz.
    public let sampleRate: Int
    /// The number of channels.
    public let channelCount: Int
    /// Samples per channel.
    public let sampleCount: Int
    /// libsndfile's name of the container, e.g. `"WAV (Microsoft)"`.
    public let container: String
    /// libsndfile's name of the sample encoding, e.g. `"Signed 16 bit PCM"`.
    public let encoding: String

    /// Length in seconds.
    public var duration: Double { Double(sampleCount) / Double(sampleRate) }
}

/// Reading and writing audio files through libsndfile: WAV, FLAC, OGG/Vorbis, AIFF and every other format the
/// installed libsndfile decodes (MP3 with libsndfile ≥ 1.1 built with mpg123, as Debian 12's is).
///
/// Errors are typed: a missing file is ``AudioDSPError/fileNotFound(path:)``, a zero-length file or one with no
/// samples ``AudioDSPError/emptyInput(what:)``, anything libsndfile cannot decode
/// ``AudioDSPError/unreadableFile(path:reason:)``, NaN or infinite samples ``AudioDSPError/nonFiniteInput(what:)``.
public enum AudioFile {
    /// librosa's default analysis rate, 22 050 Hz (`librosa.load(sr=22050)`).
    public static let defaultSampleRate = 22_050

    /// Reads an audio file as Float32 samples in [−1, 1) (integer encodings divided by 2^(bits−1), as soundfile).
    ///
    /// - Parameters:
    ///   - url: the file.
    ///   - sampleRate: the rate to resample to, in Hz; nil keeps the file's rate (librosa `sr=None`).
    ///   - mono: average the channels into one (librosa `mono=True`, the default); false keeps every channel.
    ///   - resampleQuality: the libsamplerate converter used when `sampleRate` differs from the file's.
    /// - Returns: the waveform, `librosa.load(path, sr=sampleRate, mono=mono)` apart from the resampler.
    public static func read(
        _ url: URL, sampleRate: Int? = nil, mono: Bool = true, resampleQuality: ResampleQuality = .default
    ) throws -> Waveform {
        let file = try SoundFile(readingFrom: url)
        defer { file.close() }
        let frames = Int(file.info.frames)
        let channelCount = Int(file.info.channels)
        guard frames > 0 else { throw AudioDSPError.emptyInput(what: url.path) }
        var interleaved = [Float](repeating: 0, count: frames * channelCount)
        let read = interleaved.withUnsafeMutableBufferPointer {
            sf_readf_float(file.handle, $0.baseAddress, Int64(frames))
        }
        guard read > 0 else {
            throw AudioDSPError.unreadableFile(path: url.path, reason: "no samples could be decoded")
        }
        // Some compressed formats report an estimated length; keep what was decoded.
        let decoded = Int(read)
        interleaved.removeLast(interleaved.count - decoded * channelCount)
        let channels = channelCount == 1 ? [interleaved] : (0..<channelCount).map { channel in
            [Float](unsafeUninitializedCapacity: decoded) { buffer, count in
                for frame in 0..<decoded { buffer[frame] = interleaved[frame * channelCount + channel] }
                count = decoded
            }
        }
        var waveform = Waveform(channels: channels, sampleRate: Int(file.info.samplerate))
        try waveform.validate(url.path)
        if mono { waveform = waveform.downmixed() }
        if let sampleRate { waveform = try waveform.resampled(to: sampleRate, quality: resampleQuality) }
        return waveform
    }

    /// The sample rate, channel count, length and encoding of an audio file, from its header.
    public static func info(_ url: URL) throws -> AudioFileInfo {
        let file = try SoundFile(readingFrom: url)
        defer { file.close() }
        var format = SF_FORMAT_INFO()
        format.format = file.info.format & Int32(SF_FORMAT_TYPEMASK)
        sf_command(nil, Int32(SFC_GET_FORMAT_INFO), &format, Int32(MemoryLayout<SF_FORMAT_INFO>.size))
        let container = format.name.map { String(cString: $0) } ?? "unknown"
        format.format = file.info.format & Int32(SF_FORMAT_SUBMASK)
        sf_command(nil, Int32(SFC_GET_FORMAT_INFO), &format, Int32(MemoryLayout<SF_FORMAT_INFO>.size))
        let encoding = format.name.map { String(cString: $0) } ?? "unknown"
        return AudioFileInfo(
            sampleRate: Int(file.info.samplerate), channelCount: Int(file.info.channels),
            sampleCount: Int(file.info.frames), container: container, encoding: encoding)
    }

    /// Writes a waveform (every channel) atomically: a temporary file in the destination folder, renamed into place.
    ///
    /// Throws ``AudioDSPError/emptyInput(what:)`` for no samples, ``AudioDSPError/nonFiniteInput(what:)`` for NaN or
    /// infinite samples, and ``AudioDSPError/writeFailed(path:reason:)`` when the folder is missing or libsndfile
    /// fails; nothing is left at `url` on error. Integer formats clip samples outside [−1, 1).
    public static func write(_ waveform: Waveform, to url: URL, format: AudioFileFormat = .default) throws {
        try waveform.validate("waveform for \(url.path)")
        guard waveform.sampleRate > 0 else {
            throw AudioDSPError.invalidParameter(
                name: "sampleRate", value: "\(waveform.sampleRate)", reason: "must be positive")
        }
        try writeAtomically(to: url) { temporary in
            let file = try SoundFile(writingTo: temporary, destination: url, waveform: waveform, format: format)
            defer { file.close() }
            let channelCount = waveform.channelCount
            let frames = waveform.sampleCount
            let interleaved = channelCount == 1 ? waveform.channels[0] : [Float](
                unsafeUninitializedCapacity: frames * channelCount
            ) { buffer, count in
                for (c, channel) in waveform.channels.enumerated() {
                    for i in 0..<frames { buffer[i * channelCount + c] = channel[i] }
                }
                count = frames * channelCount
            }
            // Our own symmetric scaling: libsndfile's float → int multiplies by 2^(bits−1) − 1 but its int → float
            // divides by 2^(bits−1). Scaling by a power of two is exact in Float, so is the rounding.
            let written: Int64
            switch format.integerBits {
            case 16?:
                let shorts = interleaved.map { Int16(min(max(($0 * 32_768).rounded(), -32_768), 32_767)) }
                written = shorts.withUnsafeBufferPointer { sf_writef_short(file.handle, $0.baseAddress, Int64(frames)) }
            case let bits?:
                let scale = Float(1 << (bits - 1))
                let shift = Int32(32 - bits)
                let integers = interleaved.map { Int32(min(max(($0 * scale).rounded(), -scale), scale - 1)) << shift }
                written = integers.withUnsafeBufferPointer { sf_writef_int(file.handle, $0.baseAddress, Int64(frames)) }
            case nil:
                written = interleaved.withUnsafeBufferPointer {
                    sf_writef_float(file.handle, $0.baseAddress, Int64(frames))
                }
            }
            guard written == Int64(frames) else {
                throw AudioDSPError.writeFailed(path: url.path, reason: String(cString: sf_strerror(file.handle)))
            }
        }
    }
}

/// An open libsndfile handle; `close()` must be called once (callers use `defer`).
private struct SoundFile {
    let handle: OpaquePointer
    let info: SF_INFO

    init(readingFrom url: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw AudioDSPError.fileNotFound(path: url.path)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        guard size > 0 else { throw AudioDSPError.emptyInput(what: url.path) }
        var info = SF_INFO()
        guard let handle = sf_open(url.path, Int32(SFM_READ), &info) else {
            throw AudioDSPError.unreadableFile(path: url.path, reason: String(cString: sf_strerror(nil)))
        }
        self.handle = handle
        self.info = info
    }

    init(writingTo temporary: URL, destination: URL, waveform: Waveform, format: AudioFileFormat) throws {
        var info = SF_INFO()
        info.samplerate = Int32(waveform.sampleRate)
        info.channels = Int32(waveform.channelCount)
        info.format = format.sndfileFormat
        guard sf_format_check(&info) != 0 else {
            throw AudioDSPError.writeFailed(
                path: destination.path,
                reason: "\(format.rawValue) cannot hold \(waveform.channelCount) channels at \(waveform.sampleRate) Hz")
        }
        guard let handle = sf_open(temporary.path, Int32(SFM_WRITE), &info) else {
            throw AudioDSPError.writeFailed(path: destination.path, reason: String(cString: sf_strerror(nil)))
        }
        self.handle = handle
        self.info = info
    }

    func close() { sf_close(handle) }
}
