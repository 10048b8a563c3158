import Foundation

/// Hand-made bad inputs for the error tests, written into a test's temporary folder (never committed).
public enum BadInputFiles {
    /// A canonical 44-byte-header WAV holding 32-bit float samples (any values, NaN included) or none.
    public static func floatWAV(_ samples: [Float], sampleRate: Int = 22_050) -> Data {
        var data = Data()
        func append<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
        }
        let payload = samples.count * 4
        data.append(contentsOf: Array("RIFF".utf8))
        append(UInt32(36 + payload))
        data.append(contentsOf: Array("WAVEfmt ".utf8))
        append(UInt32(16))
        append(UInt16(3))
        append(UInt16(1))  // IEEE float, mono
        append(UInt32(sampleRate))
        append(UInt32(sampleRate * 4))
        append(UInt16(4))
        append(UInt16(32))
        data.append(contentsOf: Array("data".utf8))
        append(UInt32(payload))
        for sample in samples { append(sample.bitPattern) }
        return data
    }

    /// Writes every kind of bad audio file into `folder` and returns their URLs by name.
    public static func make(in folder: URL) throws -> [String: URL] {
        var files: [String: URL] = [:]
        func write(_ name: String, _ data: Data) throws {
            let url = folder.appendingPathComponent(name)
            try data.write(to: url)
            files[name] = url
        }
        try write("text.wav", Data("This is a text file, not audio.\n".utf8))
        try write("zero-length.wav", Data())
        try write("no-samples.wav", floatWAV([]))
        try write("nan.wav", floatWAV([0.1, .nan, 0.2, 0.3]))
        try write("infinite.wav", floatWAV([0.1, .infinity, 0.2, 0.3]))
        try write("silent.wav", floatWAV([Float](repeating: 0, count: 4096)))
        files["missing.wav"] = folder.appendingPathComponent("missing.wav")
        return files
    }
}
