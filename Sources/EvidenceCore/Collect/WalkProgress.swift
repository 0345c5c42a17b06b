/// Told how far a long history walk has got: a short description and a count of commits read. Called every
/// `WalkProgress.interval` commits, so a caller can keep a terminal line current without slowing the walk.
public typealias WalkProgress = @Sendable (_ stage: String, _ commits: Int) -> Void

public enum WalkProgressInterval {
    /// Commits between two reports.
    public static let commits = 2_000
}
