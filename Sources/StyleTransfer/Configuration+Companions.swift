import Vocoders

extension StyleTransferConfiguration {
    /// Griffin-Lim iterations of the vocoder that renders a transfer: 64, what `Docs/StyleTransfer.md` measured the
    /// presets with (200 gave nothing more; ``Vocoders/GriffinLimVocoder``'s own default, 32, is librosa's, for plain
    /// reconstruction). Pass it as `GriffinLimVocoder(frontEnd:iterations:)`.
    public static let griffinLimIterations = 64
}

extension StyleTransferConfiguration.OptimizerChoice {
    /// L-BFGS as the study runs it: 20 correction pairs, at most 5 loss evaluations per reported step and the
    /// strong-Wolfe line search (PyTorch `optim.LBFGS(history_size=20, max_iter=1, max_eval=5,
    /// line_search_fn="strong_wolfe")`).
    public static let standardLBFGS = Self.lbfgs(historySize: 20, evaluationsPerStep: 5, strongWolfe: true)
}
