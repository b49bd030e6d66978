import Synchronization

// Memory that another CPU's thread reads or writes while CPUs have threads of
// their own (TLB write tags and physical pages, the TLB fill log, the marks of
// translated code) is accessed through `Atomic` views of it. Relaxed loads
// and stores are plain moves on x86-64: a single thread pays nothing.

/// The `Atomic` at `p` (same size and alignment as `T`).
@inline(__always)
func atomicView<T: AtomicRepresentable>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Atomic<T>> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: Atomic<T>.self)
}

/// The `Atomic<T>` at `p + offset`.
@inline(__always)
func atomicView<T: AtomicRepresentable>(_ p: UnsafeMutableRawPointer, _ offset: Int, as: T.Type) -> UnsafeMutablePointer<Atomic<T>> {
    (p + offset).assumingMemoryBound(to: Atomic<T>.self)
}
