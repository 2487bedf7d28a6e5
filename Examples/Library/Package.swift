// swift-tools-version: 6.1
// A package that depends on Backprop the way a user's would (by path here; by URL in yours),
// and runs the sheet end to end with the public library products only. `.ci/run` builds and
// runs it, so the README's library example stays true.
import PackageDescription

let package = Package(
    name: "Sheet",
    // The identity of a path dependency is its directory name (a clone may be called anything).
    dependencies: [.package(name: "Backprop", path: "../..")],
    targets: [
        .executableTarget(name: "Sheet", dependencies: [
            .product(name: "Backprop", package: "Backprop"),
            .product(name: "BackpropDatasets", package: "Backprop"),
            .product(name: "BackpropPlots", package: "Backprop"),
            .product(name: "BackpropPlayground", package: "Backprop"),
        ]),
    ]
)
