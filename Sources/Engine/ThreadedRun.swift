import Glibc
import Machine

// Several CPUs, one host thread each (`EngineOptions.multiThread`, QEMU's
// multi-threaded TCG). What the threads share and how:
// - translated blocks, the JIT's code cache, exit records and chains, the
//   code-word marks: under `translationLock` (lookups, translation,
//   chaining, invalidation); chain patches are aligned 4-byte stores;
// - a full code cache or block cache, a machine reset, a debugger stop:
//   done while every other CPU waits at a block boundary (`gate`);
// - each CPU's TLB and jump cache: written by its own thread only; other
//   CPUs ask (TLBI broadcasts: Machine/CrossCPUWork.swift; a code write
//   empties every jump cache through `CPURunner.jumpFlushPending`);
// - devices, firmware calls, semihosting, host events: under the machine's
//   device lock (`System.deviceLock`);
// - WFI/WFE leave the block; the CPU's thread sleeps on the machine's
//   `WakeSignal` (WFI) or yields (WFE, as QEMU's TCG) in `cpuLoop`.

extension Dispatcher {
    /// Runs CPU 0 on this thread and every other CPU on a thread of its own
    /// until the run ends; returns when every thread has.
    func runThreaded() {
        var threads: [pthread_t] = []
        for r in runners.dropFirst() {
            let box = Unmanaged.passRetained(ThreadStart(dispatcher: self, runner: r)).toOpaque()
            var tid = pthread_t()
            let rc = pthread_create(&tid, nil, { arg in
                let start = Unmanaged<ThreadStart>.fromOpaque(arg!).takeRetainedValue()
                start.dispatcher.cpuLoop(start.runner)
                return nil
            }, box)
            if rc == 0 {
                threads.append(tid)
            } else {
                Unmanaged<ThreadStart>.fromOpaque(box).release()
                system.fatal("cannot start the host thread of CPU \(r.cpu.index) (pthread_create: \(rc))")
            }
        }
        cpuLoop(runners[0])
        for t in threads { pthread_join(t, nil) }
    }

    /// One CPU's thread: its blocks, its sleeps, its share of the others' requests.
    func cpuLoop(_ r: CPURunner) {
        let cpu = r.cpu
        r.thread.store(UInt(pthread_self()), ordering: .sequentiallyConsistent)
        gate.enter(cpu)
        while system.exitStatus == nil {
            gate.checkpoint(cpu)
            if flushWanted.load(ordering: .relaxed) { flushExclusively(r) }
            if system.pendingReset != nil { resetExclusively(r); continue }
            cpu.serviceRemoteWork()
            cpu.interrupts.serviceHostEvent()
            guard cpu.startIfPoweredOn() else { idle(r, until: .max); continue }
            // The debugger resumed other CPUs only (DebugControl.holds).
            if let debug, debug.holds(cpu) { idle(r, until: .max); continue }
            if cpu.waiting != nil {
                var deadline = UInt64.max
                if !cpu.pollWakeUp(deadline: &deadline) {
                    guard cpu.waiting?.isWFE == true else { idle(r, until: deadline); continue }
                    // WFE is a yield (QEMU's TCG): another CPU's store that
                    // clears this one's exclusive monitor is an event no
                    // one signals.
                    gate.leave()
                    sched_yield()
                    gate.enter(cpu)
                    cpu.endWaitForEvent()
                }
            }
            guard step(r, threaded: true) else {
                if system.exitStatus == nil { system.requestExit(status: 0) }
                break
            }
        }
        gate.leave()
        // The others leave their sleeps and blocks.
        for c in system.cpus where c !== cpu { c.interrupts.kick() }
    }

    /// The CPU is off or waiting in WFI: its thread sleeps (not running
    /// translated code) until a kick, a line, the alarm or `deadline`.
    private func idle(_ r: CPURunner, until deadline: UInt64) {
        let cpu = r.cpu
        cpu.exitRequest = 0
        r.lastExit = 0
        gate.leave()
        if !cpu.remoteWorkPending && !cpu.interrupts.hostEventPending && system.exitStatus == nil
            && system.pendingReset == nil && !flushWanted.load(ordering: .relaxed) {
            let now = HostClock.nanoseconds()
            if deadline > now { cpu.interrupts.sleep(until: min(deadline, now &+ 10_000_000)) }
        }
        gate.enter(cpu)
    }

    /// Makes every other CPU leave its block (and its sleep).
    private func stopOthers(_ cpu: CPU) {
        for c in system.cpus where c !== cpu { c.interrupts.kick() }
    }

    /// Empties the block cache and the code cache while no CPU runs code.
    private func flushExclusively(_ r: CPURunner) {
        gate.exclusive(r.cpu, stopOthers: { stopOthers(r.cpu) }) {
            translationLock.lock()
            if flushWanted.load(ordering: .relaxed) {
                jit?.flushAll()
                removeAllBlocks()
                for o in runners { o.lastExit = 0 }
                flushWanted.store(false, ordering: .relaxed)
                statistics.blockCacheFlushes += 1
            }
            translationLock.unlock()
        }
    }

    /// Performs a pending machine reset while no CPU runs code.
    func resetExclusively(_ r: CPURunner) {
        gate.exclusive(r.cpu, stopOthers: { stopOthers(r.cpu) }) {
            _ = system.performPendingReset()
        }
        r.lastExit = 0
    }

    /// Runs `body` while every other CPU waits at a block boundary (or
    /// sleeps): for a debugger that must see all CPUs stopped. Call it from
    /// `cpu`'s thread between its blocks (the dispatcher's debugger hooks run
    /// there). With one thread for all CPUs it just runs `body`.
    public func withAllCPUsStopped(from cpu: CPU, _ body: () -> Void) {
        guard threaded else { return body() }
        gate.exclusive(cpu, stopOthers: { stopOthers(cpu) }, body)
    }
}

/// What a CPU thread starts with.
private final class ThreadStart {
    let dispatcher: Dispatcher
    let runner: CPURunner
    init(dispatcher: Dispatcher, runner: CPURunner) {
        self.dispatcher = dispatcher
        self.runner = runner
    }
}
