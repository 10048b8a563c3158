// StyleTransferEvaluation: transfers over the development set (Scripts/make_dev_set.py), judged by
// ../shared/eval/judge.py; prints per kind the means of the judge's measures and the seconds per pair.
// Run: swift run -c release --package-path Benchmarks StyleTransferEvaluation [--flag value]...  (--help for flags)
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--help") || arguments.contains("-h") {
    print(EvaluationOptions.usage)
    exit(0)
}
do {
    let failures = try await Evaluation(options: EvaluationOptions(arguments: arguments)).run()
    exit(failures == 0 ? 0 : 1)
} catch {
    FileHandle.standardError.write(Data("error: \("\(error)".replacingOccurrences(of: "\n", with: " "))\n".utf8))
    exit(1)
}
