import Backprop
import Datasets
import Playground

/// What the page's link, "copy as command" and experiment.json reproduce of a run that was
/// changed while it trained.
///
/// They describe a run from its settings: the same data, initial weights and training from
/// epoch 0. A learning rate chosen mid-run fits that description as a schedule (the rate from
/// this epoch on); a new stop epoch changes nothing that was trained. Every other change — the
/// optimiser, momentum, regularisation, batch size or order, a weight edited by hand, points
/// added, a reload that restarts the optimiser's state or the shuffle — leaves a run those
/// files cannot describe, and the page says so in words rather than hand out a link that
/// trains something else. Reset starts a run they describe again.
extension LiveSession {
    /// Settings after `lr` is set at `session`'s epoch (after the first): under a constant or
    /// piecewise schedule the new rate becomes `EPOCH=RATE` in `lr-schedule`, `lr` keeping the
    /// first rate; under an exponential or cosine one it is taken as given (and noted, as the
    /// rates already trained then change).
    func rateMidRun(_ s: [String: String], _ session: Session) throws(BackpropError) -> [String: String] {
        let epoch = session.epoch
        let old = session.experiment.training.learningRate
        guard old.kind == .constant || old.kind == .piecewise else { return s }
        let rate = try experiment(from: s).training.learningRate.initial
        let changes = old.changes.filter { $0.epoch < epoch } + [.init(epoch: epoch, rate: rate)] + old.changes.filter { $0.epoch > epoch }
        var s = s
        s["lr"] = settings["lr"]
        s["lr-schedule"] = "piecewise:" + changes.map { "\($0.epoch)=\($0.rate)" }.joined(separator: ",")
        return s
    }

    /// Notes a schedule that gives other rates than `before` for the epochs already trained: a
    /// new `lr-schedule`, a new first rate under an exponential or cosine one, or a stop epoch
    /// that stretches a cosine wave spanning the run.
    func checkRates(_ before: LearningRateSchedule, _ after: LearningRateSchedule, trained epoch: Int) {
        if !after.agrees(with: before, before: epoch) {
            leftThePath("the learning rate", at: epoch)
        }
    }

    /// A training setting as the note names it.
    static func changeName(_ key: String) -> String {
        switch key {
        case "optimizer": return "the optimiser"
        case "momentum": return "momentum"
        case "regularization": return "regularisation"
        case "reg-rate": return "the regularisation rate"
        case "reg-style": return "the regularisation style"
        case "batch-size": return "the batch size"
        case "order": return "the batch order"
        default: return key
        }
    }

    /// Notes a change the settings cannot describe (once per kind, with the first epoch).
    func leftThePath(_ what: String, at epoch: Int) {
        guard !offPath.contains(where: { $0.what == what }) else { return }
        offPath.append((what, epoch))
    }

    /// What the page says beside its link and command while the run is off its settings' path.
    var unreproduced: String? {
        guard !offPath.isEmpty else { return nil }
        let list = offPath.map { "\($0.what) at epoch \(grouped($0.epoch))" }.joined(separator: ", ")
        return "Changed during this run: \(list). The link, the command and experiment.json train without "
            + "\(offPath.count == 1 ? "that change" : "those changes"), so they do not reproduce this run; reset starts one they do."
    }

    /// Whether continuing from given weights at `epoch` restarts state the run had: the
    /// optimiser's (momentum, Adam) or the shuffle's.
    func restartsState(_ session: Session, at epoch: Int) -> Bool {
        guard epoch > 0 else { return false }
        if case .shuffled = session.experiment.training.order { return true }
        return session.experiment.training.optimizer.stateSlots > 0
    }
}
