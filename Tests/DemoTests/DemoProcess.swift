import Foundation
import XCTest

/// What a run of the `demo` executable produced.
struct DemoOutcome {
    /// The exit status (0 on success).
    let status: Int32
    /// Everything written to standard output.
    let standardOutput: String
    /// Everything written to standard error.
    let standardError: String
}

/// A started `demo` process; ``wait()`` collects its outcome.
struct RunningDemo {
    private let process: Process
    private let output: Pipe
    private let error: Pipe

    /// Starts the built `demo` executable (from the test bundle's build folder) with `arguments`, in `environment`
    /// (default: this process's).
    init(_ arguments: [String], environment: [String: String]? = nil, file: StaticString = #filePath,
         line: UInt = #line) throws {
        // The test binary (…/debug/<Package>PackageTests.xctest) sits beside the products of the same build.
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("demo")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            XCTFail("demo is not built at \(executable.path): run `swift build` first", file: file, line: line)
            throw CocoaError(.fileNoSuchFile)
        }
        (process, output, error) = (Process(), Pipe(), Pipe())
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardOutput = output
        process.standardError = error
        try process.run()
    }

    /// Waits for the process to exit (its outputs are small: read one pipe, then the other).
    func wait() -> DemoOutcome {
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return DemoOutcome(
            status: process.terminationStatus, standardOutput: String(decoding: outData, as: UTF8.self),
            standardError: String(decoding: errData, as: UTF8.self))
    }
}

/// Runs the built `demo` executable with `arguments` and waits for it.
func runDemo(_ arguments: [String], environment: [String: String]? = nil, file: StaticString = #filePath,
             line: UInt = #line) throws -> DemoOutcome {
    try RunningDemo(arguments, environment: environment, file: file, line: line).wait()
}

/// This process's environment without the variables of a scheduler that `--shard auto` reads, so tests run the same
/// inside a Slurm job or a Kubernetes pod.
func environmentWithoutScheduler() -> [String: String] {
    ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SLURM_ARRAY_") && $0.key != "JOB_COMPLETION_INDEX" }
}
