import Foundation

/// NumPy `.npy` files (format versions 1.0–3.0), to move arrays to and from Python (`np.load` / `np.save`).
///
/// Reading accepts little-endian arrays of `<f4`, `<f8`, `<i2` and `<i4` in C or Fortran order (as NumPy saves
/// many librosa results) and returns `Float` values in C order;
/// writing produces version 1.0 files of `<f4` in C order, through a temporary file renamed into place. A
/// ``Spectrogram`` is saved with shape `[binCount, frameCount]`, which NumPy reads as librosa's layout.
public enum NPY {
    private static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

    /// Reads an `.npy` file.
    ///
    /// - Returns: the shape (empty for a 0-d array) and the values in C order, converted to `Float`.
    /// - Throws: ``AudioDSPError/fileNotFound(path:)`` if the file cannot be opened;
    ///   ``AudioDSPError/unreadableFile(path:reason:)`` for a bad magic string, a malformed or truncated header, a
    ///   data type other than `<f4`, `<f8`, `<i2`, `<i4`, or fewer data bytes than the shape needs.
    public static func read(_ url: URL) throws -> (shape: [Int], values: [Float]) {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw AudioDSPError.fileNotFound(path: url.path)
        }
        func corrupt(_ reason: String) -> AudioDSPError { .unreadableFile(path: url.path, reason: reason) }
        let bytes = [UInt8](data)
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw corrupt("not a .npy file (bad magic string)") }
        let major = bytes[6]
        let headerStart: Int, headerLength: Int
        switch major {
        case 1:
            headerStart = 10
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        case 2, 3:
            guard bytes.count >= 12 else { throw corrupt("truncated header") }
            headerStart = 12
            headerLength = (8..<12).reduce(0) { $0 | Int(bytes[$1]) << (8 * ($1 - 8)) }
        default:
            throw corrupt("unsupported .npy version \(major)")
        }
        guard headerStart + headerLength <= bytes.count,
              let header = String(bytes: bytes[headerStart..<headerStart + headerLength], encoding: .utf8)
        else { throw corrupt("truncated or non-text header") }
        guard let descr = value(of: "descr", in: header)?.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")),
              let fortran = value(of: "fortran_order", in: header),
              let shapeText = value(of: "shape", in: header)
        else { throw corrupt("header lacks descr, fortran_order or shape") }
        guard fortran == "False" || fortran == "True" else { throw corrupt("fortran_order is \(fortran)") }
        let shape = try parseShape(shapeText, corrupt: corrupt)
        let count = shape.reduce(1, *)
        let itemSize: Int
        switch descr {
        case "<f4", "<i4": itemSize = 4
        case "<f8": itemSize = 8
        case "<i2": itemSize = 2
        default: throw corrupt("unsupported dtype \(descr) (expected <f4, <f8, <i2 or <i4)")
        }
        let dataStart = headerStart + headerLength
        guard bytes.count - dataStart >= count * itemSize else {
            throw corrupt("\(bytes.count - dataStart) data bytes, shape \(shape) needs \(count * itemSize)")
        }
        let values: [Float] = bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress! + dataStart
            return (0..<count).map { index -> Float in
                let at = index * itemSize
                switch descr {
                case "<f4": return Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
                case "<f8": return Float(Double(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt64.self))))
                case "<i4": return Float(Int32(littleEndian: base.loadUnaligned(fromByteOffset: at, as: Int32.self)))
                default: return Float(Int16(littleEndian: base.loadUnaligned(fromByteOffset: at, as: Int16.self)))
                }
            }
        }
        return (shape, fortran == "True" ? cOrder(fortranOrder: values, shape: shape) : values)
    }

    /// Reorders the values of a Fortran-order (column-major) array of `shape` into C order.
    private static func cOrder(fortranOrder values: [Float], shape: [Int]) -> [Float] {
        guard shape.count > 1 else { return values }
        var strides = [Int](repeating: 1, count: shape.count)  // Fortran strides: the first index varies fastest
        for axis in 1..<shape.count { strides[axis] = strides[axis - 1] * shape[axis - 1] }
        var result = [Float]()
        result.reserveCapacity(values.count)
        var index = [Int](repeating: 0, count: shape.count)
        for _ in 0..<values.count {
            result.append(values[zip(index, strides).reduce(0) { $0 + $1.0 * $1.1 }])
            var axis = shape.count - 1  // advance the C-order multi-index: the last index varies fastest
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }

    /// Writes `values` as a little-endian Float32 C-order `.npy` file (version 1.0) of `shape`, atomically.
    ///
    /// - Throws: ``AudioDSPError/shapeMismatch(what:expected:actual:)`` if `values.count` is not the product of
    ///   `shape` (or a dimension is negative); ``AudioDSPError/writeFailed(path:reason:)`` if writing fails.
    public static func write(_ values: [Float], shape: [Int], to url: URL) throws {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == values.count else {
            throw AudioDSPError.shapeMismatch(what: "array for \(url.lastPathComponent)", expected: "\(values.count) values",
                                              actual: "\(shape)")
        }
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data(magic + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(contentsOf: Array(header.utf8))
        values.map { $0.bitPattern.littleEndian }.withUnsafeBytes { data.append(contentsOf: $0) }
        try writeAtomically(data, to: url)
    }

    /// The text after `'key':` in a header dictionary, up to the next top-level comma or closing brace.
    private static func value(of key: String, in header: String) -> String? {
        guard let keyRange = header.range(of: "'\(key)':") ?? header.range(of: "\"\(key)\":") else { return nil }
        var depth = 0
        var result = ""
        for character in header[keyRange.upperBound...] {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if depth == 0 && (character == "," || character == "}") { break }
            result.append(character)
            if depth < 0 { return nil }
        }
        return result.trimmingCharacters(in: .whitespaces)
    }

    /// Parses `(a, b, …)` into dimensions.
    private static func parseShape(_ text: String, corrupt: (String) -> AudioDSPError) throws -> [Int] {
        guard text.hasPrefix("("), text.hasSuffix(")") else { throw corrupt("malformed shape \(text)") }
        let inner = text.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return try inner.filter { !$0.isEmpty }.map { part in
            guard let dimension = Int(part), dimension >= 0 else { throw corrupt("malformed shape \(text)") }
            return dimension
        }
    }
}
