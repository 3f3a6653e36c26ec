// swift-tools-version:6.0
import PackageDescription

// Modules along the arrows of docs/ARCHITECTURE.md; no module imports one above it:
//   sampo (CLI) → SampoFiles → SampoRuns → SampoDiagnostics → SampoCore → CGSL
// `Sampo` is the umbrella library: it re-exports the four library modules and adds the
// one-call API (`Sampo.sample`).
let testDependencies: [Target.Dependency] = ["Sampo", "SampoCore", "SampoDiagnostics", "SampoRuns", "SampoFiles", "SampoStan", "SampoTestSupport"]

let package = Package(
    name: "Sampo",
    products: [
        .library(name: "Sampo", targets: ["Sampo"]),
        .executable(name: "sampo", targets: ["sampo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CGSL",
            pkgConfig: "gsl",
            providers: [.apt(["libgsl-dev"])]
        ),
        // zlib, for posteriordb's zipped data and reference draws.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Random streams, targets, kernels and their shared pieces, population samplers.
        .target(name: "SampoCore", dependencies: ["CGSL"]),
        // ESS, R-hat, MCSE, quantiles, distances: work on draws from anywhere.
        .target(name: "SampoDiagnostics", dependencies: ["SampoCore", "CGSL"]),
        // Chains in parallel, jobs, comparisons, tuning, sample quality.
        .target(name: "SampoRuns", dependencies: ["SampoCore", "SampoDiagnostics"]),
        // TOML target and experiment files (its own TOML reader, which cannot abort), CSV/JSON/gnuplot output.
        .target(
            name: "SampoFiles",
            dependencies: ["SampoCore", "SampoDiagnostics", "SampoRuns", "SampoStan", "CZlib"]
        ),
        // Stan programs as targets: the toolchain, a compiled-model cache and the bridge, loaded at
        // run time (dlopen), so nothing of Stan is linked into a program that never uses it.
        .target(name: "SampoStan", dependencies: ["SampoCore"]),
        .target(name: "Sampo", dependencies: ["SampoCore", "SampoDiagnostics", "SampoRuns", "SampoFiles", "SampoStan"]),
        .executableTarget(
            name: "sampo",
            // The library modules directly as well as the umbrella: the build then tracks each
            // module's interface, so a change of layout in one of them recompiles the CLI.
            dependencies: ["Sampo", "SampoCore", "SampoDiagnostics", "SampoRuns", "SampoFiles", "SampoStan",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Tests, one target per module under test (each may reach `package` internals); they share
        // TestSupport (shipped targets, batch-means MCSE, moment checks) and Tests/Fixtures.
        .target(name: "SampoTestSupport", dependencies: ["Sampo", "CZlib"], path: "Tests/SampoTestSupport"),
        .testTarget(name: "SampoCoreTests", dependencies: testDependencies),
        .testTarget(name: "SampoDiagnosticsTests", dependencies: testDependencies),
        .testTarget(name: "SampoRunsTests", dependencies: testDependencies),
        .testTarget(name: "SampoFilesTests", dependencies: testDependencies),
        // The umbrella: the one-call Swift API, the README's examples, the command line end to end.
        .testTarget(name: "SampoTests", dependencies: testDependencies),
        // Stan programs as targets: compiles eight_schools_noncentered once (≈ 45 s, then cached in .build/).
        .testTarget(name: "SampoStanTests", dependencies: testDependencies),
        // Exactness on anisotropic Gaussians to 0.3% and log Ẑ error calibration (release only: minutes).
        .testTarget(name: "SampoExactnessTests", dependencies: ["Sampo"]),
    ]
)
