extension WhyAnswer {
    /// The answer for people: one block per change, oldest first.
    public func text(branch: String) -> String {
        var lines = [String]()
        let subject = grep.map { "\"\($0)\"" } ?? (line.map { "\(path ?? ""):\($0)" } ?? path ?? "")
        guard !changes.isEmpty else {
            return grep != nil ? "no migration or Terraform file on \(branch) ever gained \(subject)"
                : "no change on \(branch) touches \(subject) (is it a migration or Terraform path? see git-evidence rules)"
        }
        if let grep, let path { lines.append("\"\(grep)\" was first added to \(path); \(changes.count) change(s) add or remove it:") }
        else { lines.append("\(subject): \(changes.count) change(s) on \(branch)" + (names.count > 1 ? " (also named \(names.dropFirst().joined(separator: ", ")))" : "")) }
        for change in changes {
            lines.append("")
            let renamed = change.path.oldPath.map { " from \($0)" } ?? ""
            lines.append("\(change.commit.prefix(12))  \(change.committedAt)  \(change.path.status.rawValue)\(renamed)  \(change.subject)")
            if grep != nil { lines.append("  file    \(change.path.path)") }
            lines.append("  by      \(change.authors.joined(separator: ", "))")
            if let pull = change.pullRequest {
                lines.append("  \(pull.forge.abbreviation)      \(pull.forge.number(pull.number)) \(pull.title)" + (pull.url.map { "  \($0)" } ?? ""))
                if let summary = pull.summary { lines.append("  why     \(summary)") }
                lines.append("  approved by \(pull.approvers.isEmpty ? "nobody who counts" : pull.approvers.joined(separator: ", "))")
                if !pull.checks.isEmpty {
                    lines.append("  checks  " + pull.checks.map { "\($0.name) \($0.outcome)" }.joined(separator: ", "))
                }
            } else if let without = change.withoutPullRequest {
                lines.append("  PR      " + without)
            }
            for apply in change.applies {
                let run = apply.count == 1 ? apply.runID.map { "run \($0)" } : nil
                let facts = [apply.workspace.map { "workspace \($0)" }, apply.environment, apply.time, apply.appliedBy.map { "by \($0)" }, run,
                             apply.workspace == nil ? nil : "from \(apply.commit.prefix(12))"].compactMap { $0 }
                lines.append((!apply.succeeded ? "  failed  " : apply.reverted ? "  reverted " : "  ran     ") + (facts.isEmpty ? "" : facts.joined(separator: " ") + " ")
                             + "(\(apply.place))" + (apply.succeeded ? "" : " failed or rolled back"))
            }
            if let notRun = change.notRun { lines.append("  " + notRun) }
            if let previous = change.revertTo {
                lines.append("  revert  " + (previous.isEmpty ? "remove the file: it came in with this change" : "apply the previous version again, from \(previous.prefix(12))"))
            }
            if change.isMigration {
                let revert = change.down.map { "down migration \($0)" }
                    ?? change.reversal.map { $0.reversible ? "by its own code: \($0.reason)" : "cannot be undone: \($0.reason)" }
                    ?? "no down migration by the convention"
                lines.append("  revert  " + revert)
            }
            lines += change.patchLines
        }
        return lines.joined(separator: "\n")
    }
}

extension WhyChange {
    /// The block's diff, indented under it.
    var patchLines: [String] {
        guard let patch, !patch.isEmpty else { return [] }
        return [""] + patch.split(separator: "\n", omittingEmptySubsequences: false).dropLast(patch.hasSuffix("\n") ? 1 : 0).map { "    " + $0 }
    }
}
