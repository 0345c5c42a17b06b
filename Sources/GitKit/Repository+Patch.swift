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

/// A run of lines that differ between two versions of a file, as a diff's hunk header gives it (1-based). A count
/// of 0 is a pure insertion or deletion, and its start is then the line after which it happened.
public struct LineHunk: Sendable, Hashable {
    public let oldStart: Int
    public let oldLines: Int
    public let newStart: Int
    public let newLines: Int

    public init(oldStart: Int, oldLines: Int, newStart: Int, newLines: Int) {
        self.oldStart = oldStart
        self.oldLines = oldLines
        self.newStart = newStart
        self.newLines = newLines
    }

    /// Where line `line` of the new version was in the old one, as blame passes an unchanged line to the parent;
    /// nil when one of `hunks` (in order, as a diff lists them) changed or added it.
    public static func lineBefore(_ line: Int, hunks: [LineHunk]) -> Int? {
        var shift = 0
        for hunk in hunks {
            if hunk.newLines > 0 {
                if line < hunk.newStart { break }
                if line < hunk.newStart + hunk.newLines { return nil }
            } else if line <= hunk.newStart {
                break
            }
            shift += hunk.oldLines - hunk.newLines
        }
        return line + shift
    }
}

extension Repository {
    /// The hunks of the line diff from blob `old` to blob `new`, without context, diffed as `git blame` diffs: every
    /// file as text, with the indent heuristic (git's default) choosing among equally small diffs.
    public func lineHunks(from old: ObjectID, to new: ObjectID) throws(GitError) -> [LineHunk] {
        var options = git_diff_options()
        try check(git_evidence_diff_options_init(&options), "git_diff_options_init")
        options.context_lines = 0
        options.interhunk_lines = 0
        options.flags |= GIT_DIFF_FORCE_TEXT.rawValue | GIT_DIFF_INDENT_HEURISTIC.rawValue
        let (before, after) = (try blob(old), try blob(new))
        var patch: OpaquePointer?
        let code = before.withUnsafeBytes { oldBytes in
            after.withUnsafeBytes { newBytes in
                git_patch_from_buffers(&patch, oldBytes.baseAddress, oldBytes.count, nil, newBytes.baseAddress, newBytes.count, nil, &options)
            }
        }
        defer { git_patch_free(patch) }
        try check(code, "git_patch_from_buffers")
        var hunks = [LineHunk]()
        for index in 0..<git_patch_num_hunks(patch) {
            var hunk: UnsafePointer<git_diff_hunk>?
            var lines = 0
            try check(git_patch_get_hunk(&hunk, &lines, patch, index), "git_patch_get_hunk")
            guard let hunk = hunk?.pointee else { continue }
            hunks.append(LineHunk(oldStart: Int(hunk.old_start), oldLines: Int(hunk.old_lines), newStart: Int(hunk.new_start), newLines: Int(hunk.new_lines)))
        }
        return hunks
    }

    /// The number of lines in a blob, as git counts them (a last line without a newline counts).
    public func lineCount(of id: ObjectID) throws(GitError) -> Int {
        let bytes = try blob(id)
        return bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } + (bytes.last.map { $0 == 0x0A ? 0 : 1 } ?? 0)
    }
}
