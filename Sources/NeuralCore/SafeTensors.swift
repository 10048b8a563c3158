import Foundation

/// A parsed safetensors file: a JSON header describing named tensors, followed by their little-endian bytes.
///
/// The layout (from the `safetensors` package) is an 8-byte little-endian header length `n`, `n` bytes of UTF-8 JSON
/// mapping each tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets relative to the data
/// section that follows the header) plus an optional `"__metadata__"` object of string pairs, then the data.
///
/// Reading validates the whole header up front — JSON form, known dtype, offsets inside the data section, no two
/// tensors overlapping, byte length equal to element count × dtype size — and throws
/// ``NeuralCoreError/invalidSafeTensors(path:reason:)`` naming the first problem. A file opened with
/// ``init(contentsOf:)`` is memory-mapped: only the tensors you ask for are read and converted, so opening a
/// 500 MB checkpoint costs a header parse. F32, F16, BF16, F64, I64 and I32 are read and converted to `Float`
/// (other dtypes throw ``SafeTensorsProblem/unsupportedDType(tensor:dtype:)``); writing always produces F32.
///
/// Files written by ``write(_:metadata:to:)`` are byte-identical to those of Python's
/// `safetensors.torch.save_file` for the same tensors when the metadata has at most one entry (Python orders
/// metadata entries by hash): tensors sorted by name, compact JSON, header padded with spaces to a multiple of 8.
public struct SafeTensors: Sendable {
    /// The element types NeuralCore reads; names as in the safetensors header.
    public enum DType: String, Sendable, CaseIterable {
        /// IEEE 754 single precision (`torch.float32`), 4 bytes.
        case float32 = "F32"
        /// IEEE 754 half precision (`torch.float16`), 2 bytes; converted exactly to `Float` on read.
        case float16 = "F16"
        /// bfloat16 (`torch.bfloat16`): the top 16 bits of a `Float`, 2 bytes; converted exactly on read.
        case bfloat16 = "BF16"
        /// IEEE 754 double precision (`torch.float64`), 8 bytes; rounded to the nearest `Float` on read.
        case float64 = "F64"
        /// 64-bit signed integers (`torch.int64`, e.g. BatchNorm's `num_batches_tracked`), 8 bytes; converted to the
        /// nearest `Float` on read.
        case int64 = "I64"
        /// 32-bit signed integers (`torch.int32`), 4 bytes; converted to the nearest `Float` on read.
        case int32 = "I32"

        /// Bytes per element.
        public var byteCount: Int {
            switch self {
            case .float16, .bfloat16: 2
            case .float32, .int32: 4
            case .float64, .int64: 8
            }
        }
    }

    /// Where one tensor lives in the file.
    public struct TensorInfo: Equatable, Sendable {
        /// The stored element type.
        public let dtype: DType
        /// The shape, outermost dimension first (PyTorch order); `[]` for a scalar.
        public let shape: [Int]
        /// The byte range inside the data section (the header's `data_offsets`).
        public let dataOffsets: Range<Int>
    }

    /// The file path (or `"<memory>"`) used in error messages.
    public let source: String
    /// The `__metadata__` string pairs; empty when the file has none.
    public let metadata: [String: String]
    /// Every tensor's description, by name.
    public let tensorInfos: [String: TensorInfo]
    private let bytes: Data
    private let dataStart: Int

    /// The tensor names, sorted.
    public var tensorNames: [String] { tensorInfos.keys.sorted() }

    /// Opens and validates the safetensors file at `url`, memory-mapping it.
    ///
    /// - Throws: ``NeuralCoreError/fileNotFound(path:)`` when it cannot be opened;
    ///   ``NeuralCoreError/invalidSafeTensors(path:reason:)`` when the contents are not a valid file.
    public init(contentsOf url: URL) throws {
        try self.init(bytes: try mappedFile(at: url), source: url.path)
    }

