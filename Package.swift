// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Backprop",
    products: [
        .library(name: "Backprop", targets: ["Backprop"]),
        .executable(name: "backprop-bench", targets: ["BackpropBench"]),
    ],
    dependencies: [
        // Counts mallocs in the benchmark (LD_PRELOAD); nothing else links it.
        .package(url: "https://github.com/ordo-one/malloc-interposer.git", from: "1.6.1"),
    ],
    targets: [
        // The engine. Foundation only: no package dependency may reach this module.
        .target(name: "Backprop"),
        // Generators (scikit-learn's and the playground's), CSV, splits, feature crosses.
        .target(name: "Datasets", dependencies: ["Backprop"]),
        // PNG and SVG of heat maps, points, curves and network diagrams; knows no networks.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "Plots", dependencies: ["CZlib"]),
        // Times W1–W3 from the shared initial weights and counts mallocs per step.
        .executableTarget(
            name: "BackpropBench",
            dependencies: ["Backprop", .product(name: "MallocInterposerSwift", package: "malloc-interposer")]
        ),
        .testTarget(
            name: "BackpropTests",
            dependencies: ["Backprop", "Datasets", "Plots"],
            exclude: ["Fixtures", "Interop"]
        ),
    ]
)
