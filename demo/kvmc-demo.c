// SPDX-License-Identifier: GPL-2.0
/*
 * kvmc-demo: a small arm64 VMM that shows what the kvm-coherence series does
 * for a VMM, in four steps, and ends with a table.
 *
 *  1. boot      load the guest image (version 1), KVM_FLUSH_GUEST_CACHE,
 *               run it: the guest checks its image and reports its version.
 *  2. reboot    rewrite the image (version 2), reset the vCPU, flush, run:
 *               the guest must run the new code.
 *  3. migrate   live migration within this process, with the MMU-off watch
 *     (pause)   set to pause: dirty logging, copy rounds with a
 *               KVM_FLUSH_GUEST_CACHE of the dirty pages (BITMAP) before
 *               reading them; the guest turns its MMU off mid-migration and
 *               the watch pauses it there; the VMM stops the vCPU (PC at
 *               the MSR), copies the last round, restores everything into a
 *               destination VM, which replays the MSR, finishes the pattern
 *               and verifies every word of it.
 *  4. migrate   the same with the watch off: the guest writes with its MMU
 *     (off)     off while memory is being copied, unseen by KVM; the VMM
 *               reports what the watch would have caught.
 *
 * The guest (guest.c) reports through MMIO registers (demo.h). Only the
 * uapi headers of the series are used. Exit status: 0 when every step
 * passes, 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "demo.h"
#include "images.h"

#define RAM_PAGES	(RAM_SIZE / DEMO_PAGE_SIZE)
#define MAX_ROUNDS	4
#define WAIT_SECONDS	60

static int kvm_fd;
static bool cpu_fwb, cpu_dic;	/* no D-cache, no I-cache maintenance needed */
static const char *step_name = "setup";

/* What the guest reported through MMIO, and the sync handshake. */
struct guest {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned long reg[MMIO_REGS];	/* last value written, per register */
	unsigned int mmu_off_reports;	/* MMIO_MMU_OFF writes while logging */
	bool logging;			/* set by the VMM */
	int syncs_reached, syncs_released;
	bool auto_release;		/* no migration: syncs do not wait */
	int stop_at_sync;		/* stop the vCPU in this sync (0: none) */
	bool stop;			/* the VMM stops the vCPU */
	bool stopped;			/* the vCPU thread returned, stopped */
	int error;			/* the vCPU thread failed */
};

/* The last value the guest wrote to an MMIO register. */
#define GREG(g, r)	((g)->reg[(r) / 8])

struct vm {
	const char *name;
	int fd, vcpu_fd, stats_fd;
	struct kvm_run *run;
	size_t run_size;
	unsigned char *mem;
	struct kvm_stats_header stats_hdr;
	unsigned char *stats_desc;
	struct guest g;
	pthread_t thread;
	bool thread_started;
};

struct step {
	const char *name;
	bool pass;
	bool skip;
	long ioctl_d, ioctl_i, fault_d, fault_i, pauses;
	int rounds;
	unsigned long dirty[MAX_ROUNDS];
	unsigned long bytes;
	char note[160];
};

static struct step steps[4];

