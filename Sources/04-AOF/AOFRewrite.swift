// The commands that rebuild one key: what a rewritten AOF (and, until chapter 5, the synchronous
// dump behind CONFIG SET appendonly yes) holds instead of the key's history.
//
// A list of a million pushes and pops becomes a few RPUSHes of what is left; every aggregate is
// written in commands of at most 64 elements, so no single command in the file grows without
// bound and a loader never needs more memory for one command than for 64 elements.
//
// Redis: rewriteListObject, rewriteSetObject, rewriteSortedSetObject, rewriteHashObject,
// AOF_REWRITE_ITEMS_PER_CMD (src/aof.c)

import RedisCore
import RedisKeyspace

public enum AOFRewrite {
    /// Elements per command. Redis: AOF_REWRITE_ITEMS_PER_CMD
    public static let itemsPerCommand = 64

    /// Calls `emit` with each command that recreates `key` holding `value`.
    public static func commands(key: ByteString, value: RedisObject, emit: ([ByteString]) -> Void) {
        // Items are appended to `args` after the command's head; every 64 items make a command.
        var args: [ByteString] = []
        var items = 0
        func start(_ head: ByteString) { args = [head, key]; items = 0 }
        func added() { items += 1; if items == itemsPerCommand { emit(args); args.removeSubrange(2...); items = 0 } }
        func finish() { if items > 0 { emit(args) } }

        switch value {
        case .string(let s):
            emit(["SET", key, s])
        case .list(let l):
            start("RPUSH")
            for e in l.elements { args.append(e); added() }
            finish()
        case .hash(let h):
            start("HMSET")
            h.forEach { f, v in args.append(f); args.append(v); added() }
            finish()
        case .set(let s):
            start("SADD")
            s.forEach { args.append($0); added() }
            finish()
        case .zset(let z):
            start("ZADD")
            z.forEach { m, score in args.append(ByteString(g17: score)); args.append(m); added() }
            finish()
        }
    }
}
