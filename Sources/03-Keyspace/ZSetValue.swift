// The sorted set type's storage. PLACEHOLDER: the sorted-sets slice of issue 3 replaces this file.
// Contract the rest of the server relies on: `count`, `encoding`, `forEach` in score order.

import RedisCore

/// A sorted set value, mutated in place. Redis: OBJ_ZSET (src/t_zset.c)
public final class ZSetValue {
    var items: [(ByteString, Double)] = []
    public init() {}
    /// Number of members. Redis: zsetLength
    public var count: Int { items.count }
    /// What OBJECT ENCODING answers.
    public var encoding: String { "skiplist" }
    /// Every member and its score, lowest score first (ties by member), as ZRANGE lists them.
    public func forEach(_ body: (ByteString, Double) -> Void) { for (m, s) in items { body(m, s) } }
}