static int fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kvmc-demo: step '%s': ", step_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* An ioctl that names itself and its errno when it fails. */
#define IOCTL(fd, req, arg)						\
	({								\
		int __r = ioctl(fd, req, arg);				\
		if (__r < 0)						\
			fail("%s: %s", #req, strerror(errno));		\
		__r;							\
	})

static void progress(const char *fmt, ...)
{
	va_list ap;

	printf("kvmc-demo [%s] ", step_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* ---- the VM: memory, vCPU, registers, statistics ---- */

static int stats_open(struct vm *vm)
{
	size_t n;

	vm->stats_fd = IOCTL(vm->fd, KVM_GET_STATS_FD, NULL);
	if (vm->stats_fd < 0)
		return -1;
	if (pread(vm->stats_fd, &vm->stats_hdr, sizeof(vm->stats_hdr), 0) !=
	    sizeof(vm->stats_hdr))
		return fail("reading the stats header: %s", strerror(errno));
	n = (sizeof(struct kvm_stats_desc) + vm->stats_hdr.name_size) *
	    vm->stats_hdr.num_desc;
	vm->stats_desc = malloc(n);
	if (!vm->stats_desc)
		return fail("no memory for %zu bytes of stats descriptors", n);
	if (pread(vm->stats_fd, vm->stats_desc, n, vm->stats_hdr.desc_offset) !=
	    (ssize_t)n)
		return fail("reading the stats descriptors: %s", strerror(errno));
	return 0;
}

/* A VM statistic of the series by name, -1 if KVM has none by that name. */
static long stat_get(struct vm *vm, const char *name)
{
	size_t dsz = sizeof(struct kvm_stats_desc) + vm->stats_hdr.name_size;
	struct kvm_stats_desc *d;
	uint64_t val;
	uint32_t i;

	for (i = 0; i < vm->stats_hdr.num_desc; i++) {
		d = (struct kvm_stats_desc *)(vm->stats_desc + i * dsz);
		if (strcmp(d->name, name))
			continue;
		if (pread(vm->stats_fd, &val, sizeof(val),
			  vm->stats_hdr.data_offset + d->offset) != sizeof(val))
			return -1;
		return (long)val;
	}
	return -1;
}

static int set_slot(struct vm *vm, uint32_t flags)
{
	struct kvm_userspace_memory_region r = {
		.slot = 0,
		.flags = flags,
		.guest_phys_addr = RAM_BASE,
		.memory_size = RAM_SIZE,
		.userspace_addr = (uintptr_t)vm->mem,
	};

	return IOCTL(vm->fd, KVM_SET_USER_MEMORY_REGION, &r) < 0 ? -1 : 0;
}

static int vcpu_init(struct vm *vm)
{
	struct kvm_vcpu_init init;

	if (IOCTL(vm->fd, KVM_ARM_PREFERRED_TARGET, &init) < 0)
		return -1;
	return IOCTL(vm->vcpu_fd, KVM_ARM_VCPU_INIT, &init) < 0 ? -1 : 0;
}

static int reg_set(struct vm *vm, uint64_t id, uint64_t val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)&val };

	return IOCTL(vm->vcpu_fd, KVM_SET_ONE_REG, &r) < 0 ? -1 : 0;
}

static int reg_get(struct vm *vm, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)val };

	return IOCTL(vm->vcpu_fd, KVM_GET_ONE_REG, &r) < 0 ? -1 : 0;
}

#define CORE_REG(r)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 (offsetof(struct kvm_regs, r) / sizeof(uint32_t)))
#define SYS_REG(op0, op1, crn, crm, op2)				\
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG |	\
	 ARM64_SYS_REG_SHIFT_MASK(op0, OP0) |				\
	 ARM64_SYS_REG_SHIFT_MASK(op1, OP1) |				\
	 ARM64_SYS_REG_SHIFT_MASK(crn, CRN) |				\
	 ARM64_SYS_REG_SHIFT_MASK(crm, CRM) |				\
	 ARM64_SYS_REG_SHIFT_MASK(op2, OP2))
#define REG_CTR_EL0		SYS_REG(3, 3, 0, 0, 1)
#define REG_ID_AA64MMFR2_EL1	SYS_REG(3, 0, 0, 7, 2)

/* Entry state of the guest: PC at the image, x0-x2 its arguments. */
static int set_entry(struct vm *vm, unsigned long scenario,
		     const unsigned char *img, size_t len)
{
	unsigned long words = len / 4;

	if (reg_set(vm, CORE_REG(regs.pc), RAM_BASE) ||
	    reg_set(vm, CORE_REG(regs.regs[0]), scenario) ||
	    reg_set(vm, CORE_REG(regs.regs[1]),
		    image_csum((const unsigned int *)img, words)) ||
	    reg_set(vm, CORE_REG(regs.regs[2]), words))
		return -1;
	return 0;
}

static void guest_init(struct guest *g)
{
	memset(g, 0, sizeof(*g));
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->cond, NULL);
	GREG(g, MMIO_VERSION) = ~0UL;
	GREG(g, MMIO_MISMATCH) = ~0UL;
}

/*
 * A VM with one memslot of RAM_SIZE at RAM_BASE backed by mem (anonymous
 * memory when NULL) and one vCPU, initialised.
 */
static int vm_create(struct vm *vm, const char *name, unsigned char *mem)
{
	memset(vm, 0, sizeof(*vm));
	vm->name = name;
	vm->fd = -1;
	vm->vcpu_fd = -1;
	vm->stats_fd = -1;
	guest_init(&vm->g);
	vm->mem = mem;
	vm->fd = IOCTL(kvm_fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		return -1;
	if (!vm->mem) {
		vm->mem = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (vm->mem == MAP_FAILED) {
			vm->mem = NULL;
			return fail("mmap of %lu MiB: %s", RAM_SIZE >> 20,
				    strerror(errno));
		}
	}
	if (set_slot(vm, 0))
		return -1;
	vm->vcpu_fd = IOCTL(vm->fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0)
		return -1;
	vm->run_size = IOCTL(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, NULL);
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED) {
		vm->run = NULL;
		return fail("mmap of kvm_run: %s", strerror(errno));
	}
	if (vcpu_init(vm) || stats_open(vm))
		return -1;
	return 0;
}

