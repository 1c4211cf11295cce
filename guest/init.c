// SPDX-License-Identifier: GPL-2.0
/*
 * init for the test VMs: mount the pseudo filesystems, run the tests, print
 * an end marker the host looks for, and power the VM off.
 *
 * Where the image has a shell (busybox) and the kselftests, the tests run
 * under the kselftest runner through /guest/run-tests.sh. Otherwise this
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

/* Pseudo filesystems the kernel config may leave out are optional. */
static void try_mount(const char *type, const char *dir, int optional)
{
	mkdir(dir, 0755);
	if (mount(type, dir, type, 0, NULL) && errno != EBUSY && !optional)
		fprintf(stderr, "init: mount %s on %s: %s\n", type, dir,
			strerror(errno));
}

/* Copy what the child wrote to stdout, each line behind "# " (KTAP). */
static void copy_prefixed(int fd, int *at_line_start)
{
	char buf[512];
	ssize_t n, i;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (i = 0; i < n; i++) {
			if (*at_line_start)
				fputs("# ", stdout);
			putchar(buf[i]);
			*at_line_start = buf[i] == '\n';
		}
	}
	fflush(stdout);
}

/*
 * Run argv[0] in its own process group and wait for it, at most timeout
 * seconds (0: no limit). With prefix, its output is indented as KTAP
 * wants for a nested test. Returns the exit code, 128 + signal, or 124
 * on timeout as timeout(1) does.
 */
static int spawn(char *const argv[], int timeout, int prefix)
{
	time_t end = time(NULL) + timeout;
	int fds[2] = { -1, -1 }, status, bol = 1;
	pid_t pid, r;

	if (prefix && pipe(fds))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		setpgid(0, 0);
		if (prefix) {
			dup2(fds[1], 1);
			dup2(fds[1], 2);
			close(fds[0]);
			close(fds[1]);
		}
		execv(argv[0], argv);
		fprintf(stderr, "init: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	if (prefix) {
		close(fds[1]);
		fcntl(fds[0], F_SETFL, O_NONBLOCK);
	}
	for (;;) {
		if (prefix)
			copy_prefixed(fds[0], &bol);
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (r < 0)
			return -1;
		if (timeout && time(NULL) >= end) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			status = 124 << 8;
			break;
		}
		usleep(50 * 1000);
	}
	if (prefix) {
		copy_prefixed(fds[0], &bol);
		if (!bol)
			putchar('\n');
		close(fds[0]);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
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
		rc = spawn(argv, TEST_TIMEOUT, 1);
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

	try_mount("proc", "/proc", 0);
	try_mount("sysfs", "/sys", 0);
	try_mount("devtmpfs", "/dev", 0);
	try_mount("tmpfs", "/tmp", 0);
	try_mount("debugfs", "/sys/kernel/debug", 1);
	try_mount("tracefs", "/sys/kernel/tracing", 1);
	/* devtmpfs lacks these; the kselftest runner writes to /dev/stdout. */
	symlink("/proc/self/fd", "/dev/fd");
	symlink("/proc/self/fd/0", "/dev/stdin");
	symlink("/proc/self/fd/1", "/dev/stdout");
	symlink("/proc/self/fd/2", "/dev/stderr");
	setenv("PATH", "/bin:/sbin:/usr/bin:/usr/sbin", 1);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (access(sh[0], X_OK) == 0 && access(RUN_SCRIPT, R_OK) == 0)
		rc = spawn(sh, 0, 0);
	else
		rc = run_list();

	printf("KVM-COHERENCE-DONE rc=%d\n", rc);
	fflush(stdout);
	sync();
	/* QEMU runs with -no-reboot: a reset ends it on every machine. */
	reboot(RB_AUTOBOOT);
	return 0;
}
