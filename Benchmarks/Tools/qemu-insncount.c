/* qemu-insncount: a minimal QEMU TCG plugin that counts executed guest
 * instructions and prints, when QEMU exits,
 *     qemu-guest-instructions: N
 * on stderr. armature-bench runs each workload once more under QEMU with it
 * (untimed) to cross-check the count Armature reports with -d stats.
 *
 * Built by Benchmarks/build-workloads.sh with the host clang into
 * .build/bench/qemu-insncount.so; use as
 *     qemu-system-aarch64 ... -plugin .build/bench/qemu-insncount.so
 * It needs a QEMU built with plugin support (Debian's is) and speaks plugin
 * API version 1 (QEMU 4.2 .. 8.x). The few API entry points it uses are
 * declared here, so no QEMU headers are needed. Each translated block adds
 * its instruction count to one counter when it starts executing (an inline
 * add, no callback), so a block left early by an exception over-counts;
 * the benchmark workloads take no exceptions besides semihosting calls. */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };

#define EXPORT __attribute__((visibility("default")))

EXPORT int qemu_plugin_version = 1;

/* provided by QEMU */
extern void qemu_plugin_register_vcpu_tb_trans_cb(
    qemu_plugin_id_t id, void (*cb)(qemu_plugin_id_t, struct qemu_plugin_tb *));
extern size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
extern void qemu_plugin_register_vcpu_tb_exec_inline(
    struct qemu_plugin_tb *tb, enum qemu_plugin_op op, void *ptr, uint64_t imm);
extern void qemu_plugin_register_atexit_cb(
    qemu_plugin_id_t id, void (*cb)(qemu_plugin_id_t, void *), void *userdata);

static uint64_t executed;

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
                                             &executed, qemu_plugin_tb_n_insns(tb));
}

static void on_exit_(qemu_plugin_id_t id, void *userdata)
{
    (void)id;
    (void)userdata;
    fprintf(stderr, "qemu-guest-instructions: %" PRIu64 "\n", executed);
    fflush(stderr);
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const void *info, int argc, char **argv)
{
    (void)info;
    (void)argc;
    (void)argv;
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, on_exit_, NULL);
    return 0;
}
