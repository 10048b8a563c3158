import Foundation

extension WaveNet {
    /// One training step's report.
    public struct TrainingProgress: Sendable {
        /// The step just completed (from 1).
        public let step: Int
        /// The run's total steps.
        public let steps: Int
        /// This step's loss: mean cross-entropy in nats per sample (ln 256 ≈ 5.55 is a uniform guess).
        public let loss: Float
        /// The learning rate used.
        public let learningRate: Float
        /// Wall-clock seconds of training so far (including earlier runs of a resumed training).
        public let seconds: Double
        /// Throughput: training samples (crop samples, `batchSize · cropLength` a step) per wall-clock second, over
        /// the steps of this run so far (a resumed run starts counting afresh).
        public let samplesPerSecond: Double
        /// The estimated wall-clock seconds until step ``steps`` is done: the remaining steps at this run's mean
        /// seconds per step (checkpoint writes included). A time limit may stop the run sooner.
        public let secondsRemaining: Double
        /// `true` when the run stops after this step because it reached its time limit (a checkpoint, if the run
        /// writes one, is written after this step, and `resume` continues from it); `false` otherwise, including
        /// on the last step of the configuration.
        public let stoppedAtTimeLimit: Bool
        /// The checkpoint written after this step, or `nil`.
        public let checkpoint: URL?
    }
}
