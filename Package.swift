// swift-tools-version: 6.1
import PackageDescription

// Module layout and import arrows: see ARCHITECTURE.md.
// A64 and IR know nothing of the host; only Engine knows x86-64.
// No runtime exclusivity checks in the modules on the translation and
// execution paths (the translator's arrays, the dispatcher, the softmmu):
// they cost ~6% of the softmmu slow paths (chase workload) and of a Linux
// boot's translation. Debug builds keep them (tests catch violations there).
let unchecked: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "Armature",
    products: [
        .executable(name: "armature", targets: ["armature"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CFFI", path: "Sources/CFFI", pkgConfig: "libffi",
            providers: [.apt(["libffi-dev"])]),
        .systemLibrary(
            name: "CCapstone", path: "Sources/CCapstone", pkgConfig: "capstone",
            providers: [.apt(["libcapstone-dev"])]),
        // Debian's libfdt-dev has no pkg-config file: the module map links libfdt.
        .systemLibrary(name: "CFDT", path: "Sources/CFDT", providers: [.apt(["libfdt-dev"])]),
        // Host atomic instructions on guest memory (header only).
        .systemLibrary(name: "CHostAtomics", path: "Sources/CHostAtomics"),
        // One SSE/FMA op under a given MXCSR, its flags read back (header only).
        .systemLibrary(name: "CHostFP", path: "Sources/CHostFP"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // The host calls of the 9P server that Glibc's module leaves out (O_PATH, xattrs, statfs).
        .systemLibrary(name: "CNineP", path: "Sources/CNineP"),
        // libslirp (Debian's libslirp-dev): its pkg-config file wants glib's, which the header does not need.
        .systemLibrary(name: "CSlirp", path: "Sources/CSlirp", providers: [.apt(["libslirp-dev"])]),
        .target(name: "A64"),
        .target(name: "IR", swiftSettings: unchecked),
        // Facts the translator and the machine share (access flags, ISA features).
        .target(name: "Arch"),
        .target(name: "Lift", dependencies: ["A64", "IR", "Arch"], swiftSettings: unchecked),
        // The softmmu slow paths run on every access that misses the TLB: runtime
        // exclusivity checks cost ~6% there (measured on the chase workload).
        .target(name: "Machine", dependencies: ["Arch"], swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        // A 9P2000.L file server over a host directory (virtio-9p's back end): no emulator types.
        .target(name: "NineP", dependencies: ["CNineP"]),
        // User-mode networking over libslirp (virtio-net's back end): no emulator types.
        .target(name: "UserNet", dependencies: ["CSlirp"]),
        .target(name: "Devices", dependencies: ["Machine", "NineP"]),
        .target(name: "Engine", dependencies: ["IR", "Lift", "Machine", "Arch", "CFFI", "CHostAtomics", "CHostFP"], swiftSettings: unchecked),
        // ELF files read without trusting them (the loader and the symbol tables).
        .target(name: "ELF"),
        .target(name: "Board", dependencies: ["Machine", "Devices", "ELF", "CFDT", "CZlib", "Options", "NineP", "UserNet"], exclude: ["DefaultGuest/firmware"]),
        .target(name: "Options"),
        .target(
            name: "Debug", dependencies: ["A64", "IR", "Machine", "Devices", "Engine", "Options", "ELF", "CCapstone"],
            exclude: ["TRACE-FORMAT.md"]),
        .executableTarget(
            name: "armature",
            dependencies: [
                "Machine", "Devices", "Engine", "Board", "ELF", "Debug", "Options",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "armature-bench", path: "Benchmarks/Harness"),
        // The translator's cost per block and its heap allocations (Benchmarks/README.md).
        .executableTarget(name: "armature-translate", dependencies: ["Engine", "Lift", "ELF"], path: "Benchmarks/TranslateBench"),
        .testTarget(name: "A64Tests", dependencies: ["A64", "TestReferences", "TestRandom"]),
        .testTarget(name: "IRTests", dependencies: ["IR"]),
        .testTarget(name: "MachineTests", dependencies: ["Machine"]),
        .testTarget(name: "NinePTests", dependencies: ["NineP"]),
        .testTarget(name: "UserNetTests", dependencies: ["UserNet"]),
        // What a test does when its reference (llvm-objdump, Unicorn, clang) is missing.
        .target(name: "TestReferences", path: "Tests/TestReferences"),
        // The seeded generator of the randomized tests (SplitMix64).
        .target(name: "TestRandom", path: "Tests/TestRandom"),
        // The in-process snippet machine of the engine tests (differential runs, fuzzing).
        .target(name: "EngineTestSupport", dependencies: ["Engine", "Machine"], path: "Tests/EngineTestSupport"),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Lift", "IR", "A64", "Machine", "Arch", "EngineTestSupport", "TestReferences", "TestRandom"]),
        .testTarget(name: "BoardTests", dependencies: ["Board", "NineP", "ELF", "Engine", "Machine", "Devices", "Debug", "A64", "IR", "Options", "TestReferences", "TestRandom"]),
        .testTarget(name: "DebugTests", dependencies: ["Debug", "Board", "Engine", "Machine", "TestRandom"]),
        .testTarget(name: "CommandLineTests", dependencies: ["armature", "Board", "Engine", "Options", "Debug", "TestRandom"]),
    ]
)
