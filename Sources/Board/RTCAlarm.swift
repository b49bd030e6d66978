import Glibc
import Machine
import Devices

/// The PL031's match on the host's clock: a thread that sleeps until the
/// time the RTC says the match is due (`PL031.onAlarmChange`, seconds since
/// the epoch on CLOCK_REALTIME, the RTC's clock) and then posts a host event
/// to the boot CPU, whose handler polls the RTC (VirtMachine). While a match
/// is due it is a wake source: a CPU in WFI waits for it.
final class RTCAlarm: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let cond: UnsafeMutablePointer<pthread_cond_t>
    /// Guarded by `mutex`.
    private var due: UInt64?
    private var threadStarted = false
    private let interrupts: InterruptState

    init(interrupts: InterruptState) {
        self.interrupts = interrupts
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        cond = .allocate(capacity: 1)
        pthread_cond_init(cond, nil)   // CLOCK_REALTIME, as the RTC's time
    }

    /// The match is due at `seconds` (since the epoch); nil: none. CPU thread.
    func set(_ seconds: UInt64?) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if (due == nil) != (seconds == nil) {
            if seconds == nil { interrupts.removeWakeSource() } else { interrupts.addWakeSource() }
        }
        due = seconds
        if seconds != nil && !threadStarted {
            threadStarted = true
            // The thread holds the alarm (the machine's, until the process exits).
            var tid = pthread_t()
            let arg = Unmanaged.passRetained(self).toOpaque()
            if pthread_create(&tid, nil, { arg in
                Unmanaged<RTCAlarm>.fromOpaque(arg!).takeRetainedValue().loop()
                return nil
            }, arg) == 0 {
                pthread_detach(tid)
            } else {
                Unmanaged<RTCAlarm>.fromOpaque(arg).release()
                threadStarted = false
            }
        }
        pthread_cond_signal(cond)
    }

    private func loop() {
        pthread_mutex_lock(mutex)
        while true {
            guard let d = due else {
                pthread_cond_wait(cond, mutex)
                continue
            }
            var ts = timespec(tv_sec: Int(clamping: d), tv_nsec: 0)
            if pthread_cond_timedwait(cond, mutex, &ts) == ETIMEDOUT, due == d {
                due = nil
                interrupts.removeWakeSource()
                pthread_mutex_unlock(mutex)
                interrupts.postHostEvent()
                pthread_mutex_lock(mutex)
            }
        }
    }
}
