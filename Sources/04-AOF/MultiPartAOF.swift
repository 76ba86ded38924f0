// Reading Redis 7's multi-part AOF (`appendonlydir/`), so that a dataset written by a newer Redis
// can be brought into SwiftRedis.
//
// Redis 7 replaced the single file of this chapter with a directory: one *base* file (a snapshot,
// RDB or AOF format), any number of *incremental* AOF files written since, and a manifest that
// lists them in order:
//
//     appendonlydir/
//       appendonly.aof.manifest      file appendonly.aof.1.base.aof seq 1 type b
//                                    file appendonly.aof.1.incr.aof seq 1 type i
//       appendonly.aof.1.base.aof
//       appendonly.aof.1.incr.aof
//
// Loading means: base first, then every incr file in manifest order (`h`, history, entries are
// files waiting to be deleted and are skipped). SwiftRedis then writes the result as its own
// single file, the format it appends to.
//
// Redis 7: aofLoadManifestFromFile, loadAppendOnlyFiles (src/aof.c)
// SIMPLIFICATION: a base in RDB format (Redis 7's default, aof-use-rdb-preamble yes) cannot be
// read until chapter 6; start the Redis 7 server with `--aof-use-rdb-preamble no` to get an AOF base.

import RedisCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files of a Redis 7 `appendonlydir`, in loading order.
public struct AOFManifest: Equatable {
    public var base: String?
    public var incrementals: [String] = []

    /// Parses manifest text: lines of `key value` pairs (`file NAME seq N type b|h|i`).
    /// Redis 7: aofLoadManifestFromFile (src/aof.c)
    public static func parse(_ text: String) throws -> AOFManifest {
        var m = AOFManifest()
        var incr: [(Int, String)] = []
        for raw in text.split(separator: "\n") {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let words = splitQuotedArgs(Array(line.utf8)), words.count % 2 == 0 else {
                throw AOFLoadError("Invalid AOF manifest line: \(line)")
            }
            var fields: [String: String] = [:]
            for i in stride(from: 0, to: words.count, by: 2) {
                fields[String(decoding: words[i], as: UTF8.self)] = String(decoding: words[i + 1], as: UTF8.self)
            }
            guard let file = fields["file"], let type = fields["type"] else {
                throw AOFLoadError("Invalid AOF manifest line: \(line)")
            }
            switch type {
            case "b": m.base = file
            case "i": incr.append((Int(fields["seq"] ?? "") ?? 0, file))
            case "h": continue
            default: throw AOFLoadError("Unknown AOF file type '\(type)' in the manifest")
            }
        }
        m.incrementals = incr.sorted { $0.0 < $1.0 }.map(\.1)
        return m
    }

    /// The manifest of `dir/NAME.manifest`, or nil if there is none.
    public static func load(dir: String, filename: String) throws -> AOFManifest? {
        let path = dir + "/" + filename + ".manifest"
        let fd = systemOpen(path, O_RDONLY | O_CLOEXEC, 0)
        if fd < 0 { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        return try parse(String(decoding: bytes, as: UTF8.self))
    }

    /// Every file to load, base first, as paths under `dir`.
    public func paths(dir: String) -> [String] {
        ((base.map { [$0] } ?? []) + incrementals).map { dir + "/" + $0 }
    }
}
