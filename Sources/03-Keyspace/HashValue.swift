// The hash type's storage. PLACEHOLDER: the hashes slice of issue 3 replaces this file.
// Contract the rest of the server relies on: `count`, `encoding`, `forEach` in Redis's order.

import RedisCore

/// A hash value, mutated in place. Redis: OBJ_HASH (src/t_hash.c)
public final class HashValue {
    var pairs: [(ByteString, ByteString)] = []
    public init() {}
    /// Number of fields. Redis: hashTypeLength
    public var count: Int { pairs.count }
    /// What OBJECT ENCODING answers.
    public var encoding: String { "ziplist" }
    /// Every field and value, in the order HGETALL lists them.
    public func forEach(_ body: (ByteString, ByteString) -> Void) { for (f, v) in pairs { body(f, v) } }
}
