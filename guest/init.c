// SPDX-License-Identifier: GPL-2.0
/*
 * init for the test VMs: mount the pseudo filesystems, run the tests, print
 * an end marker the host looks for, and power the VM off.
 *
 * Where the image has a shell (busybox), the tests run under the kselftest
 * runner through /guest/run-tests.sh. Where it has none (ppc32), this
 * program runs the executables listed in /guest/tests itself, one at a
 * time with a timeout, and prints KTAP lines in the runner's format.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUN_SCRIPT	"/guest/run-tests.sh"
#define TEST_LIST	"/guest/tests"
#define TEST_TIMEOUT	120	/* seconds, as the runner's settings file */
#define KSFT_SKIP	4

static void try_mount(const char *type, const char *dir)
{
	mkdir(dir, 0755);
	if (mount(type, dir, type, 0, NULL) && errno != EBUSY)
		fprintf(stderr, "init: mount %s on %s: %s\n", type, dir,
			strerror(errno));
}

static int wait_child(pid_t pid, int timeout)
{
	time_t end = time(NULL) + timeout;
	int status;
	pid_t r;

	for (;;) {
		r = waitpid(pid, &status, timeout ? WNOHANG : 0);
		if (r == pid)
			break;
		if (r < 0)
			return -1;
		if (time(NULL) >= end) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			return 124;	/* what timeout(1) returns */
		}
		usleep(100 * 1000);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

static int spawn(char *const argv[], int timeout)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		setpgid(0, 0);
		execv(argv[0], argv);
		fprintf(stderr, "init: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	return wait_child(pid, timeout);
}

/* The shell-less runner: KTAP like tools/testing/selftests/kselftest/runner.sh. */
static int run_list(void)
{
	char line[256], *tests[64];
	int n = 0, i, rc, failed = 0;
	FILE *f = fopen(TEST_LIST, "r");

	if (!f) {
		perror("init: " TEST_LIST);
		return 1;
	}
	while (n < 64 && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (line[0] && line[0] != '#')
			tests[n++] = strdup(line);
	}
	fclose(f);

	printf("TAP version 13\n1..%d\n", n);
	for (i = 0; i < n; i++) {
		/* "collection:path", as in kselftest-list.txt */
		char *path = strchr(tests[i], ':');
		char *argv[] = { path ? path + 1 : tests[i], NULL };
		const char *name = strrchr(argv[0], '/');

		name = name ? name + 1 : argv[0];
		if (path)
			*path = 0;
		printf("# selftests: %s: %s\n", tests[i], name);
		fflush(stdout);
		rc = spawn(argv, TEST_TIMEOUT);
		if (rc == 0)
			printf("ok %d selftests: %s: %s\n", i + 1, tests[i], name);
		else if (rc == KSFT_SKIP)
			printf("ok %d selftests: %s: %s # SKIP\n", i + 1, tests[i], name);
		else if (rc == 124)
			printf("not ok %d selftests: %s: %s # TIMEOUT %d seconds\n",
			       i + 1, tests[i], name, TEST_TIMEOUT);
		else
			printf("not ok %d selftests: %s: %s # exit=%d\n",
			       i + 1, tests[i], name, rc);
		failed |= rc != 0 && rc != KSFT_SKIP;
		fflush(stdout);
	}
	return failed;
}

int main(void)
{
	char *sh[] = { "/bin/sh", RUN_SCRIPT, NULL };
	int rc;

	try_mount("proc", "/proc");
	try_mount("sysfs", "/sys");
	try_mount("devtmpfs", "/dev");
	try_mount("tmpfs", "/tmp");
	try_mount("debugfs", "/sys/kernel/debug");
	try_mount("tracefs", "/sys/kernel/tracing");
	/* devtmpfs lacks these; the kselftest runner writes to /dev/stdout. */
	symlink("/proc/self/fd", "/dev/fd");
	symlink("/proc/self/fd/0", "/dev/stdin");
	symlink("/proc/self/fd/1", "/dev/stdout");
	symlink("/proc/self/fd/2", "/dev/stderr");
	setenv("PATH", "/bin:/sbin:/usr/bin:/usr/sbin", 1);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (access(sh[0], X_OK) == 0)
		rc = spawn(sh, 0);
	else
		rc = run_list();

	printf("KVM-COHERENCE-DONE rc=%d\n", rc);
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	reboot(RB_AUTOBOOT);
	return 0;
}
