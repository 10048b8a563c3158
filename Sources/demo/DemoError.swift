import Foundation

/// Failures of the command line itself (its folders, sample clips and scheduler environment); the library's errors
/// pass through unchanged. ``reportingErrors(_:)`` prints either as one line.
enum DemoError: Error, Equatable, CustomStringConvertible {
    /// `--shard auto` found neither Slurm's `SLURM_ARRAY_TASK_ID` nor Kubernetes' `JOB_COMPLETION_INDEX`.
    case noSchedulerIndex
    /// `JOB_COMPLETION_INDEX` is set but the shard count was not given (`--shard auto/N`).
    case shardCountMissing
    /// A variable the scheduler always sets is missing.
    case missingSchedulerVariable(name: String)
    /// A scheduler variable holds no usable number (`reason` says what was expected).
    case invalidSchedulerVariable(name: String, value: String, reason: SchedulerVariableProblem)
    /// `--shard auto/N` under a Slurm array whose `SLURM_ARRAY_TASK_COUNT` differs from `N`.
    case shardCountMismatch(given: Int, scheduler: Int)
    /// An output folder (or the folder of an output file) does not exist.
    case folderNotFound(URL, output: URL)
    /// A folder could not be created.
    case cannotCreateFolder(URL)
    /// The content folder cannot be listed.
    case cannotListFolder(URL)
    /// The content folder holds no audio file for this shard.
    case noAudioFiles(folder: URL, shard: Shard?)
    /// A bundled sample clip is not in `Resources/Samples` of the current folder or the executable's checkout.
    case sampleClipNotFound(name: String)
    /// A `--input-npy` model input is unusable.
    case invalidModelInput(URL, problem: ModelInputProblem)

    /// Why a scheduler variable is unusable.
    enum SchedulerVariableProblem: Equatable, CustomStringConvertible {
        /// Not an integer.
        case notAnInteger
        /// A count below 1.
        case notPositive
        /// A Slurm task ID that is not the array's minimum plus a multiple of its step.
        case offStep(minimum: Int, step: Int)
        /// The index (after subtracting the array's minimum and dividing by its step) is outside `0..<count`.
        case indexOutsideCount(index: Int, count: Int)

        var description: String {
            switch self {
            case .notAnInteger: "not an integer"
            case .notPositive: "must be at least 1"
            case let .offStep(minimum, step): "is not \(minimum) plus a multiple of the array's step \(step)"
            case let .indexOutsideCount(index, count): "gives shard index \(index), outside 0..<\(count)"
            }
        }
    }

    /// Why a raw model input is unusable.
    enum ModelInputProblem: Equatable, CustomStringConvertible {
        /// Not four-dimensional.
        case notNCHW(shape: [Int])
        /// NaN or infinite values.
        case nonFinite

        var description: String {
            switch self {
            case let .notNCHW(shape): "holds shape \(shape); a model input must be [N, C, H, W]"
            case .nonFinite: "holds NaN or infinite values"
            }
        }
    }

    var description: String {
        switch self {
        case .noSchedulerIndex:
            "--shard auto needs SLURM_ARRAY_TASK_ID (a Slurm job array) or JOB_COMPLETION_INDEX (a Kubernetes "
                + "Indexed Job); neither is set, so give the shard as i/n"
        case .shardCountMissing:
            "JOB_COMPLETION_INDEX is set but Kubernetes does not tell the job's completions: give them as --shard auto/N"
        case let .missingSchedulerVariable(name):
            "\(name) is not set (is this a Slurm job array?)"
        case let .invalidSchedulerVariable(name, value, reason):
            "\(name)=\(value) \(reason)"
        case let .shardCountMismatch(given, scheduler):
            "--shard auto/\(given) under a Slurm array of \(scheduler) tasks (SLURM_ARRAY_TASK_COUNT)"
        case let .folderNotFound(folder, output):
            "cannot write \(output.path): folder \(folder.path) does not exist"
        case let .cannotCreateFolder(folder):
            "cannot create the folder \(folder.path)"
        case let .cannotListFolder(folder):
            "file not found: \(folder.path) (not a readable folder)"
        case let .noAudioFiles(folder, shard):
            "\(folder.path) contains no audio files" + (shard.map { " for shard \($0)" } ?? "")
        case let .sampleClipNotFound(name):
            "file not found: Resources/Samples/\(name) (run from the package checkout or give --content and --style)"
        case let .invalidModelInput(url, problem):
            "\(url.path) \(problem)"
        }
    }
}
