// swift-tools-version:6.0
// SwiftRedis: Redis 6.2 rebuilt in Swift, one chapter per module.
// No third-party packages: the toolchain only.
import PackageDescription

// Release builds drop Swift's dynamic exclusivity checks in the hot path (about 4% of user time,
// measured); debug builds keep them, so tests still catch overlapping accesses.
let fast: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "SwiftRedis",
    products: [
        .executable(name: "swift-redis-server", targets: ["swift-redis-server"]),
        .executable(name: "swift-redis", targets: ["swift-redis"]),
    ],
    targets: [
        // A few lines of C for the libc calls Swift's Glibc module does not import.
        .target(name: "CSystem", path: "Sources/CSystem"),
        .target(name: "RedisCore", dependencies: ["CSystem"], path: "Sources/RedisCore", swiftSettings: fast),
        .target(name: "RedisEventLoop", dependencies: ["RedisCore", "CSystem"], path: "Sources/01-EventLoop", swiftSettings: fast),
        .target(name: "RedisRESP", dependencies: ["RedisCore", "RedisEventLoop", "CSystem"], path: "Sources/02-RESP", swiftSettings: fast),
        .target(name: "RedisKeyspace", dependencies: ["RedisCore", "RedisRESP", "CSystem"], path: "Sources/03-Keyspace", swiftSettings: fast),
        .target(name: "RedisAOF", dependencies: ["RedisCore", "RedisKeyspace"], path: "Sources/04-AOF", swiftSettings: fast),
        .target(name: "RedisServer",
                dependencies: ["RedisCore", "RedisEventLoop", "RedisRESP", "RedisKeyspace", "RedisAOF", "CSystem"],
                path: "Sources/RedisServer", swiftSettings: fast),
        .executableTarget(name: "swift-redis-server", dependencies: ["RedisServer"], path: "Sources/swift-redis-server", swiftSettings: fast),
        // The tools behind `swift-redis`: the walkthrough runner, the book checker, later check-aof…
        .target(name: "RedisTools", dependencies: ["RedisCore"], path: "Sources/RedisTools"),
        .executableTarget(name: "swift-redis", dependencies: ["RedisTools"], path: "Sources/swift-redis"),

        // Shared by the tests that start the real server: free ports, a server process, a raw client.
        .target(name: "TestSupport", dependencies: ["RedisCore"], path: "Tests/TestSupport"),

        .testTarget(name: "RedisCoreTests", dependencies: ["RedisCore"]),
        .testTarget(name: "RedisEventLoopTests", dependencies: ["RedisEventLoop", "RedisCore"]),
        .testTarget(name: "RedisRESPTests", dependencies: ["RedisRESP", "RedisCore"]),
        .testTarget(name: "RedisKeyspaceTests", dependencies: ["RedisKeyspace", "RedisCore"]),
        .testTarget(name: "RedisAOFTests", dependencies: ["RedisAOF", "RedisKeyspace", "RedisCore", "TestSupport"]),
        .testTarget(name: "RedisServerTests", dependencies: ["RedisCore", "TestSupport"]),
        // RedisPy/scenario.py is run with python3 by RedisPyTests, found through #filePath.
        .testTarget(name: "InteropTests", dependencies: ["RedisCore", "TestSupport"], exclude: ["RedisPy"]),
        .testTarget(name: "ToolsTests", dependencies: ["RedisTools", "RedisCore", "TestSupport"]),
    ]
)