static void vm_destroy(struct vm *vm)
{
	if (vm->run)
		munmap(vm->run, vm->run_size);
	if (vm->mem)
		munmap(vm->mem, RAM_SIZE);
	free(vm->stats_desc);
	if (vm->stats_fd >= 0)
		close(vm->stats_fd);
	if (vm->vcpu_fd >= 0)
		close(vm->vcpu_fd);
	if (vm->fd >= 0)
		close(vm->fd);
	memset(vm, 0, sizeof(*vm));
}

/*
 * KVM_FLUSH_GUEST_CACHE over [gpa, gpa + size), again after -EINTR with
 * what the kernel says is left, as api.rst 4.138 asks.
 */
static int flush(struct vm *vm, unsigned long gpa, unsigned long size,
		 unsigned long flags, unsigned long *bitmap)
{
	struct kvm_flush_guest_cache f = {
		.gpa = gpa,
		.size = size,
		.flags = flags | (bitmap ? KVM_FLUSH_GUEST_CACHE_BITMAP : 0),
		.bitmap = (uintptr_t)bitmap,
	};

	while (ioctl(vm->fd, KVM_FLUSH_GUEST_CACHE, &f) < 0) {
		if (errno != EINTR)
			return fail("KVM_FLUSH_GUEST_CACHE [%#lx, +%#lx) flags %#lx: %s",
				    gpa, size, flags, strerror(errno));
	}
	return 0;
}

/* ---- the vCPU thread ---- */

/* Handles one MMIO exit; returns 1 when the vCPU must stop. */
static int handle_mmio(struct vm *vm)
{
	struct kvm_run *run = vm->run;
	struct guest *g = &vm->g;
	unsigned long reg = run->mmio.phys_addr - MMIO_BASE, val = 0;
	int stop = 0;

	if (run->mmio.len == 8)
		memcpy(&val, run->mmio.data, 8);
	pthread_mutex_lock(&g->lock);
	if (run->mmio.is_write) {
		if (reg / 8 < MMIO_REGS)
			g->reg[reg / 8] = val;
		if (reg == MMIO_MMU_OFF)
			g->mmu_off_reports += g->logging;
	} else if (reg == MMIO_SYNC) {
		g->syncs_reached++;
		pthread_cond_broadcast(&g->cond);
		if (g->stop_at_sync == g->syncs_reached) {
			/*
			 * Leave the load unfinished: the saved PC is the
			 * load's, and the destination executes it again.
			 */
			stop = 1;
		} else {
			while (!g->auto_release && !g->stop &&
			       g->syncs_released < g->syncs_reached)
				pthread_cond_wait(&g->cond, &g->lock);
			stop = g->stop;
		}
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
	}
	pthread_mutex_unlock(&g->lock);
	return stop;
}

static void *vcpu_thread(void *arg)
{
	struct vm *vm = arg;
	struct guest *g = &vm->g;
	int err = 0, stop = 0;

	while (!err && !stop) {
		if (ioctl(vm->vcpu_fd, KVM_RUN, NULL) < 0) {
			if (errno != EINTR) {
				err = fail("%s: KVM_RUN: %s", vm->name, strerror(errno));
				break;
			}
			/* The VMM's kick (see vcpu_stop()). */
			pthread_mutex_lock(&g->lock);
			stop = g->stop;
			pthread_mutex_unlock(&g->lock);
			vm->run->immediate_exit = 0;
			continue;
		}
		switch (vm->run->exit_reason) {
		case KVM_EXIT_MMIO:
			stop = handle_mmio(vm);
			break;
		case KVM_EXIT_ARM_MMU_OFF:
			err = fail("%s: KVM_EXIT_ARM_MMU_OFF, but the policy is not 'exit'",
				   vm->name);
			break;
		default:
			err = fail("%s: unexpected exit reason %u", vm->name,
				   vm->run->exit_reason);
		}
		pthread_mutex_lock(&g->lock);
		if (GREG(g, MMIO_DONE))
			stop = 1;
		pthread_mutex_unlock(&g->lock);
	}
	pthread_mutex_lock(&g->lock);
	g->error = err;
	g->stopped = true;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

static void kick_handler(int sig)
{
	(void)sig;
}

static int vcpu_start(struct vm *vm)
{
	int r = pthread_create(&vm->thread, NULL, vcpu_thread, vm);

	if (r)
		return fail("pthread_create: %s", strerror(r));
	vm->thread_started = true;
	return 0;
}

static void vcpu_join(struct vm *vm)
{
	if (vm->thread_started)
		pthread_join(vm->thread, NULL);
	vm->thread_started = false;
}

/* Stop the vCPU thread wherever it is: in KVM_RUN (a signal) or waiting. */
static void vcpu_stop(struct vm *vm)
{
	struct guest *g = &vm->g;

	pthread_mutex_lock(&g->lock);
	g->stop = true;
	vm->run->immediate_exit = 1;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
	if (vm->thread_started)
		pthread_kill(vm->thread, SIGUSR1);
	vcpu_join(vm);
}

static void deadline_in(struct timespec *ts, int seconds)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += seconds;
}

