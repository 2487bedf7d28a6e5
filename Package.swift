// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Backprop",
    products: [
        .library(name: "Backprop", targets: ["Backprop"]),
    ],
    targets: [
        // The engine. Foundation only: no package dependency may reach this module.
        .target(name: "Backprop"),
        .testTarget(
            name: "BackpropTests",
            dependencies: ["Backprop"],
            exclude: ["Fixtures"]
        ),
    ]
)
