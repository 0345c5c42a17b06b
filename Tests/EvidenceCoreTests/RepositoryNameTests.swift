@testable import EvidenceCore
import EvidenceTestSupport
import GitKit
import Testing

/// The `owner/name` a shared Atlantis log's applies are matched against: from the pull requests' web addresses and
/// the `origin` remote — never from a local folder a clone was made from.
@Suite struct RepositoryNameTests {
    @Test(arguments: [
        ("https://github.com/Acme/API.git", ["acme/api"]),
        ("git@github.com:acme/api.git", ["acme/api"]),
        ("https://x-access-token:secret@github.com/acme/api", ["acme/api"]),
        ("/srv/mirrors/acme-api", []),
        ("file:///srv/mirrors/acme-api", []),
    ])
    func theOriginRemoteNamesTheRepositoryUnlessItIsAFolder(remote: String, names: [String]) throws {
        let fixture = try FixtureRepository("repository-name")
        try fixture.git(["remote", "add", "origin", remote])
        let repository = try Repository(path: fixture.path)
        #expect(try EvidenceCorrelation.repositoryNames([], repository: repository) == Set(names))
    }
}
