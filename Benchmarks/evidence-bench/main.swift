import EvidenceCrypto
import Foundation

// Times EvidenceCrypto's streaming SHA-256 on the files given (what verify does for every bundle file) and
// prints throughput. Run by `make bench`; not installed.
for path in CommandLine.arguments.dropFirst() {
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    var best = Double.infinity
    var digest = ""
    for _ in 0..<3 {
        let start = DispatchTime.now().uptimeNanoseconds
        digest = try SHA256.hash(fileAt: path).hex
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    print(String(format: "  git-evidence SHA-256 streaming: %.3f s for %.2f GiB = %.2f GB/s (best of 3) %@",
                 best, Double(size) / 1_073_741_824, Double(size) / best / 1e9, String(digest.prefix(16))))
}
