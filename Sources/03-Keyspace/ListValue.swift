// The list type's storage: a double-ended array of byte strings.
//
// A Redis list is pushed and popped at both ends (LPUSH/RPOP make a queue, LPUSH/LPOP a stack),
// indexed from either end (LINDEX 0, LINDEX -1), and ranged (LRANGE 0 9). Storage that makes both
// ends O(1) and indexing O(1) is an array with free room at *both* ends:
//
//     items:  [ _ _ _ a b c d _ _ ]
//                     ▲head   ▲head+count
//
// Pushing at the front uses the room before `head`; when there is none, the elements move to the
// middle of a larger array, so that pushes at either end cost amortised O(1).
//
// Redis: quicklist.c, a linked list of small ziplists (listpacks in 7.0), which keeps memory low
// for long lists and makes inserting in the middle cheaper than an array's O(n).
// SIMPLIFICATION: one array; inserting or removing in the middle (LINSERT, LREM) moves elements.

import RedisCore

/// A list value, mutated in place. Redis: the quicklist behind OBJ_LIST (src/quicklist.c)
public final class ListValue {
    var storage: [ByteString]
    var head: Int
    /// Number of elements. Redis: quicklistCount
    public private(set) var count: Int

    public init() { storage = []; head = 0; count = 0 }

    /// A list holding `elements` in order.
    public init<S: Sequence>(_ elements: S) where S.Element == ByteString {
        storage = Array(elements)
        head = 0
        count = storage.count
    }

    /// A new list with the same elements, for COPY: pushing onto one never changes the other.
    /// Redis: listTypeDup, quicklistDup (src/t_list.c, src/quicklist.c)
    public func duplicate() -> ListValue { ListValue(elements) }

    /// The element at `i` (0-based from the head).
    public subscript(i: Int) -> ByteString {
        get { storage[head + i] }
        set { storage[head + i] = newValue }
    }

    /// Every element, head first.
    public var elements: ArraySlice<ByteString> { storage[head..<(head + count)] }

    /// Adds at the head. Redis: quicklistPushHead
    public func pushFront(_ s: ByteString) {
        if head == 0 { recentre(extraFront: count / 2 + 4) }
        head -= 1
        storage[head] = s
        count += 1
    }

    /// Adds at the tail. Redis: quicklistPushTail
    public func pushBack(_ s: ByteString) {
        if head + count == storage.count { storage.append(s) } else { storage[head + count] = s }
        count += 1
    }

    /// Removes the head element. Redis: quicklistPop (head)
    public func popFront() -> ByteString? {
        guard count > 0 else { return nil }
        let s = storage[head]
        storage[head] = ByteString()
        head += 1
        count -= 1
        shrinkIfSparse()
        return s
    }

    /// Removes the tail element. Redis: quicklistPop (tail)
    public func popBack() -> ByteString? {
        guard count > 0 else { return nil }
        let s = storage[head + count - 1]
        storage[head + count - 1] = ByteString()
        count -= 1
        shrinkIfSparse()
        return s
    }

    /// Inserts before position `i` (0...count). Redis: quicklistInsertBefore/After
    public func insert(_ s: ByteString, at i: Int) {
        if i == 0 { pushFront(s); return }
        pushBack(s)  // make room at the tail, then rotate the new element into place
        var j = count - 1
        while j > i { self[j] = self[j - 1]; j -= 1 }
        self[i] = s
    }

    /// Removes the element at `i`. Redis: quicklistDelIndex
    public func remove(at i: Int) {
        var j = i
        while j < count - 1 { self[j] = self[j + 1]; j += 1 }
        _ = popBack()
    }

    /// Keeps only the elements in `range` (LTRIM). Redis: quicklistDelRange
    public func keep(_ range: Range<Int>) {
        let kept = Array(storage[(head + range.lowerBound)..<(head + range.upperBound)])
        storage = kept
        head = 0
        count = kept.count
    }

    /// Moves the elements to the middle of an array with `extraFront` free slots before them.
    private func recentre(extraFront: Int) {
        var fresh = [ByteString](repeating: ByteString(), count: extraFront)
        fresh.reserveCapacity(extraFront + count * 2 + 4)
        fresh.append(contentsOf: storage[head..<(head + count)])
        storage = fresh
        head = extraFront
    }

    /// After many pops, give back the room at the ends.
    private func shrinkIfSparse() {
        if count == 0 { storage.removeAll(keepingCapacity: false); head = 0; return }
        if storage.count > 64 && count < storage.count / 4 { recentre(extraFront: count / 2) }
    }
}

// The names a reader of src/t_list.c will grep for.
extension ListValue {
    @available(*, unavailable, renamed: "duplicate")
    public func listTypeDup() -> ListValue { self }
}
