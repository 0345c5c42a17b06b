// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "git-evidence",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "git-evidence", targets: ["git-evidence"]),
        .library(name: "EvidenceCore", targets: ["EvidenceCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // System libraries: a module map and a commented shim each, found through pkg-config.
        .systemLibrary(
            name: "CLibgit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]
        ),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLibarchive", providers: [.apt(["libarchive-dev"]), .brew(["libarchive"])]),
        // Opened on first use (Sources/CCurl/lazy_library.h): headers only at build time.
        .systemLibrary(name: "CCurl", providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]),
        // Header only: the module is opened with dlopen, so nothing links libp11-kit (or libffi) into every run.
        .systemLibrary(name: "CPKCS11", providers: [.apt(["libp11-kit-dev"])]),
        .systemLibrary(name: "CLibpq", providers: [.apt(["libpq-dev"]), .brew(["libpq"])]),
        .systemLibrary(name: "CLibmariadb", providers: [.apt(["libmariadb-dev"]), .brew(["mariadb-connector-c"])]),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),

        // The one error protocol every layer's errors adopt: a one-line message and an exit code.
        .target(name: "EvidenceErrors"),

        // Ownership layers: no C type leaves these modules.
        // libgit2's init without its CA-certificate parse, which waits for an https clone (see its .c file).
        .target(name: "CLibgit2Startup", dependencies: ["CLibgit2"], linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "GitKit", dependencies: ["CLibgit2", "CLibgit2Startup", "EvidenceErrors"]),
        .target(name: "EvidenceCrypto", dependencies: ["COpenSSL", "EvidenceErrors"]),
        .target(name: "PostgresKit", dependencies: ["CLibpq", "EvidenceErrors"]),
        .target(name: "MySQLKit", dependencies: ["CLibmariadb", "EvidenceErrors"]),
        .target(name: "ZlibKit", dependencies: ["CZlib"]),
        .target(name: "ArchiveKit", dependencies: ["CLibarchive"]),
        .target(name: "HTTPKit", dependencies: ["CCurl"]),
        .target(name: "PKCS11Kit", dependencies: ["CPKCS11", "EvidenceErrors"]),
        // AWS Signature Version 4, for KMS and S3.
        .target(name: "AWSSigV4", dependencies: ["EvidenceCrypto", "HTTPKit"]),

        // The pipeline: a folder per stage (Sources/EvidenceCore/Pipeline.swift names them). Imports no C module.
        .target(
            name: "EvidenceCore",
            dependencies: [
                "EvidenceErrors", "GitKit", "EvidenceCrypto", "PostgresKit", "MySQLKit", "ZlibKit", "ArchiveKit", "HTTPKit", "PKCS11Kit", "AWSSigV4",
                .product(name: "Yams", package: "Yams"), .product(name: "CSV", package: "CSV.swift"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),

        // Flag parsing and printing only.
        .executableTarget(
            name: "git-evidence",
            dependencies: [
                "EvidenceCore", "EvidenceErrors", "GitKit", "EvidenceCrypto",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Fixture repositories built in code with fixed names and dates (tests only: uses the git CLI).
        .target(name: "EvidenceTestSupport", path: "Tests/Support", exclude: ["fake_github.py", "fake_gitlab.py", "tsa_server.py", "tls_server.py", "moto_kms.py", "loopback.py"]),
        // Measured by `make bench`; not a product.
        .executableTarget(name: "evidence-bench", dependencies: ["EvidenceCrypto"], path: "Benchmarks/evidence-bench"),
        // libFuzzer harness for every input parser (`make fuzz`); a plain build replays files through one.
        .executableTarget(name: "evidence-fuzz", dependencies: ["EvidenceCore"], path: "Fuzz/evidence-fuzz"),

        .testTarget(name: "GitKitTests", dependencies: ["GitKit", "EvidenceTestSupport"]),
        .testTarget(name: "AWSSigV4Tests", dependencies: ["AWSSigV4"], exclude: ["aws-sigv4-test-suite"]),
        .testTarget(name: "EvidenceCryptoTests", dependencies: ["EvidenceCrypto", "EvidenceTestSupport"]),
        .testTarget(name: "EvidenceCoreTests", dependencies: ["EvidenceCore", "GitKit", "EvidenceTestSupport"]),
        .testTarget(name: "GitEvidenceCLITests", dependencies: ["EvidenceTestSupport"], exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)
