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
//   `WakeSignal` (WFI) or, for WFE, goes back to the guest for a while and
//   then naps (Machine/HostBackoff.swift) in `cpuLoop`.

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
        var wfeBackoff = HostBackoff(), lastWFE: UInt64 = 0
        while system.exitStatus == nil {
            gate.checkpoint(cpu)
            if flushWanted.load(ordering: .relaxed) { flushExclusively(r) }
            if system.pendingReset != nil { resetExclusively(r); continue }
            cpu.serviceRemoteWork()
            cpu.interrupts.serviceHostEvent()
            guard cpu.startIfPoweredOn() else { idle(r, until: .max, park: .hard); continue }
            // The debugger resumed other CPUs only (DebugControl.holds).
            if let debug, debug.holds(cpu) { idle(r, until: .max, park: .none); continue }
            if cpu.waiting != nil {
                var deadline = UInt64.max
                if !cpu.pollWakeUp(deadline: &deadline) {
                    // Only another CPU could end this wait.
                    let alone = deadline == .max && !cpu.interrupts.hasWakeSource
                    guard cpu.waiting?.isWFE == true else { idle(r, until: deadline, park: alone ? .hard : .none); continue }
                    // WFE is a yield (QEMU's TCG): another CPU's store that
                    // clears this one's exclusive monitor is an event no
                    // one signals. It sleeps only while every other CPU is
                    // parked in WFI or off (then no one stores).
                    if alone && idle(r, until: deadline, park: .wfe) { continue }
                    // Back to the guest at once while the wait is young
                    // (a lock holder's critical section is short); past
                    // that, naps (an SEV, an interrupt or a request wakes
                    // them early), as the generic timer's event stream would
                    // wake it. Not sched_yield: HostBackoff.swift.
                    let now = HostClock.nanoseconds()
                    if now &- lastWFE > Dispatcher.wfeStreakGap { wfeBackoff = HostBackoff() }
                    lastWFE = now
                    if wfeBackoff.spinningDone() {
                        idle(r, until: min(deadline, now &+ HostBackoff.napNanos), park: .none)
                    }
                    cpu.endWaitForEvent()
                }
            }
            if r.parked.load(ordering: .relaxed) != Park.none.rawValue { unpark(r) }
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
    /// `park`: only another CPU could wake it (no timer armed, no wake
    /// source); when every CPU is parked the run ends with an error. A CPU
    /// in WFE parks only while every other CPU is parked in WFI or off and
    /// none has run since its WFE last looked again; otherwise it does not
    /// sleep and this returns false.
    @discardableResult
    private func idle(_ r: CPURunner, until deadline: UInt64, park: Park) -> Bool {
        let cpu = r.cpu
        cpu.exitRequest = 0   // a kick from here on ends the sleep
        r.lastExit = 0
        if park != .none {
            // Parked, then look, under the wake lock (the lock of every
            // CPU's interrupt inputs and kicks): another CPU unparks under
            // it, then kicks the CPUs parked in WFE.
            let wake = system.wake
            wake.lock()
            if r.parked.load(ordering: .relaxed) != park.rawValue {
                r.parkedPC.store(cpu.powerState == .on ? cpu.pc : .max, ordering: .relaxed)
                r.parked.store(park.rawValue, ordering: .relaxed)
                if park == .hard { r.hardParks.add(1, ordering: .relaxed) }
            }
            var othersHard = park != .wfe || runners.allSatisfy { $0 === r || $0.parked.load(ordering: .relaxed) == Park.hard.rawValue }
            if park == .wfe && othersHard {
                // The others parked after this CPU's last load may have
                // stored what it waits for (then gone to WFI or off): it
                // looks again once before sleeping, and sleeps only when no
                // other CPU has run since that look.
                let parks = runners.reduce(UInt64(0)) { $1 === r ? $0 : $0 &+ $1.hardParks.load(ordering: .relaxed) }
                if r.lookedAtHardParks != parks {
                    r.lookedAtHardParks = parks
                    othersHard = false
                }
            }
            wake.unlock()
            if !othersHard {
                unpark(r)
                return false
            }
            if endIfEveryCPUParked(r) { return true }
        } else if r.parked.load(ordering: .relaxed) != Park.none.rawValue {
            unpark(r)
        }
        gate.leave()
        if !cpu.remoteWorkPending && !cpu.interrupts.hostEventPending && system.exitStatus == nil
            && system.pendingReset == nil && !flushWanted.load(ordering: .relaxed) {
            let now = HostClock.nanoseconds()
            if deadline > now { cpu.interrupts.sleep(until: min(deadline, now &+ 10_000_000)) }
        }
        gate.enter(cpu)
        return true
    }

    /// The CPU runs again (or may): CPUs parked in WFE look again, since it
    /// may store to their exclusive monitors.
    private func unpark(_ r: CPURunner) {
        let wake = system.wake
        wake.lock()
        r.parked.store(Park.none.rawValue, ordering: .relaxed)
        let kicks = runners.filter { $0 !== r && $0.parked.load(ordering: .relaxed) == Park.wfe.rawValue }
        wake.unlock()
        for o in kicks { o.cpu.interrupts.kick() }
    }

    /// Every CPU is parked and nothing can wake one: ends the run with the
    /// round-robin scheduler's message and returns true. Looked at under the
    /// wake lock, under which lines go up, CPUs are kicked and unpark: a
    /// parked CPU that another has woken has a line up or an exit request
    /// until its thread has unparked.
    private func endIfEveryCPUParked(_ r: CPURunner) -> Bool {
        let wake = system.wake
        wake.lock()
        let stuck = runners.allSatisfy { o in
            let c = o.cpu
            return o.parked.load(ordering: .relaxed) != Park.none.rawValue && c.interrupts.assertedLines == 0
                && c.exitRequest == 0 && !c.interrupts.hostEventPending && !c.remoteWorkPending
                && !c.interrupts.hasWakeSource
        }
        wake.unlock()
        guard stuck, system.pendingReset == nil, !flushWanted.load(ordering: .relaxed) else { return false }
        let waiting = runners.compactMap { o -> (Int, UInt64)? in
            let pc = o.parkedPC.load(ordering: .relaxed)
            return pc == .max ? nil : (o.cpu.index, pc)
        }
        system.withDeviceLock {
            guard system.exitStatus == nil else { return }
            system.fatal(waiting.isEmpty ? Dispatcher.everyCPUOffMessage : Dispatcher.everyCPUWaitingMessage(waiting))
        }
        return true
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

extension Dispatcher {
    /// WFEs less than this apart (host ns) are one wait (`cpuLoop`).
    static let wfeStreakGap: UInt64 = 200_000
}

/// Why a CPU's thread sleeps with only another CPU to wake it (`CPURunner.parked`).
enum Park: UInt8 {
    case none
    /// Off, or in WFI with no timer armed and no wake source.
    case hard
    /// In WFE likewise, while every other CPU is parked `hard`.
    case wfe
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
