import Foundation

/// `../shared/eval/judge.py`, run with its own Python, one output at a time.
struct Judge {
    let python: String
    let script: String

    /// The judge's JSON object for `output` against the pair's content and style (and its ground truth, if any).
    ///
    /// - Throws: ``EvaluationError/judge(status:message:)`` with the last line the judge wrote to standard error when
    ///   it fails or prints no JSON object, and `Process`'s error when it cannot start.
    func judge(_ pair: DevelopmentPair, output: String) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, pair.content, pair.style, output]
            + (pair.reference.map { ["--reference", $0] } ?? [])
        // Standard error goes to a file, so that it cannot fill a pipe and block the judge while we read its output.
        let errorFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("judge-\(ProcessInfo.processInfo.processIdentifier).stderr")
        try Data().write(to: errorFile)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let (standardOutput, standardError) = (Pipe(), try FileHandle(forWritingTo: errorFile))
        defer { try? standardError.close() }
        process.standardOutput = standardOutput
        process.standardError = standardError
        try process.run()
        let data = standardOutput.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let values = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else {
            let errors = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            let message = errors.split(separator: "\n").last.map(String.init) ?? "no message"
            throw EvaluationError.judge(status: process.terminationStatus, message: message)
        }
        return values
    }
}
