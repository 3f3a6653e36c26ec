// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Sampo",
    products: [
        .library(name: "Sampo", targets: ["Sampo"]),
        .executable(name: "sampo", targets: ["sampo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CGSL",
            pkgConfig: "gsl",
            providers: [.apt(["libgsl-dev"])]
        ),
        .target(
            name: "Sampo",
            dependencies: ["CGSL", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        .executableTarget(
            name: "sampo",
            dependencies: ["Sampo", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(
            name: "SampoTests",
            dependencies: ["Sampo"],
            exclude: ["Fixtures"]
        ),
    ]
)
