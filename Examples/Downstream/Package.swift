// swift-tools-version:6.0
import PackageDescription

// A package that uses Sampo as a downstream user would: by path, through public API only.
// `make test` builds and tests it. `name:` makes the product findable whatever the checkout's
// folder is called.
let package = Package(
    name: "Downstream",
    dependencies: [.package(name: "Sampo", path: "../..")],
    targets: [
        .testTarget(name: "DownstreamTests", dependencies: [.product(name: "Sampo", package: "Sampo")]),
    ]
)
