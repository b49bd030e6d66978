import Glibc
import Machine

/// A host thread for devices' slow work (disk reads, writes, flushes), so a
/// slow disk never stalls the CPUs. Work runs on the I/O thread in
/// submission order; what it returns runs on the CPU thread, at the next
/// block boundary (the board's host event), where the device touches guest
/// memory and raises its interrupt through the GIC like any device access.
///
/// While work is in flight the CPU has a wake source (a WFI with no timer
/// waits for the completion instead of ending the run).
public final class IOWorker: @unchecked Sendable {
    /// Work for the I/O thread; its result runs on the CPU thread.
    public typealias Work = @Sendable () -> Completion
    /// A completion, run on the CPU thread by `runCompletions`.
    public typealias Completion = @Sendable () -> Void

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var work: [Work] = []          // guarded by mutex
    private var done: [Completion] = []    // guarded by mutex
    private var stopping = false           // guarded by mutex
    private var thread: pthread_t?
    /// Submitted and not yet completed (CPU thread).
    public private(set) var inFlight = 0
    private let interrupts: InterruptState?

    /// `interrupts`: the CPU whose host event runs the completions (and whose
    /// wake source the worker holds while busy); nil in tests, which call
    /// `runCompletions` themselves.
    public init(interrupts: InterruptState?) {
        self.interrupts = interrupts
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(cond, nil)
    }

    deinit {
        shutdown()
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        cond.deallocate()
    }

    /// Queues `w` on the I/O thread (started on first use). CPU thread.
    public func submit(_ w: @escaping Work) {
        if inFlight == 0 { interrupts?.addWakeSource() }
        inFlight += 1
        pthread_mutex_lock(mutex)
        if thread == nil && !stopping { startLocked() }
        guard thread != nil else {
            // No I/O thread (none could start, or shut down): run it here.
            pthread_mutex_unlock(mutex)
            let c = w()
            pthread_mutex_lock(mutex)
            done.append(c)
            pthread_mutex_unlock(mutex)
            interrupts?.postHostEvent()
            return
        }
        work.append(w)
        pthread_cond_signal(cond)
        pthread_mutex_unlock(mutex)
    }

    /// Runs the completions that are ready. CPU thread.
    public func runCompletions() {
        pthread_mutex_lock(mutex)
        let ready = done
        done.removeAll()
        pthread_mutex_unlock(mutex)
        for c in ready {
            c()
            inFlight -= 1
            if inFlight == 0 { interrupts?.removeWakeSource() }
        }
    }

    /// Blocks until every submitted work item has completed and its
    /// completion has run (tests, and a flush at exit). CPU thread.
    public func drain() {
        while inFlight > 0 {
            pthread_mutex_lock(mutex)
            while done.isEmpty && !stopping { pthread_cond_wait(cond, mutex) }
            let stop = stopping && done.isEmpty
            pthread_mutex_unlock(mutex)
            if stop { return }
            runCompletions()
        }
    }

    /// Finishes the queued work and stops the thread.
    public func shutdown() {
        pthread_mutex_lock(mutex)
        stopping = true
        pthread_cond_broadcast(cond)
        let t = thread
        thread = nil
        pthread_mutex_unlock(mutex)
        if let t { pthread_join(t, nil) }
    }

    private func startLocked() {
        var tid = pthread_t()
        let me = Unmanaged.passUnretained(self).toOpaque()
        let rc = pthread_create(&tid, nil, { arg in
            Unmanaged<IOWorker>.fromOpaque(arg!).takeUnretainedValue().loop()
            return nil
        }, me)
        if rc == 0 { thread = tid }
    }

    private func loop() {
        pthread_mutex_lock(mutex)
        while true {
            while work.isEmpty && !stopping { pthread_cond_wait(cond, mutex) }
            if work.isEmpty { break }
            let w = work.removeFirst()
            pthread_mutex_unlock(mutex)
            let c = w()
            pthread_mutex_lock(mutex)
            done.append(c)
            pthread_cond_broadcast(cond)
            pthread_mutex_unlock(mutex)
            interrupts?.postHostEvent()
            pthread_mutex_lock(mutex)
        }
        pthread_mutex_unlock(mutex)
    }
}