    /// Parses and validates safetensors bytes held in memory; `source` names them in error messages.
    ///
    /// - Throws: ``NeuralCoreError/invalidSafeTensors(path:reason:)``.
    public init(bytes: Data, source: String = "<memory>") throws {
        func fail(_ problem: SafeTensorsProblem) -> NeuralCoreError {
            .invalidSafeTensors(path: source, reason: problem)
        }
        let bytes = bytes.startIndex == 0 ? bytes : Data(bytes)
        guard bytes.count >= 8 else { throw fail(.truncated(expectedBytes: 8, actualBytes: bytes.count)) }
        let headerLength = bytes.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            let expected = headerLength > UInt64(Int.max - 8) ? Int.max : Int(headerLength) + 8
            throw fail(.truncated(expectedBytes: expected, actualBytes: bytes.count))
        }
        let dataStart = 8 + Int(headerLength)
        let dataBytes = bytes.count - dataStart
        let parsed = try SafeTensorsHeader.parse(bytes[8 ..< dataStart], dataBytes: dataBytes, problem: fail)
        try SafeTensorsHeader.validateLayout(parsed.tensors, dataBytes: dataBytes, fileBytes: bytes.count, problem: fail)
        self.source = source
        self.metadata = parsed.metadata
        self.tensorInfos = parsed.tensors
        self.bytes = bytes
        self.dataStart = dataStart
    }

    /// The shape of tensor `name`, or nil when the file has no such tensor.
    public func shape(of name: String) -> [Int]? { tensorInfos[name]?.shape }

    /// The elements of tensor `name` in row-major order, converted to `Float`.
    ///
    /// - Throws: ``NeuralCoreError/missingKey(_:)`` when the file has no tensor `name`.
    public func scalars(named name: String) throws -> [Float] {
        guard let info = tensorInfos[name] else { throw NeuralCoreError.missingKey(name) }
        let count = info.shape.reduce(1, *)
        let start = dataStart + info.dataOffsets.lowerBound
        return bytes.withUnsafeBytes { raw -> [Float] in
            let base = raw.baseAddress! + start
            return [Float](unsafeUninitializedCapacity: count) { out, initialized in
                switch info.dtype {
                case .float32:
                    for i in 0 ..< count {
                        out[i] = Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                    }
                case .float16:
                    for i in 0 ..< count {
                        let bits = UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                        out[i] = Float(Float16(bitPattern: bits))
                    }
                case .bfloat16:
                    for i in 0 ..< count {
                        let bits = UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                        out[i] = Float(bitPattern: UInt32(bits) << 16)
                    }
                case .float64:
                    for i in 0 ..< count {
                        out[i] = Float(Double(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
                    }
                case .int64:
                    for i in 0 ..< count {
                        out[i] = Float(Int64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
                    }
                case .int32:
                    for i in 0 ..< count {
                        out[i] = Float(Int32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
                    }
                }
                initialized = count
            }
        }
    }

    /// Serialises named F32 tensors (shape and row-major elements) to safetensors bytes.
    ///
    /// Tensors are laid out sorted by name; the header is compact JSON padded with spaces to a multiple of 8 bytes.
    /// Precondition: each element array's count equals its shape's product.
    public static func serialized(
        _ tensors: [String: (shape: [Int], scalars: [Float])], metadata: [String: String] = [:]
    ) -> Data {
        let names = tensors.keys.sorted()
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for name in names {
            let (shape, scalars) = tensors[name]!
            precondition(shape.reduce(1, *) == scalars.count, "\(name): \(scalars.count) elements for shape \(shape)")
            let end = offset + 4 * scalars.count
            let shapeText = shape.map(String.init).joined(separator: ",")
            entries.append("\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(shapeText)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))
        var data = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for name in names {
            tensors[name]!.scalars.withUnsafeBufferPointer { buffer in
                for value in buffer { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            }
        }
        return data
    }

    /// Writes named F32 tensors to a safetensors file at `url`, atomically (temporary file, then rename).
    ///
    /// - Throws: ``NeuralCoreError/writeFailed(path:reason:)``; the destination is left as it was.
    public static func write(
        _ tensors: [String: (shape: [Int], scalars: [Float])], metadata: [String: String] = [:], to url: URL
    ) throws {
        try writeFileAtomically(serialized(tensors, metadata: metadata), to: url)
    }

    /// JSON string literal with the escapes `serde_json` uses (so headers match Python's byte for byte).
    private static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// The file's bytes, memory-mapped read-only (`mmap`, unmapped when the last copy of the `Data` goes away), so
/// only the pages of the tensors actually read are loaded. Empty files are returned as empty data.
///
/// - Throws: ``NeuralCoreError/fileNotFound(path:)`` when the file cannot be opened or mapped.
private func mappedFile(at url: URL) throws -> Data {
    let descriptor = open(url.path, O_RDONLY)
    guard descriptor >= 0 else { throw NeuralCoreError.fileNotFound(path: url.path) }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
        throw NeuralCoreError.fileNotFound(path: url.path)
    }
    let size = Int(status.st_size)
    if size == 0 { return Data() }
    guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
        throw NeuralCoreError.fileNotFound(path: url.path)
    }
    return Data(bytesNoCopy: address, count: size, deallocator: .custom { pointer, count in munmap(pointer, count) })
}

/// Header parsing and validation, kept apart from the byte access in ``SafeTensors``.
enum SafeTensorsHeader {
    struct Parsed {
        var metadata: [String: String]
        var tensors: [String: SafeTensors.TensorInfo]
    }

    /// Parses the JSON header and checks each entry's form, dtype, offsets and byte count against a data section of
    /// `dataBytes` bytes; entries are checked in name order so the reported problem is deterministic.
    static func parse(_ header: Data, dataBytes: Int, problem: (SafeTensorsProblem) -> NeuralCoreError) throws -> Parsed {
        guard let object = try? JSONSerialization.jsonObject(with: header), let root = object as? [String: Any] else {
            throw problem(.invalidHeader(detail: "not a JSON object"))
        }
        var parsed = Parsed(metadata: [:], tensors: [:])
        for name in root.keys.sorted() {
            if name == "__metadata__" {
                guard let pairs = root[name] as? [String: String] else {
                    throw problem(.invalidHeader(detail: "__metadata__ is not an object of strings"))
                }
                parsed.metadata = pairs
                continue
            }
            guard let entry = root[name] as? [String: Any], let dtypeName = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
            else {
                throw problem(.invalidHeader(detail: "entry \(name) lacks a dtype string, an integer shape or two data_offsets"))
            }
            guard shape.allSatisfy({ $0 >= 0 }) else {
                throw problem(.invalidHeader(detail: "entry \(name) has a negative dimension in \(shape)"))
            }
            guard let dtype = SafeTensors.DType(rawValue: dtypeName) else {
                throw problem(.unsupportedDType(tensor: name, dtype: dtypeName))
            }
            guard offsets[0] >= 0, offsets[0] <= offsets[1] else {
                throw problem(.offsetsOutOfRange(tensor: name, begin: offsets[0], end: offsets[1], dataBytes: dataBytes))
            }
            let (count, overflow) = shape.reduce((1, false)) { partial, dimension in
                let product = partial.0.multipliedReportingOverflow(by: dimension)
                return (product.partialValue, partial.1 || product.overflow)
            }
            let expected = count.multipliedReportingOverflow(by: dtype.byteCount)
            guard !overflow, !expected.overflow, expected.partialValue == offsets[1] - offsets[0] else {
                throw problem(.byteCountMismatch(
                    tensor: name, expected: overflow || expected.overflow ? Int.max : expected.partialValue,
                    actual: offsets[1] - offsets[0]))
            }
            parsed.tensors[name] = SafeTensors.TensorInfo(dtype: dtype, shape: shape, dataOffsets: offsets[0] ..< offsets[1])
        }
        return parsed
    }

    /// Checks that no two non-empty tensors overlap and that all lie inside the data section.
    ///
    /// When the tensors tile `[0, end)` without gaps but the data section is shorter than `end`, the file was cut
    /// short: ``SafeTensorsProblem/truncated(expectedBytes:actualBytes:)``. Otherwise a tensor reaching past the data
    /// is ``SafeTensorsProblem/offsetsOutOfRange(tensor:begin:end:dataBytes:)``.
    static func validateLayout(
        _ tensors: [String: SafeTensors.TensorInfo], dataBytes: Int, fileBytes: Int,
        problem: (SafeTensorsProblem) -> NeuralCoreError
    ) throws {
        let ranges = tensors.filter { !$0.value.dataOffsets.isEmpty }
            .map { (name: $0.key, range: $0.value.dataOffsets) }
            .sorted { ($0.range.lowerBound, $0.name) < ($1.range.lowerBound, $1.name) }
        var tiled = ranges.first.map { $0.range.lowerBound == 0 } ?? true
        for (previous, next) in zip(ranges, ranges.dropFirst()) {
            if next.range.lowerBound < previous.range.upperBound {
                throw problem(.overlappingTensors(previous.name, next.name))
            }
            tiled = tiled && next.range.lowerBound == previous.range.upperBound
        }
        guard let last = ranges.max(by: { $0.range.upperBound < $1.range.upperBound }), last.range.upperBound > dataBytes
        else { return }
        if tiled {
            throw problem(.truncated(expectedBytes: fileBytes - dataBytes + last.range.upperBound, actualBytes: fileBytes))
        }
        throw problem(.offsetsOutOfRange(
            tensor: last.name, begin: last.range.lowerBound, end: last.range.upperBound, dataBytes: dataBytes))
    }
}
