// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Backprop",
    products: [
        .library(name: "Backprop", targets: ["Backprop"]),
        // The sheet's data sets, CSV and feature crosses (module `Datasets`).
        .library(name: "BackpropDatasets", targets: ["Datasets"]),
        // PNG and SVG plots (module `Plots`).
        .library(name: "BackpropPlots", targets: ["Plots"]),
        // Experiments, sessions and sweeps: what the command line runs (module `Playground`).
        .library(name: "BackpropPlayground", targets: ["Playground"]),
        .executable(name: "backprop", targets: ["BackpropCLI"]),
        // The page's server (`backprop serve` runs it): apart, so that `backprop` builds without
        // Hummingbird and NIO, most of a clean build.
        .executable(name: "backprop-serve", targets: ["BackpropServe"]),
        .executable(name: "backprop-bench", targets: ["BackpropBench"]),
    ],
    traits: [
        // Opt-in: fused multiply-add in the kernels and the vector math. Only for CPUs with
        // FMA (x86-64 since Haswell, all arm64) and with `-Xswiftc -target-cpu` set to one;
        // elsewhere each fused operation becomes a library call. docs/performance.md, "Fast build".
        .trait(name: "FMA", description: "Fused multiply-add in the training kernels (needs a CPU with FMA and -target-cpu)"),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.0"),
        // Already in hummingbird's graph; named for `NIOWebSocket`'s frame type (masked frames).
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        // `swift package generate-documentation` (the DocC catalog in Sources/Backprop); a
        // command plugin, built only when documentation is asked for.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // Counts mallocs in the benchmark (LD_PRELOAD); nothing else links it.
        .package(url: "https://github.com/ordo-one/malloc-interposer.git", from: "1.6.1"),
    ],
    targets: [
        // The engine. Foundation only: no package dependency may reach this module.
        .target(name: "Backprop", dependencies: ["CKernels"]),
        // The engine's hot loops compiled for AVX2+FMA and AVX-512 in one build, chosen at
        // start-up (Sources/Backprop/KernelPath.swift); no flags, so the package stays usable
        // as a dependency.
        .target(name: "CKernels"),
        // Generators (scikit-learn's and the playground's), CSV, splits, feature crosses.
        .target(name: "Datasets", dependencies: ["Backprop"]),
        // PNG and SVG of heat maps, points, curves and network diagrams; knows no networks.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "Plots", dependencies: ["CZlib"]),
        // The experiment description, the session that runs it, sweeps.
        .target(name: "Playground", dependencies: ["Backprop", "Datasets", "Plots"]),
        // One page's session without the network: messages in, JSON replies out (the server's
        // core, kept free of Hummingbird so that it can be fuzzed on its own).
        .target(name: "PlaygroundSessions", dependencies: ["Backprop", "Datasets", "Playground"]),
        // The playground page's files, its data (presets, palette, thumbnails) and the static
        // site (`backprop site`); no server.
        .target(
            name: "PlaygroundPage",
            dependencies: ["Backprop", "Datasets", "Plots", "PlaygroundSessions"],
            resources: [.copy("Page")]
        ),
        // `backprop serve`: the playground page and its WebSocket sessions.
        .target(
            name: "PlaygroundServer",
            dependencies: ["Backprop", "Datasets", "Plots", "Playground", "PlaygroundSessions", "PlaygroundPage",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdCore", package: "hummingbird"),
                           .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                           .product(name: "NIOWebSocket", package: "swift-nio")]
        ),
        // What both executables share: how a command ends (one line, exit 2).
        .target(
            name: "BackpropCommandLine",
            dependencies: ["Backprop", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The `backprop` command line.
        .executableTarget(
            name: "BackpropCLI",
            dependencies: ["Backprop", "Datasets", "Plots", "Playground", "PlaygroundPage", "BackpropCommandLine",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // `backprop-serve` (what `backprop serve` runs).
        .executableTarget(
            name: "BackpropServe",
            dependencies: ["Backprop", "PlaygroundServer", "BackpropCommandLine",
                           .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Hummingbird", package: "hummingbird")]
        ),
        // Times W1–W3 from the shared initial weights and counts mallocs per step.
        .executableTarget(
            name: "BackpropBench",
            dependencies: ["Backprop", "Plots", .product(name: "MallocInterposerSwift", package: "malloc-interposer")]
        ),
        // libFuzzer targets for every reader of outside input (scripts/fuzz.sh builds it with
        // -sanitize=fuzzer,address); a plain build replays a corpus through the same targets.
        .target(name: "CFuzzerDriver"),
        .executableTarget(
            name: "BackpropFuzz",
            dependencies: ["Backprop", "Datasets", "Playground", "PlaygroundSessions", "CFuzzerDriver"]
        ),
        .testTarget(
            name: "BackpropTests",
            dependencies: ["Backprop", "Datasets", "Plots", "Playground", "CZlib", "BackpropCLI", "BackpropServe"],
            exclude: ["Fixtures", "Interop"]
        ),
        .testTarget(
            name: "PlaygroundServerTests",
            dependencies: ["PlaygroundServer", "PlaygroundPage", "Backprop", "Datasets",
                           "PlaygroundSessions", "Playground",
                           .product(name: "HummingbirdTesting", package: "hummingbird"),
                           .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
                           .product(name: "HummingbirdWSClient", package: "hummingbird-websocket")]
        ),
    ]
)
