// The skiplist behind a big sorted set: members ordered by (score, member bytes), with spans so
// that the rank of a member, and the member at a rank, are found in O(log n).
//
//     level 3  H ───────────────────────(4)──────────────────────▶ d ──(1)──▶ nil
//     level 2  H ───────(2)───────▶ b ──────────(2)──────────────▶ d ──(1)──▶ nil
//     level 1  H ──(1)──▶ a ──(1)──▶ b ──(1)──▶ c ──(1)──▶ d ──(1)──▶ e
//              ◀── backward pointers on level 1 only ──
//
// Every node has a random number of levels (p = 1/4 of going one higher, up to 32). A search
// starts at the top level of the header H and moves right while the next node is still before
// the target, then drops one level. The number in brackets is the *span*: how many level-1 steps
// a link jumps. Adding the spans crossed on the way down gives the rank of where the search ends.
//
// Storage: nodes are not objects. They live in a slab: one array of `Node` structs indexed by
// Int32, and one flat array of `Level` (forward index + span) where a node of height h owns h
// consecutive slots. Freed nodes and level blocks go on free lists (one per height) and are
// reused. Compared with one class instance per node this saves the object header, the
// reference counting on every pointer chase, and keeps the links of a node next to each other.
// Index 0 is the header (32 levels at slots 0..<32); as a forward link, 0 means "no next node",
// as a backward link it means "the header" (Redis: NULL), since no link ever points at the header.
//
// Redis: zskiplist, zskiplistNode (src/server.h), zslCreate, zslRandomLevel, zslInsert,
// zslDeleteNode, zslDelete, zslGetRank, zslGetElementByRank (src/t_zset.c).
// SIMPLIFICATION: a score update is a delete and an insert (Redis's zslUpdateScore moves the
// node in place when it stays between its neighbours, saving the free and the allocation).

import RedisCore

/// Redis: ZSKIPLIST_MAXLEVEL (src/server.h)
let skiplistMaxLevel = 32

/// A skiplist of (score, member), ordered by score, then member bytes. Redis: zskiplist
public struct Skiplist {
    struct Node {
        var member: ByteString
        var score: Double
        /// The previous node on level 1; 0 for the first node. Redis: zskiplistNode.backward
        var backward: Int32
        /// Where this node's levels start in `levels`.
        var base: Int32
        var height: Int32
    }
    /// One link of one level. Redis: zskiplistLevel
    struct Level {
        var forward: Int32
        var span: Int32
    }

    var nodes: [Node]
    var levels: [Level]
    var freeNodes: [Int32] = []
    /// Freed level blocks, by height (index h - 1).
    var freeLevels: [[Int32]] = Array(repeating: [], count: skiplistMaxLevel)
    /// The last node (highest score). Redis: zskiplist.tail
    public private(set) var tail: Int32 = 0
    /// Number of members. Redis: zskiplist.length
    public private(set) var count = 0
    /// Highest level in use. Redis: zskiplist.level
    public private(set) var level = 1
    var rng: UInt64

    /// An empty skiplist. Redis: zslCreate (src/t_zset.c)
    public init(seed: UInt64 = UInt64.random(in: 1...UInt64.max)) {
        nodes = [Node(member: ByteString(), score: 0, backward: 0, base: 0, height: Int32(skiplistMaxLevel))]
        levels = Array(repeating: Level(forward: 0, span: 0), count: skiplistMaxLevel)
        rng = seed | 1
    }

    // MARK: - Ordering

    /// True when (s1, m1) sorts before (s2, m2): by score, then memcmp of the members, the shorter
    /// first on a common prefix. Redis: the comparisons inside zslInsert and zslGetRank
    @inline(__always)
    static func before(_ s1: Double, _ m1: ByteString, _ s2: Double, _ m2: ByteString) -> Bool {
        s1 < s2 || (s1 == s2 && m1.compare(m2) < 0)
    }

    @inline(__always) func fwd(_ x: Int32, _ i: Int) -> Int32 { levels[Int(nodes[Int(x)].base) + i].forward }
    @inline(__always) func span(_ x: Int32, _ i: Int) -> Int { Int(levels[Int(nodes[Int(x)].base) + i].span) }

    // MARK: - Levels

    /// A height from 1 to 32: each level above the first with probability 1/4.
    /// Redis: zslRandomLevel (src/t_zset.c), ZSKIPLIST_P = 0.25
    public mutating func randomLevel() -> Int {
        var h = 1
        while h < skiplistMaxLevel {
            // xorshift64: cheap, and good enough to flip a biased coin.
            rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17
            if rng & 3 != 0 { break }
            h += 1
        }
        return h
    }