/* Wait until the guest reaches its n-th sync point, or the vCPU stops. */
static int wait_sync(struct vm *vm, int n)
{
	struct guest *g = &vm->g;
	struct timespec ts;
	int r = 0;

	deadline_in(&ts, WAIT_SECONDS);
	pthread_mutex_lock(&g->lock);
	while (g->syncs_reached < n && !g->stopped && r != ETIMEDOUT)
		r = pthread_cond_timedwait(&g->cond, &g->lock, &ts);
	if (g->syncs_reached >= n)
		r = 0;
	else if (!r)
		r = -1;
	pthread_mutex_unlock(&g->lock);
	if (r)
		return fail("%s: the guest did not reach sync point %d%s", vm->name,
			    n, r == ETIMEDOUT ? " in time" : "");
	return 0;
}

static void release_sync(struct vm *vm, int n)
{
	pthread_mutex_lock(&vm->g.lock);
	vm->g.syncs_released = n;
	pthread_cond_broadcast(&vm->g.cond);
	pthread_mutex_unlock(&vm->g.lock);
}

/* Run the vCPU until the guest says it is done. */
static int run_to_done(struct vm *vm)
{
	struct guest *g = &vm->g;
	struct timespec ts;
	int r = 0;

	vm->g.auto_release = true;
	if (vcpu_start(vm))
		return -1;
	deadline_in(&ts, WAIT_SECONDS);
	pthread_mutex_lock(&g->lock);
	while (!g->stopped && r != ETIMEDOUT)
		r = pthread_cond_timedwait(&g->cond, &g->lock, &ts);
	pthread_mutex_unlock(&g->lock);
	if (r == ETIMEDOUT) {
		vcpu_stop(vm);
		return fail("%s: the guest did not finish in %d s", vm->name,
			    WAIT_SECONDS);
	}
	vcpu_join(vm);
	if (g->error)
		return -1;
	if (!GREG(g, MMIO_DONE))
		return fail("%s: the vCPU stopped before the guest was done", vm->name);
	return 0;
}

/* ---- steps 1 and 2: boot and reboot ---- */

static void load_image(struct vm *vm, const unsigned char *img, size_t len,
		       size_t old_len)
{
	memcpy(vm->mem, img, len);
	if (old_len > len)
		memset(vm->mem + len, 0, old_len - len);
}

static unsigned long page_align(unsigned long n)
{
	return (n + DEMO_PAGE_SIZE - 1) & ~(DEMO_PAGE_SIZE - 1);
}

struct counters {
	long ioctl_d, ioctl_i, fault_d, fault_i, pauses, traps, reset_unmaps;
};

static void counters_read(struct vm *vm, struct counters *c)
{
	c->ioctl_d = stat_get(vm, "flush_ioctl_dcache_pages");
	c->ioctl_i = stat_get(vm, "flush_ioctl_icache_pages");
	c->fault_d = stat_get(vm, "fault_dcache_pages");
	c->fault_i = stat_get(vm, "fault_icache_pages");
	c->pauses = stat_get(vm, "mmu_off_pauses");
	c->traps = stat_get(vm, "mmu_off_watch_traps");
	c->reset_unmaps = stat_get(vm, "reset_unmaps");
}

static void step_counters(struct step *s, const struct counters *a,
			  const struct counters *b)
{
	s->ioctl_d = b->ioctl_d - a->ioctl_d;
	s->ioctl_i = b->ioctl_i - a->ioctl_i;
	s->fault_d = b->fault_d - a->fault_d;
	s->fault_i = b->fault_i - a->fault_i;
	s->pauses = b->pauses - a->pauses;
}

/* Did the guest run the image of this version, and find it intact? */
static bool guest_ran(struct vm *vm, unsigned long version)
{
	struct guest *g = &vm->g;
	unsigned long ran = GREG(g, MMIO_VERSION);

	progress("guest reports version %lu, image checksum %#lx (%s)", ran,
		 GREG(g, MMIO_CSUM), GREG(g, MMIO_CHECK) ? "matches" : "MISMATCH");
	if (ran != version) {
		fail("the guest ran version %lu, the VMM loaded %lu", ran,
		     version);
		return false;
	}
	if (!GREG(g, MMIO_CHECK)) {
		fail("the guest's image checksum differs from the VMM's");
		return false;
	}
	return true;
}

