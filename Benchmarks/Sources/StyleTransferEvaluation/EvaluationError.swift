/// What stops the evaluation or one of its pairs; each case prints as one line.
enum EvaluationError: Error, CustomStringConvertible {
    /// A command-line flag is unknown, lacks its value, or its value does not parse.
    case invalidFlag(String, value: String, reason: String)
    /// The manifest cannot be read, or selects no pair.
    case manifest(path: String, reason: String)
    /// The judge did not print a JSON object.
    case judge(status: Int32, message: String)

    var description: String {
        switch self {
        case let .invalidFlag(name, value, reason): value.isEmpty ? "\(name): \(reason)" : "\(name) \(value): \(reason)"
        case let .manifest(path, reason): "manifest \(path): \(reason)"
        case let .judge(status, message): "the judge failed (exit status \(status)): \(message)"
        }
    }
}
