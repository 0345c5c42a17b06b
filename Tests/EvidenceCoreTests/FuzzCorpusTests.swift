import EvidenceCore
import Foundation
import Testing

/// The fuzzers' corpora replayed in the ordinary suite (`make fuzz` explores beyond them): every seed is input the
/// parser accepts, so the fuzzer starts from real shapes, and every regression input — a hostile input that once
/// crashed, hung or was misread — is refused, one by one, without a crash.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus").path

    static func files(_ target: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: corpus + "/" + target).sorted()
    }

    @Test func everyParserHasACorpusAndEveryCorpusAParser() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.corpus).sorted()
        #expect(folders == FuzzTargets.all.keys.sorted())
        for target in folders {
            #expect(try Self.files(target).contains { $0.hasPrefix("seed") }, "\(target) has no seed")
            #expect(try Self.files(target).allSatisfy { $0.hasPrefix("seed") || $0.hasPrefix("regression-") }, "\(target): name files seed* or regression-*")
        }
    }

    @Test(arguments: FuzzTargets.all.keys.sorted())
    func seedsAreAcceptedAndRegressionInputsRefused(target: String) throws {
        let parse = try #require(FuzzTargets.all[target])
        for name in try Self.files(target) {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.corpus + "/" + target + "/" + name)))
            #expect(parse(bytes) == name.hasPrefix("seed"), "\(target)/\(name)")
        }
    }
}
