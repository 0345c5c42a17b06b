import CLibgit2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Repository {
    /// The unified diff (as `git diff` prints it) between two root trees, limited to `paths` taken literally
    /// (no pattern matching). `from` nil means the empty tree, as for a root commit.
    public func patch(from oldTree: ObjectID?, to newTree: ObjectID, paths: [String]) throws(GitError) -> [UInt8] {
        guard !paths.isEmpty else { return [] }
        var options = git_diff_options()
        try check(git_evidence_diff_options_init(&options), "git_diff_options_init")
        options.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue
        // libgit2 reads the pathspec during the call; the C strings live until the diff is made.
        let cStrings = paths.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        var pointers = cStrings
        return try pointers.withUnsafeMutableBufferPointer { buffer throws(GitError) -> [UInt8] in
            options.pathspec = git_strarray(strings: buffer.baseAddress, count: buffer.count)
            return try withTree(oldTree) { old throws(GitError) in
                try withTree(newTree) { new throws(GitError) in
                    var diff: OpaquePointer?
                    try check(git_diff_tree_to_tree(&diff, pointer, old, new, &options), "git_diff_tree_to_tree")
                    defer { git_diff_free(diff) }
                    var text = git_buf()
                    try check(git_diff_to_buf(&text, diff, GIT_DIFF_FORMAT_PATCH), "git_diff_to_buf")
                    defer { git_buf_dispose(&text) }
                    guard let bytes = text.ptr, text.size > 0 else { return [] }
                    return Array(UnsafeRawBufferPointer(start: bytes, count: text.size))
                }
            }
        }
    }
}

extension Repository {
    /// The names of the files (not folders) directly in `folder` ("" for the root) as of `commit`; empty when the
    /// commit has no such folder.
    public func fileNames(in folder: String, at commit: ObjectID) throws(GitError) -> [String] {
        guard let folderEntry = try entry(atPath: folder, in: commit), !folderEntry.isBlob else { return [] }
        return try withTree(folderEntry.id) { tree throws(GitError) in
            guard let tree else { return [] }
            return (0..<git_tree_entrycount(tree)).compactMap { index in
                guard let entry = git_tree_entry_byindex(tree, index), git_tree_entry_filemode(entry) != GIT_FILEMODE_TREE else { return nil }
                return String(cString: git_tree_entry_name(entry))
            }
        }
    }
}

extension Repository {
    /// The first-parent commit of `tip`'s history that last changed line `line` (1-based) of `path`, as
    /// `git blame --first-parent` finds it: for work merged from a branch, the merge (or squash) that brought it.
    /// Nil when the file has no such line at `tip`.
    public func lastChange(ofLine line: Int, path: String, at tip: ObjectID) throws(GitError) -> ObjectID? {
        var options = git_blame_options()
        try check(git_evidence_blame_options_init(&options), "git_blame_options_init")
        options.flags = GIT_BLAME_FIRST_PARENT.rawValue
        options.newest_commit = tip.raw
        // Only that line is followed back, so the blame stops at the commit that last touched it; libgit2 wants the
        // line to be in the file.
        guard line >= 1, let bytes = try blob(atPath: path, in: tip) else { return nil }
        let lines = bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } + (bytes.last.map { $0 == 0x0A ? 0 : 1 } ?? 0)
        guard line <= lines else { return nil }
        options.min_line = line
        options.max_line = line
        var blame: OpaquePointer?
        try check(git_blame_file(&blame, pointer, path, &options), "git_blame_file")
        defer { git_blame_free(blame) }
        guard let hunk = git_blame_get_hunk_byline(blame, line) else { return nil }
        return withUnsafePointer(to: hunk.pointee.final_commit_id) { ObjectID($0) }
    }
}