    mutating func allocate(_ member: ByteString, _ score: Double, height: Int) -> Int32 {
        let base: Int32
        if let b = freeLevels[height - 1].popLast() {
            base = b
        } else {
            base = Int32(levels.count)
            levels.append(contentsOf: repeatElement(Level(forward: 0, span: 0), count: height))
        }
        let node = Node(member: member, score: score, backward: 0, base: base, height: Int32(height))
        if let i = freeNodes.popLast() { nodes[Int(i)] = node; return i }
        nodes.append(node)
        return Int32(nodes.count - 1)
    }

    mutating func free(_ x: Int32) {
        let n = nodes[Int(x)]
        freeLevels[Int(n.height) - 1].append(n.base)
        nodes[Int(x)].member = ByteString()  // let the member's bytes go now
        freeNodes.append(x)
    }

    // MARK: - Insert and delete

    // snippet.zslInsert
    /// Inserts a member that is not in the list yet. Redis: zslInsert (src/t_zset.c)
    @discardableResult
    public mutating func insert(_ score: Double, _ member: ByteString) -> Int32 {
        var update = [Int32](repeating: 0, count: skiplistMaxLevel)
        var rank = [Int](repeating: 0, count: skiplistMaxLevel)
        var x: Int32 = 0
        // Walk down from the top, remembering on each level the last node before the new one
        // (update) and how many level-1 steps it is from the header (rank).
        for i in stride(from: level - 1, through: 0, by: -1) {
            rank[i] = i == level - 1 ? 0 : rank[i + 1]
            while true {
                let f = fwd(x, i)
                if f == 0 || !Skiplist.before(nodes[Int(f)].score, nodes[Int(f)].member, score, member) { break }
                rank[i] += span(x, i)
                x = f
            }
            update[i] = x
        }
        let h = randomLevel()
        if h > level {
            for i in level..<h {
                rank[i] = 0
                update[i] = 0
                levels[i].span = Int32(count)  // the header's link spans the whole list
            }
            level = h
        }
        let n = allocate(member, score, height: h)
        let nb = Int(nodes[Int(n)].base)
        for i in 0..<h {
            let ub = Int(nodes[Int(update[i])].base) + i
            levels[nb + i].forward = levels[ub].forward
            levels[ub].forward = n
            // The new node sits (rank[0] - rank[i]) steps after update[i].
            levels[nb + i].span = levels[ub].span - Int32(rank[0] - rank[i])
            levels[ub].span = Int32(rank[0] - rank[i] + 1)
        }
        // Levels above the new node's height jump over one more node now.
        for i in h..<level { levels[Int(nodes[Int(update[i])].base) + i].span += 1 }
        nodes[Int(n)].backward = update[0]
        let next = levels[nb].forward
        if next != 0 { nodes[Int(next)].backward = n } else { tail = n }
        count += 1
        return n
    }
    // snippet.end

    /// Unlinks node `x`, given the last node before it on every level. Redis: zslDeleteNode
    mutating func unlink(_ x: Int32, _ update: [Int32]) {
        let xb = Int(nodes[Int(x)].base)
        for i in 0..<level {
            let ub = Int(nodes[Int(update[i])].base) + i
            if levels[ub].forward == x {
                levels[ub].span += levels[xb + i].span - 1
                levels[ub].forward = levels[xb + i].forward
            } else {
                levels[ub].span -= 1
            }
        }
        let next = levels[xb].forward
        if next != 0 { nodes[Int(next)].backward = nodes[Int(x)].backward } else { tail = nodes[Int(x)].backward }
        while level > 1 && levels[level - 1].forward == 0 { level -= 1 }
        count -= 1
    }

    /// Removes (score, member); false if it is not there. Redis: zslDelete (src/t_zset.c)
    @discardableResult
    public mutating func delete(_ score: Double, _ member: ByteString) -> Bool {
        var update = [Int32](repeating: 0, count: skiplistMaxLevel)
        var x: Int32 = 0
        for i in stride(from: level - 1, through: 0, by: -1) {
            while true {
                let f = fwd(x, i)
                if f == 0 || !Skiplist.before(nodes[Int(f)].score, nodes[Int(f)].member, score, member) { break }
                x = f
            }
            update[i] = x
        }
        let f = fwd(x, 0)
        guard f != 0, nodes[Int(f)].score == score, nodes[Int(f)].member == member else { return false }
        unlink(f, update)
        free(f)
        return true
    }