/*
 * Some path made the image coherent: the ioctl or fault-in maintained it,
 * unless the CPU needs no maintenance of that kind.
 */
static bool made_coherent(const struct step *s)
{
	if (!cpu_fwb && s->ioctl_d + s->fault_d == 0) {
		fail("no D-cache maintenance of the image, and the CPU has no FWB");
		return false;
	}
	if (!cpu_dic && s->ioctl_i + s->fault_i == 0) {
		fail("no I-cache maintenance of the image, and the CPU has no DIC");
		return false;
	}
	return true;
}

static void boot_and_reboot(struct step *boot, struct step *reboot)
{
	size_t len1 = guest_v1_end - guest_v1, len2 = guest_v2_end - guest_v2;
	struct counters a, b;
	struct vm vm;

	step_name = boot->name;
	if (vm_create(&vm, "boot VM", NULL))
		goto out;
	progress("loading image version 1 (%zu bytes) at %#lx", len1, RAM_BASE);
	load_image(&vm, guest_v1, len1, 0);
	counters_read(&vm, &a);
	if (flush(&vm, RAM_BASE, page_align(len1),
		  KVM_FLUSH_GUEST_CACHE_DCACHE | KVM_FLUSH_GUEST_CACHE_ICACHE, NULL) ||
	    set_entry(&vm, SCENARIO_BOOT, guest_v1, len1) || run_to_done(&vm))
		goto out;
	counters_read(&vm, &b);
	step_counters(boot, &a, &b);
	boot->pass = guest_ran(&vm, 1) && made_coherent(boot);
	snprintf(boot->note, sizeof(boot->note),
		 "nothing is mapped before the first run: the ioctl has nothing to do, fault-in flushes");

	step_name = reboot->name;
	progress("rewriting the image with version 2 (%zu bytes), resetting the vCPU",
		 len2);
	load_image(&vm, guest_v2, len2, len1);
	counters_read(&vm, &a);
	if (vcpu_init(&vm) ||
	    flush(&vm, RAM_BASE, page_align(len2 > len1 ? len2 : len1),
		  KVM_FLUSH_GUEST_CACHE_DCACHE | KVM_FLUSH_GUEST_CACHE_ICACHE, NULL) ||
	    set_entry(&vm, SCENARIO_BOOT, guest_v2, len2))
		goto out;
	guest_init(&vm.g);
	if (run_to_done(&vm))
		goto out;
	counters_read(&vm, &b);
	step_counters(reboot, &a, &b);
	reboot->pass = guest_ran(&vm, 2) && made_coherent(reboot);
	if (b.reset_unmaps > a.reset_unmaps)
		snprintf(reboot->note, sizeof(reboot->note),
			 "the reset unmapped stage 2 (no FWB): fault-in flushed the image again");
	else
		snprintf(reboot->note, sizeof(reboot->note),
			 "the reset kept stage 2 (FWB): the ioctl maintained the mapped image");
out:
	vm_destroy(&vm);
}

/* ---- steps 3 and 4: live migration ---- */

/* All registers of the vCPU, as KVM_GET_REG_LIST names them. */
struct vcpu_state {
	struct kvm_reg_list *list;
	uint64_t *vals;		/* 16 bytes per register, for the largest */
};

