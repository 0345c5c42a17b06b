import EvidenceCore
#if canImport(Glibc)
import Glibc
#endif

// Built two ways. `make fuzz` builds it with `-sanitize=fuzzer,address -DFUZZING`: libFuzzer's main drives
// LLVMFuzzerTestOneInput with the parser FUZZ_TARGET names. A plain build replays files through a parser
// (`evidence-fuzz TARGET FILE...`), which is how a crash found by the fuzzer is reproduced without it.

/// Writes to standard error.
func complain(_ text: String) {
    _ = text.withCString { write(2, $0, strlen($0)) }
}

#if FUZZING
/// libFuzzer's entry for a program that has its own main (SwiftPM gives every executable one).
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
               _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// The parser the fuzzer drives, chosen once from FUZZ_TARGET before the driver starts.
nonisolated(unsafe) private var target: FuzzTargets.Target?

@main
struct Fuzz {
    static func main() {
        let name = getenv("FUZZ_TARGET").map { String(cString: $0) } ?? ""
        guard let chosen = FuzzTargets.all[name] else {
            complain("evidence-fuzz: set FUZZ_TARGET to one of: \(FuzzTargets.all.keys.sorted().joined(separator: ", "))\n")
            exit(2)
        }
        target = chosen
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runDriver(&argc, &argv) { data, size in
            _ = target?(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
            return 0
        })
    }
}
#else
@main
struct Replay {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first, let target = FuzzTargets.all[name] else {
            complain("usage: evidence-fuzz TARGET FILE...   (targets: \(FuzzTargets.all.keys.sorted().joined(separator: ", ")))\n")
            exit(2)
        }
        for path in arguments.dropFirst() {
            guard let file = fopen(path, "rb") else { complain("evidence-fuzz: \(path): cannot open\n"); exit(2) }
            var bytes = [UInt8](), chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = fread(&chunk, 1, chunk.count, file)
                bytes += chunk.prefix(count)
                if count < chunk.count { break }
            }
            fclose(file)
            print("\(name): \(path): \(target(bytes) ? "accepted" : "refused")")
        }
    }
}
#endif