    // MARK: - Ranks

    /// The 1-based rank of (score, member), 0 if absent. Redis: zslGetRank (src/t_zset.c)
    public func rank(_ score: Double, _ member: ByteString) -> Int {
        var x: Int32 = 0
        var r = 0
        for i in stride(from: level - 1, through: 0, by: -1) {
            while true {
                let f = fwd(x, i)
                if f == 0 { break }
                let n = nodes[Int(f)]
                if !(Skiplist.before(n.score, n.member, score, member) || (n.score == score && n.member == member)) { break }
                r += span(x, i)
                x = f
            }
            if x != 0 && nodes[Int(x)].member == member { return r }
        }
        return 0
    }

    /// The node at 1-based `rank`, or 0. Redis: zslGetElementByRank (src/t_zset.c)
    public func node(atRank rank: Int) -> Int32 {
        var x: Int32 = 0
        var traversed = 0
        for i in stride(from: level - 1, through: 0, by: -1) {
            while true {
                let f = fwd(x, i)
                if f == 0 || traversed + span(x, i) > rank { break }
                traversed += span(x, i)
                x = f
            }
            if traversed == rank { return x }
        }
        return 0
    }

    /// How many members, from the lowest, satisfy `pred`, for a `pred` that holds for a prefix
    /// of the list (score below a bound, member before a bound). The same descent as
    /// zslFirstInRange and zslLastInRange, counting spans instead of returning the node.
    public func prefixCount(_ pred: (Double, ByteString) -> Bool) -> Int {
        var x: Int32 = 0
        var r = 0
        for i in stride(from: level - 1, through: 0, by: -1) {
            while true {
                let f = fwd(x, i)
                if f == 0 || !pred(nodes[Int(f)].score, nodes[Int(f)].member) { break }
                r += span(x, i)
                x = f
            }
        }
        return r
    }

    // MARK: - Walking

    /// The member and score of node `x`.
    @inline(__always) public func entry(_ x: Int32) -> (member: ByteString, score: Double) {
        (nodes[Int(x)].member, nodes[Int(x)].score)
    }
    /// The next node on level 1, or 0.
    @inline(__always) public func next(_ x: Int32) -> Int32 { fwd(x, 0) }
    /// The previous node, or 0.
    @inline(__always) public func previous(_ x: Int32) -> Int32 { nodes[Int(x)].backward }
    /// The first node, or 0.
    public var first: Int32 { fwd(0, 0) }

    /// A list that holds nothing and allocates nothing, for a sorted set still in the small
    /// encoding; never used until replaced by `init(seed:)`.
    init(unused: ()) { nodes = []; levels = []; freeLevels = []; rng = 1 }

    /// Checks the spans, the order and the backward links (tests).
    public func checkInvariants() -> Bool {
        var x = first, prev: Int32 = 0, n = 0
        while x != 0 {
            n += 1
            if nodes[Int(x)].backward != prev { return false }
            if prev != 0 && !Skiplist.before(nodes[Int(prev)].score, nodes[Int(prev)].member,
                                             nodes[Int(x)].score, nodes[Int(x)].member) { return false }
            prev = x; x = next(x)
        }
        if n != count || tail != prev { return false }
        // On every level, the spans along the level add up to the position of each node.
        for i in 0..<level {
            var pos = 0
            var y: Int32 = 0
            while true {
                let f = fwd(y, i)
                pos += span(y, i)
                if f == 0 { break }
                if rank(nodes[Int(f)].score, nodes[Int(f)].member) != pos { return false }
                y = f
            }
        }
        return true
    }
}

extension Skiplist {
    @available(*, unavailable, renamed: "insert")
    public mutating func zslInsert(_ score: Double, _ member: ByteString) -> Int32 { 0 }
    @available(*, unavailable, renamed: "delete")
    public mutating func zslDelete(_ score: Double, _ member: ByteString) -> Bool { false }
    @available(*, unavailable, renamed: "rank")
    public func zslGetRank(_ score: Double, _ member: ByteString) -> Int { 0 }
    @available(*, unavailable, renamed: "node(atRank:)")
    public func zslGetElementByRank(_ rank: Int) -> Int32 { 0 }
    @available(*, unavailable, renamed: "randomLevel")
    public mutating func zslRandomLevel() -> Int { 0 }
}
