/// Every error thrown by NeuralCore: each case names the problem and the key, file or parameter it came from.
///
/// Tensor maths checks shapes with preconditions (a wrong shape there is a programming error); everything that comes
/// from a file or from a caller's configuration throws one of these cases. The `demo` CLI prints `description` as
/// one line and exits non-zero.
public enum NeuralCoreError: Error, Equatable, CustomStringConvertible {
    /// A module parameter or buffer has no entry in the state dictionary being loaded (`key` is the dotted PyTorch
    /// `state_dict` key, e.g. `features.0.weight`).
    case missingKey(String)
    /// The state dictionary being loaded holds a key that no parameter or buffer of the module has.
    case unexpectedKey(String)
    /// A loaded tensor's shape differs from the module's parameter or buffer shape.
    case shapeMismatch(key: String, expected: [Int], actual: [Int])
    /// The file does not exist or cannot be opened.
    case fileNotFound(path: String)
    /// The file is not a valid safetensors file; `reason` says what is wrong.
    case invalidSafeTensors(path: String, reason: SafeTensorsProblem)
    /// Writing an output file failed; nothing was left at the destination.
    case writeFailed(path: String, reason: String)
    /// A parameter is outside its valid range (`name` is the Swift label, e.g. `learningRate`).
    case invalidParameter(name: String, value: String, reason: String)

    public var description: String {
        switch self {
        case let .missingKey(key): "missing key \(key) in the state dictionary"
        case let .unexpectedKey(key): "unexpected key \(key) in the state dictionary"
        case let .shapeMismatch(key, expected, actual): "\(key) has shape \(actual), expected \(expected)"
        case let .fileNotFound(path): "file not found: \(path)"
        case let .invalidSafeTensors(path, reason): "invalid safetensors file \(path): \(reason)"
        case let .writeFailed(path, reason): "cannot write \(path): \(reason)"
        case let .invalidParameter(name, value, reason): "invalid \(name) = \(value): \(reason)"
        }
    }
}

/// What is wrong with a safetensors file (see ``NeuralCoreError/invalidSafeTensors(path:reason:)``).
public enum SafeTensorsProblem: Equatable, Sendable, CustomStringConvertible {
    /// The file is shorter than its 8-byte header length plus the header, or than the data the header describes.
    case truncated(expectedBytes: Int, actualBytes: Int)
    /// The header is not a JSON object of the safetensors form (`detail` says where it failed).
    case invalidHeader(detail: String)
    /// The tensor's `dtype` is not one NeuralCore reads (F32, F16, BF16, F64, I64, I32).
    case unsupportedDType(tensor: String, dtype: String)
    /// The tensor's byte range `[begin, end)` is reversed or lies outside the data section.
    case offsetsOutOfRange(tensor: String, begin: Int, end: Int, dataBytes: Int)
    /// Two tensors' byte ranges overlap.
    case overlappingTensors(String, String)
    /// The tensor's byte range length does not equal its element count times the dtype size.
    case byteCountMismatch(tensor: String, expected: Int, actual: Int)

    public var description: String {
        switch self {
        case let .truncated(expected, actual): "truncated: needs \(expected) bytes, has \(actual)"
        case let .invalidHeader(detail): "bad header: \(detail)"
        case let .unsupportedDType(tensor, dtype): "tensor \(tensor) has unsupported dtype \(dtype)"
        case let .offsetsOutOfRange(tensor, begin, end, dataBytes):
            "tensor \(tensor) has data offsets [\(begin), \(end)) outside the \(dataBytes)-byte data section"
        case let .overlappingTensors(first, second): "tensors \(first) and \(second) overlap"
        case let .byteCountMismatch(tensor, expected, actual):
            "tensor \(tensor) needs \(expected) bytes for its shape, its offsets span \(actual)"
        }
    }
}
