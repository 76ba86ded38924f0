// swift-redis-server [config-file] [--option value …]
//
// Builds the server from the command line and runs its event loop until SHUTDOWN, SIGTERM or
// SIGINT. Everything of substance is in the RedisServer module. Redis: main (src/server.c)

import RedisCore
import RedisServer
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

do {
    let server = try Server(arguments: Array(CommandLine.arguments.dropFirst()))
    exit(server.run())
} catch {
    // Redis prints config errors to stderr and exits with status 1.
    let message = "\(error)\n"
    _ = message.withCString { write(2, $0, strlen($0)) }
    exit(1)
}