static size_t reg_size(uint64_t id)
{
	return 1UL << ((id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT);
}

static int state_save(struct vm *vm, struct vcpu_state *st)
{
	struct kvm_reg_list probe = { .n = 0 };
	struct kvm_one_reg r;
	uint64_t i;

	if (ioctl(vm->vcpu_fd, KVM_GET_REG_LIST, &probe) == 0 || errno != E2BIG)
		return fail("KVM_GET_REG_LIST (size probe): %s", strerror(errno));
	st->list = calloc(1, sizeof(*st->list) + probe.n * sizeof(uint64_t));
	st->vals = calloc(probe.n, 16);
	if (!st->list || !st->vals)
		return fail("no memory for %llu registers", probe.n);
	st->list->n = probe.n;
	if (IOCTL(vm->vcpu_fd, KVM_GET_REG_LIST, st->list) < 0)
		return -1;
	for (i = 0; i < st->list->n; i++) {
		if (reg_size(st->list->reg[i]) > 16)
			return fail("register %#llx is %zu bytes", st->list->reg[i],
				    reg_size(st->list->reg[i]));
		r.id = st->list->reg[i];
		r.addr = (uintptr_t)&st->vals[2 * i];
		if (ioctl(vm->vcpu_fd, KVM_GET_ONE_REG, &r) < 0)
			return fail("KVM_GET_ONE_REG %#llx: %s", r.id, strerror(errno));
	}
	return 0;
}

static int state_restore(struct vm *vm, const struct vcpu_state *st)
{
	struct kvm_one_reg r;
	uint64_t i;

	for (i = 0; i < st->list->n; i++) {
		r.id = st->list->reg[i];
		r.addr = (uintptr_t)&st->vals[2 * i];
		if (ioctl(vm->vcpu_fd, KVM_SET_ONE_REG, &r) < 0)
			return fail("KVM_SET_ONE_REG %#llx: %s", r.id, strerror(errno));
	}
	return 0;
}

static void state_free(struct vcpu_state *st)
{
	free(st->list);
	free(st->vals);
}

static unsigned long bitmap[RAM_PAGES / 64];

/*
 * One copy round: fetch and clear the dirty log of the slot, make the
 * dirty pages coherent for the VMM's reads (BITMAP), copy them. The first
 * round copies everything.
 */
static int copy_round(struct vm *src, unsigned char *dst, struct step *s)
{
	struct kvm_dirty_log log = { .slot = 0, .dirty_bitmap = bitmap };
	struct kvm_clear_dirty_log clr = {
		.slot = 0, .first_page = 0, .num_pages = RAM_PAGES,
		.dirty_bitmap = bitmap,
	};
	unsigned long page, n = 0;

	if (s->rounds == MAX_ROUNDS)
		return fail("more than %d rounds", MAX_ROUNDS);
	if (!s->rounds) {
		memset(bitmap, 0xff, sizeof(bitmap));
	} else {
		if (IOCTL(src->fd, KVM_GET_DIRTY_LOG, &log) < 0 ||
		    IOCTL(src->fd, KVM_CLEAR_DIRTY_LOG, &clr) < 0)
			return -1;
	}
	if (flush(src, RAM_BASE, RAM_SIZE, KVM_FLUSH_GUEST_CACHE_DCACHE, bitmap))
		return -1;
	for (page = 0; page < RAM_PAGES; page++) {
		if (!(bitmap[page / 64] & (1UL << (page % 64))))
			continue;
		memcpy(dst + page * DEMO_PAGE_SIZE, src->mem + page * DEMO_PAGE_SIZE,
		       DEMO_PAGE_SIZE);
		n++;
	}
	s->dirty[s->rounds++] = n;
	s->bytes += n * DEMO_PAGE_SIZE;
	progress("round %d: %lu dirty pages flushed (BITMAP) and copied", s->rounds, n);
	return 0;
}

/* Wait for the watch to pause the vCPU: its counter says so. */
static int wait_pause(struct vm *vm)
{
	int ms;

	for (ms = 0; ms < WAIT_SECONDS * 1000; ms += 5) {
		if (stat_get(vm, "mmu_off_pauses") > 0)
			return 0;
		if (vm->g.stopped)
			break;
		usleep(5000);
	}
	return fail("the MMU-off watch did not pause the vCPU");
}

static void migrate(struct step *s, unsigned long policy)
{
	size_t len = guest_v2_end - guest_v2;
	struct kvm_enable_cap manual = {
		.cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
		.args = { KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE },
	};
	struct kvm_enable_cap watch = {
		.cap = KVM_CAP_ARM_MMU_OFF_WATCH, .args = { policy },
	};
	bool pause = policy == KVM_ARM_MMU_OFF_WATCH_PAUSE;
	struct vcpu_state st = { NULL, NULL };
	struct counters a, b;
	struct vm src, dst;
	unsigned long dirty;
	unsigned char *dst_mem;
	uint64_t pc;
	bool ok = true;
	int r;

	step_name = s->name;
	memset(&dst, 0, sizeof(dst));
	dst.fd = -1;
	dst.vcpu_fd = -1;
	dst.stats_fd = -1;
	if (vm_create(&src, "source", NULL))
		goto out;
	dst_mem = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (dst_mem == MAP_FAILED) {
		fail("mmap: %s", strerror(errno));
		goto out;
	}
	load_image(&src, guest_v2, len, 0);
	if (IOCTL(src.fd, KVM_ENABLE_CAP, &manual) < 0 ||
	    IOCTL(src.fd, KVM_ENABLE_CAP, &watch) < 0 ||
	    flush(&src, RAM_BASE, page_align(len),
		  KVM_FLUSH_GUEST_CACHE_DCACHE | KVM_FLUSH_GUEST_CACHE_ICACHE, NULL) ||
	    set_entry(&src, SCENARIO_MIGRATE, guest_v2, len))
		goto out_dst;
	if (!pause)
		src.g.stop_at_sync = 3;
	progress("source guest running, MMU-off watch policy '%s'",
		 pause ? "pause" : "off");
	counters_read(&src, &a);
	if (vcpu_start(&src) || wait_sync(&src, 1))
		goto out_dst;

	progress("dirty logging on; copying while the guest runs");
	pthread_mutex_lock(&src.g.lock);
	src.g.logging = true;
	pthread_mutex_unlock(&src.g.lock);
	if (set_slot(&src, KVM_MEM_LOG_DIRTY_PAGES) || copy_round(&src, dst_mem, s))
		goto out_dst;
	release_sync(&src, 1);
	if (wait_sync(&src, 2) || copy_round(&src, dst_mem, s))
		goto out_dst;
	release_sync(&src, 2);

	if (pause) {
		if (wait_pause(&src))
			goto out_dst;
		progress("the watch paused the vCPU at its MMU-off write; stopping it");
		vcpu_stop(&src);
	} else {
		/* The guest stops itself at its third sync point. */
		if (wait_sync(&src, 3))
			goto out_dst;
		vcpu_join(&src);
		progress("vCPU stopped at the guest's third sync point");
	}
	if (src.g.error || state_save(&src, &st) ||
	    reg_get(&src, CORE_REG(regs.pc), &pc))
		goto out_dst;
	progress("vCPU state saved: %llu registers, PC %#lx%s", st.list->n,
		 (unsigned long)pc,
		 pc == GREG(&src.g, MMIO_MMU_OFF) ? " (the MSR turning the MMU off)" : "");
	if (copy_round(&src, dst_mem, s))
		goto out_dst;
	counters_read(&src, &b);
	step_counters(s, &a, &b);

	/* The destination: the copied memory, the saved registers. */
	if (vm_create(&dst, "destination", dst_mem)) {
		dst_mem = NULL;
		goto out_dst;
	}
	dst_mem = NULL;
	if (state_restore(&dst, &st) || run_to_done(&dst))
		goto out_dst;
	progress("destination guest: %lu pages written with the MMU off, %lu words wrong",
		 GREG(&dst.g, MMIO_OFF_PAGES), GREG(&dst.g, MMIO_MISMATCH));

	if (GREG(&dst.g, MMIO_MISMATCH)) {
		ok = !fail("the destination found %lu wrong words, the first in page %lu",
			   GREG(&dst.g, MMIO_MISMATCH), GREG(&dst.g, MMIO_BAD_PAGE));
	}
	/*
	 * The pages dirtied after the first round are mapped, so the BITMAP
	 * flush maintained every one of them (none with FWB).
	 */
	for (r = 1, dirty = 0; r < s->rounds; r++)
		dirty += s->dirty[r];
	if (cpu_fwb ? s->ioctl_d != 0 : s->ioctl_d < (long)dirty)
		ok = !fail("the flushes maintained %ld pages, %s %lu", s->ioctl_d,
			   cpu_fwb ? "with FWB, expected" : "fewer than the dirty",
			   cpu_fwb ? 0 : dirty);
	if (pause) {
		if (s->pauses != 1)
			ok = !fail("%ld pauses, expected 1", s->pauses);
		if (pc != GREG(&src.g, MMIO_MMU_OFF))
			ok = !fail("saved PC %#lx is not the MSR's, %#lx",
				   (unsigned long)pc, GREG(&src.g, MMIO_MMU_OFF));
		if (GREG(&src.g, MMIO_OFF_PAGES) || !GREG(&dst.g, MMIO_OFF_PAGES))
			ok = !fail("the MMU-off pass ran on the source");
		snprintf(s->note, sizeof(s->note),
			 "paused before the MMU-off write; the destination replayed it and wrote %lu pages with the MMU off",
			 GREG(&dst.g, MMIO_OFF_PAGES));
	} else {
		if (s->pauses)
			ok = !fail("%ld pauses with the watch off", s->pauses);
		if (src.g.mmu_off_reports != 1 || !GREG(&src.g, MMIO_OFF_PAGES))
			ok = !fail("the guest did not turn its MMU off during the copy");
		snprintf(s->note, sizeof(s->note),
			 "unprotected: %u MMU-off window(s) during the copy, %lu pages written with the MMU off on the source",
			 src.g.mmu_off_reports, GREG(&src.g, MMIO_OFF_PAGES));
	}
	s->pass = ok;
out_dst:
	if (src.fd > 0 && src.run)
		vcpu_stop(&src);
	if (dst_mem)
		munmap(dst_mem, RAM_SIZE);
	vm_destroy(&dst);
	state_free(&st);
out:
	vm_destroy(&src);
}

/* ---- the table ---- */

static void print_table(const char *cpu)
{
	char dirty[64];
	int i, r, n;

	printf("\nkvmc-demo results (%s)\n\n", cpu);
	fputs("| step                   | result | ioctl D/I pages ", stdout);
	fputs("| fault-in D/I pages | pauses | rounds ", stdout);
	fputs("| dirty pages per round | MiB copied |\n", stdout);
	fputs("|------------------------|--------|-----------------", stdout);
	fputs("|--------------------|--------|--------", stdout);
	fputs("|-----------------------|------------|\n", stdout);
	for (i = 0; i < 4; i++) {
		struct step *s = &steps[i];

		n = 0;
		dirty[0] = 0;
		for (r = 0; r < s->rounds; r++)
			n += snprintf(dirty + n, sizeof(dirty) - n, "%s%lu",
				      r ? "/" : "", s->dirty[r]);
		printf("| %-22s | %-6s | %7ld/%-7ld | %9ld/%-8ld | %6ld | %6d | %-21s | %10.1f |\n",
		       s->name, s->skip ? "SKIP" : s->pass ? "PASS" : "FAIL",
		       s->ioctl_d, s->ioctl_i,
		       s->fault_d, s->fault_i, s->pauses, s->rounds,
		       s->rounds ? dirty : "-", s->bytes / 1048576.0);
	}
	printf("\n");
	for (i = 0; i < 4; i++)
		printf("%s: %s\n", steps[i].name, steps[i].note);
}

/* What the vCPU model leaves to software: FWB and DIC. */
static void describe_cpu(char *buf, size_t n)
{
	uint64_t mmfr2 = 0, ctr = 0;
	struct vm vm;

	step_name = "setup";
	if (vm_create(&vm, "probe", NULL) ||
	    reg_get(&vm, REG_ID_AA64MMFR2_EL1, &mmfr2) ||
	    reg_get(&vm, REG_CTR_EL0, &ctr)) {
		snprintf(buf, n, "CPU features unknown");
	} else {
		cpu_fwb = (mmfr2 >> 40) & 0xf;
		cpu_dic = (ctr >> 29) & 1;
		snprintf(buf, n, "FWB %s: D-cache maintenance %s; DIC %s: I-cache maintenance %s",
			 cpu_fwb ? "yes" : "no", cpu_fwb ? "skipped" : "done",
			 cpu_dic ? "yes" : "no", cpu_dic ? "skipped" : "done");
	}
	vm_destroy(&vm);
}

int main(void)
{
	struct sigaction sa = { .sa_handler = kick_handler };
	char cpu[160];
	int i, r, bad = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	steps[0].name = "1 boot (v1)";
	steps[1].name = "2 reboot (v2)";
	steps[2].name = "3 migrate, watch=pause";
	steps[3].name = "4 migrate, watch=off";

	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0) {
		fail("/dev/kvm: %s", strerror(errno));
		return 1;
	}
	r = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_FLUSH_GUEST_CACHE);
	if (r <= 0 || ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_MMU_OFF_WATCH) <= 0) {
		fail("KVM lacks KVM_CAP_FLUSH_GUEST_CACHE or KVM_CAP_ARM_MMU_OFF_WATCH");
		return 1;
	}
	sigaction(SIGUSR1, &sa, NULL);
	describe_cpu(cpu, sizeof(cpu));
	progress("%s", cpu);

	boot_and_reboot(&steps[0], &steps[1]);
	/*
	 * With FWB the guest's MMU-off writes are cacheable: the watch is not
	 * needed, and KVM offers only "off" (step 4 shows the migration).
	 */
	if (ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_MMU_OFF_WATCH) &
	    (1 << KVM_ARM_MMU_OFF_WATCH_PAUSE)) {
		migrate(&steps[2], KVM_ARM_MMU_OFF_WATCH_PAUSE);
	} else {
		steps[2].pass = true;
		steps[2].skip = true;
		snprintf(steps[2].note, sizeof(steps[2].note),
			 "not needed: KVM offers only the policy 'off' (FWB: MMU-off writes are cacheable)");
		step_name = steps[2].name;
		progress("skipped: %s", steps[2].note);
	}
	migrate(&steps[3], KVM_ARM_MMU_OFF_WATCH_OFF);

	print_table(cpu);
	for (i = 0; i < 4; i++)
		bad |= !steps[i].pass;
	return bad;
}
