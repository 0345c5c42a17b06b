/// Told how far a long history walk has got: a short description and a count of commits read. Called every
/// `FirstParentChanges.progressInterval` commits, so a caller can keep a terminal line current without slowing the walk.
public typealias WalkProgress = @Sendable (_ stage: String, _ commits: Int) -> Void
