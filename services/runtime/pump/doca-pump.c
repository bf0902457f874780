/*
 * doca-pump: the long-running half of a container's shim.
 *
 * The Python shim (services/runtime/shim.py) does the set-up (namespaces,
 * mounts, the container's init) and then execs this program, which keeps the
 * same pid (the runtime knows the shim by pid and start time), the same
 * children (the container's init) and the same mount namespace. From then on
 * it only moves bytes, as services/runtime/shim_io.py does in Python (the
 * fallback when this program is not built), with the same formats:
 *
 *  - the log: Docker's json-file lines {"log":..,"stream":..,"time":..},
 *    split at newlines (a partial line waits for its end, 16 KiB or EOF),
 *    non-ASCII written as \uXXXX escapes and bytes that are not UTF-8 as
 *    \udcXX (Python's surrogateescape), rotated at max-size into max-file
 *    files;
 *  - the CRI log (a CRI container's, when CRI_LOG is given): each line
 *    also as `<RFC3339Nano> stdout|stderr F|P <text>` (logfile.encode_cri:
 *    P for a piece of a line cut at 16 KiB, F for the rest and for the
 *    last words before EOF), never rotated here;
 *  - attach.sock: frames of 1 kind byte + 4-byte big-endian length;
 *    in: 'i' stdin, 'c' close stdin, 'r' "ROWS COLS", 'l' reopen the CRI
 *    log (answered 'L' with "" or the error's text); out: 'o', 'e';
 *  - exit.json: {"exit_code": N, "finished_at": T}, written atomically once
 *    the container has exited and its output is drained.
 *
 * Why C: a Python process costs ~4 MiB of private memory per container for
 * the container's whole life; this one costs a few hundred KiB.
 *
 * usage: doca-pump STATE_DIR INIT_PID LOG_PATH MAX_SIZE MAX_FILES OUT ERR IN PTY [CRI_LOG]
 *        (descriptor numbers, -1 when absent)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define LINE_LIMIT 16384
#define READ_SIZE 65536
#define MAX_CLIENTS 64
#define DRAIN_MS 2000

struct output {
	int fd;
	const char *stream;
	char frame_kind;
	char pending[LINE_LIMIT];
	size_t len;
};

struct client {
	int fd;
	unsigned char buf[5 + READ_SIZE];
	size_t len;
};

static const char *state_dir, *log_path;
static long long max_size;
static int max_files, log_fd = -1;
static long long log_size;
static char *wbuf;
static size_t wlen, wcap;
static const char *cri_path; /* NULL: not a CRI container */
static int cri_fd = -1;
static char *cbuf;
static size_t clen, ccap;

static struct output outs[2];
static int nouts;
static int stdin_fd = -1, pty_fd = -1;
static unsigned char *pending_in;
static size_t pending_in_len;
static struct client clients[MAX_CLIENTS];
static int nclients, listener = -1;
static char attach_path[4096];

static void die(const char *what)
{
	dprintf(2, "doca-pump: %s: %s\n", what, strerror(errno));
	exit(125);
}

/* -- the log ---------------------------------------------------------------- */

static void log_open(void)
{
	struct stat st;
	log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (log_fd < 0)
		die(log_path);
	log_size = fstat(log_fd, &st) == 0 ? st.st_size : 0;
}

static void log_flush(void)
{
	size_t off = 0;
	while (off < wlen) {
		ssize_t n = write(log_fd, wbuf + off, wlen - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break; /* a full disk loses log lines, never the container */
		}
		off += (size_t)n;
	}
	log_size += (long long)wlen;
	wlen = 0;
}

static void log_rotate(void)
{
	char older[4200], newer[4200];
	log_flush();
	close(log_fd);
	if (max_files <= 1) {
		/* A new file, not a truncated one: a reader keeps reading the old
		 * one by its descriptor, never from an offset past the new end. */
		if (unlink(log_path) != 0 && errno != ENOENT)
			dprintf(2, "doca-pump: unlink: %s\n", strerror(errno));
	} else {
		for (int i = max_files - 1; i >= 1; i--) {
			if (i > 1)
				snprintf(older, sizeof older, "%s.%d", log_path, i - 1);
			else
				snprintf(older, sizeof older, "%s", log_path);
			snprintf(newer, sizeof newer, "%s.%d", log_path, i);
			if (access(older, F_OK) == 0)
				rename(older, newer);
		}
	}
	log_open();
	log_size = 0;
}

/* -- the CRI log -------------------------------------------------------------- */

/* mkdir -p of the file's directory, then a new descriptor at the path;
 * returns 0 or an errno (the old descriptor kept then). */
static int cri_open(void)
{
	char dir[4200];
	snprintf(dir, sizeof dir, "%s", cri_path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(dir, 0755) != 0 && errno != EEXIST)
			return errno;
		*p = '/';
	}
	int fd = open(cri_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0)
		return errno;
	if (cri_fd >= 0)
		close(cri_fd);
	cri_fd = fd;
	return 0;
}

static void cri_put(const void *s, size_t n)
{
	if (clen + n > ccap) {
		while (ccap < clen + n)
			ccap = ccap ? ccap * 2 : 1 << 17;
		cbuf = realloc(cbuf, ccap);
		if (!cbuf)
			die("memory");
	}
	memcpy(cbuf + clen, s, n);
	clen += n;
}

/* One piece of the splitter's as CRI lines: cut at 16 KiB even when it came
 * whole; the last cut is F when the piece ends its line (or at EOF). */
static void cri_record(const char *stream, const unsigned char *data, size_t n, const char *when, int eof)
{
	int whole = n && data[n - 1] == '\n';
	if (whole)
		n--;
	size_t off = 0;
	do {
		size_t k = n - off < LINE_LIMIT ? n - off : LINE_LIMIT;
		int last = off + k >= n;
		cri_put(when, strlen(when));
		cri_put(" ", 1);
		cri_put(stream, strlen(stream));
		cri_put(last && (whole || eof) ? " F " : " P ", 3);
		cri_put(data + off, k);
		cri_put("\n", 1);
		off += k;
	} while (off < n);
}

static void cri_flush(void)
{
	size_t off = 0;
	while (cri_fd >= 0 && off < clen) {
		ssize_t n = write(cri_fd, cbuf + off, clen - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			dprintf(2, "doca-pump: cannot write %s: %s\n", cri_path, strerror(errno));
			break; /* a full disk loses CRI lines, never the container */
		}
		off += (size_t)n;
	}
	clen = 0;
}

static void wbuf_reserve(size_t more)
{
	if (wlen + more <= wcap)
		return;
	while (wcap < wlen + more)
		wcap = wcap ? wcap * 2 : 1 << 17;
	wbuf = realloc(wbuf, wcap);
	if (!wbuf)
		die("memory");
}

static void put(const char *s, size_t n)
{
	wbuf_reserve(n);
	memcpy(wbuf + wlen, s, n);
	wlen += n;
}

static void put_u(unsigned cp)
{
	char esc[8];
	snprintf(esc, sizeof esc, "\\u%04x", cp);
	put(esc, 6);
}

/* Length of the valid UTF-8 sequence at p (as Python's decoder accepts it),
 * 0 when the byte starts none. */
static size_t utf8_len(const unsigned char *p, size_t n, unsigned *cp)
{
	unsigned char c = p[0];
	if (c >= 0xC2 && c <= 0xDF && n >= 2 && (p[1] & 0xC0) == 0x80) {
		*cp = ((c & 0x1Fu) << 6) | (p[1] & 0x3Fu);
		return 2;
	}
	if (c >= 0xE0 && c <= 0xEF && n >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
		if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F))
			return 0; /* overlong, or a surrogate */
		*cp = ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4 && n >= 4 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
	    (p[3] & 0xC0) == 0x80) {
		if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F))
			return 0; /* overlong, or past U+10FFFF */
		*cp = ((c & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
		return 4;
	}
	return 0;
}

static void put_json_string(const unsigned char *p, size_t n)
{
	put("\"", 1);
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		if (c == '"') {
			put("\\\"", 2);
		} else if (c == '\\') {
			put("\\\\", 2);
		} else if (c == '\n') {
			put("\\n", 2);
		} else if (c == '\r') {
			put("\\r", 2);
		} else if (c == '\t') {
			put("\\t", 2);
		} else if (c == '\b') {
			put("\\b", 2);
		} else if (c == '\f') {
			put("\\f", 2);
		} else if (c < 0x20) {
			put_u(c);
		} else if (c < 0x80) {
			put((const char *)&p[i], 1);
		} else {
			unsigned cp;
			size_t len = utf8_len(p + i, n - i, &cp);
			if (len == 0) {
				put_u(0xDC00 | c); /* surrogateescape: the byte itself */
				i++;
				continue;
			}
			if (cp > 0xFFFF) {
				cp -= 0x10000;
				put_u(0xD800 | (cp >> 10));
				put_u(0xDC00 | (cp & 0x3FF));
			} else {
				put_u(cp);
			}
			i += len;
			continue;
		}
		i++;
	}
	put("\"", 1);
}

static void record(const struct output *o, const unsigned char *data, size_t n, const char *when, int eof)
{
	if (cri_path)
		cri_record(o->stream, data, n, when, eof);
	size_t before = wlen;
	put("{\"log\":", 7);
	put_json_string(data, n);
	put(",\"stream\":\"", 11);
	put(o->stream, strlen(o->stream));
	put("\",\"time\":\"", 10);
	put(when, strlen(when));
	put("\"}\n", 3);
	/* Rotation between records: no file passes max-size unless one record does. */
	size_t len = wlen - before;
	if (max_size > 0 && log_size + (long long)before > 0 && log_size + (long long)wlen > max_size) {
		char *rec = malloc(len);
		if (!rec)
			die("memory");
		memcpy(rec, wbuf + before, len);
		wlen = before;
		log_rotate();
		put(rec, len);
		free(rec);
	}
}

static void now_rfc3339(char *out, size_t cap)
{
	struct timespec ts;
	struct tm tm;
	char base[32];
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, cap, "%s.%09ldZ", base, ts.tv_nsec);
}

/* -- attached clients -------------------------------------------------------- */

static void drop_client(int i)
{
	close(clients[i].fd);
	clients[i] = clients[--nclients];
}

static void broadcast(char kind, const unsigned char *data, size_t n)
{
	unsigned char head[5] = {(unsigned char)kind, (unsigned char)(n >> 24), (unsigned char)(n >> 16),
				 (unsigned char)(n >> 8), (unsigned char)n};
	for (int i = 0; i < nclients;) {
		if (send(clients[i].fd, head, 5, MSG_NOSIGNAL) != 5 ||
		    send(clients[i].fd, data, n, MSG_NOSIGNAL) != (ssize_t)n) {
			drop_client(i);
			continue;
		}
		i++;
	}
}

/* A client ended its input: stdin is closed once pending_in is written, so
 * EOF reaches the container after every byte sent before it. */
static int close_in;

static void flush_input(void)
{
	if (stdin_fd < 0)
		return;
	if (pending_in_len) {
		ssize_t n = write(stdin_fd, pending_in, pending_in_len);
		if (n > 0) {
			memmove(pending_in, pending_in + n, pending_in_len - (size_t)n);
			pending_in_len -= (size_t)n;
		} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			pending_in_len = 0; /* the reader is gone */
		}
	}
	if (close_in && !pending_in_len && stdin_fd != pty_fd) {
		close(stdin_fd);
		stdin_fd = -1;
	}
}

static void command(int client, unsigned char kind, const unsigned char *payload, size_t n)
{
	if (kind == 'l') { /* ReopenContainerLog: a new file at the CRI path, and the outcome to the asker */
		char err[4400] = "";
		int e = cri_path ? cri_open() : 0;
		if (!cri_path)
			snprintf(err, sizeof err, "the container has no CRI log path");
		else if (e)
			snprintf(err, sizeof err, "cannot reopen %s: %s", cri_path, strerror(e));
		size_t m = strlen(err);
		unsigned char head[5] = {'L', (unsigned char)(m >> 24), (unsigned char)(m >> 16), (unsigned char)(m >> 8),
					 (unsigned char)m};
		send(clients[client].fd, head, 5, MSG_NOSIGNAL);
		send(clients[client].fd, err, m, MSG_NOSIGNAL);
		return;
	}
	if (kind == 'i' && stdin_fd >= 0) {
		pending_in = realloc(pending_in, pending_in_len + n);
		if (!pending_in)
			die("memory");
		memcpy(pending_in + pending_in_len, payload, n);
		pending_in_len += n;
		flush_input();
	} else if (kind == 'c' && stdin_fd >= 0 && stdin_fd != pty_fd) {
		close_in = 1;
		flush_input();
	} else if (kind == 'r' && pty_fd >= 0) {
		char text[64];
		unsigned rows, cols;
		size_t m = n < sizeof text - 1 ? n : sizeof text - 1;
		memcpy(text, payload, m);
		text[m] = 0;
		if (sscanf(text, "%u %u", &rows, &cols) == 2) {
			struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
			ioctl(pty_fd, TIOCSWINSZ, &ws);
		}
	}
}

static void client_input(int i)
{
	struct client *c = &clients[i];
	ssize_t n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
	if (n <= 0) {
		drop_client(i);
		return;
	}
	c->len += (size_t)n;
	for (;;) {
		if (c->len < 5)
			return;
		size_t len = ((size_t)c->buf[1] << 24) | ((size_t)c->buf[2] << 16) | ((size_t)c->buf[3] << 8) | c->buf[4];
		if (len > READ_SIZE) {
			drop_client(i); /* not a client of ours */
			return;
		}
		if (c->len < 5 + len)
			return;
		command(i, c->buf[0], c->buf + 5, len);
		memmove(c->buf, c->buf + 5 + len, c->len - 5 - len);
		c->len -= 5 + len;
	}
}

static void listen_attach(void)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int dir = open(state_dir, O_PATH | O_CLOEXEC);
	snprintf(attach_path, sizeof attach_path, "%s/attach.sock", state_dir);
	unlink(attach_path);
	/* /proc/self/fd/N/...: under the 108-byte limit whatever the state dir's depth. */
	snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/attach.sock", dir);
	listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(listener, 8) != 0) {
		dprintf(2, "doca-pump: cannot listen on %s: %s\n", attach_path, strerror(errno));
		if (listener >= 0)
			close(listener);
		listener = -1;
	} else {
		chmod(attach_path, 0600);
	}
	if (dir >= 0)
		close(dir);
}

/* -- the container's output -------------------------------------------------- */

/* Adds bytes to the stream's partial line; 16 KiB of one line go out as a record. */
static void append(struct output *o, const unsigned char *p, size_t m, const char *when)
{
	while (m) {
		size_t room = LINE_LIMIT - o->len, k = m < room ? m : room;
		memcpy(o->pending + o->len, p, k);
		o->len += k;
		p += k;
		m -= k;
		if (o->len == LINE_LIMIT) {
			record(o, (unsigned char *)o->pending, o->len, when, 0);
			o->len = 0;
		}
	}
}

static int read_output(struct output *o)
{
	static unsigned char data[READ_SIZE];
	char when[48];
	ssize_t n = read(o->fd, data, sizeof data);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	now_rfc3339(when, sizeof when);
	if (n <= 0) { /* EOF (or EIO from a pty whose other side is gone) */
		if (o->len)
			record(o, (unsigned char *)o->pending, o->len, when, 1);
		o->len = 0;
		return 0;
	}
	broadcast(o->frame_kind, data, (size_t)n);
	size_t start = 0;
	for (size_t i = 0; i < (size_t)n; i++) {
		if (data[i] != '\n')
			continue;
		if (o->len) { /* the end of a line begun in an earlier read */
			append(o, data + start, i + 1 - start, when);
			if (o->len)
				record(o, (unsigned char *)o->pending, o->len, when, 0);
			o->len = 0;
		} else {
			record(o, data + start, i + 1 - start, when, 0);
		}
		start = i + 1;
	}
	append(o, data + start, (size_t)n - start, when); /* a partial line waits for its end */
	return 1;
}

static long long monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void write_exit(int code)
{
	char tmp[4200], final[4200], body[128];
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int len = snprintf(body, sizeof body, "{\"exit_code\": %d, \"finished_at\": %lld.%06ld}", code,
			   (long long)ts.tv_sec, ts.tv_nsec / 1000);
	snprintf(tmp, sizeof tmp, "%s/exit.json.tmp", state_dir);
	snprintf(final, sizeof final, "%s/exit.json", state_dir);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die(tmp);
	if (write(fd, body, (size_t)len) != len || fsync(fd) != 0)
		die(tmp);
	close(fd);
	if (rename(tmp, final) != 0)
		die(final);
}

int main(int argc, char **argv)
{
	if (argc != 10 && argc != 11) {
		dprintf(2, "usage: doca-pump STATE_DIR INIT_PID LOG_PATH MAX_SIZE MAX_FILES OUT ERR IN PTY [CRI_LOG]\n");
		return 2;
	}
	state_dir = argv[1];
	pid_t init = (pid_t)atoi(argv[2]);
	log_path = argv[3];
	max_size = atoll(argv[4]);
	max_files = atoi(argv[5]);
	int out = atoi(argv[6]), err = atoi(argv[7]);
	stdin_fd = atoi(argv[8]);
	pty_fd = atoi(argv[9]);
	if (out >= 0)
		outs[nouts++] = (struct output){.fd = out, .stream = "stdout", .frame_kind = 'o'};
	if (err >= 0)
		outs[nouts++] = (struct output){.fd = err, .stream = "stderr", .frame_kind = 'e'};
	if (pty_fd >= 0) {
		outs[nouts++] = (struct output){.fd = pty_fd, .stream = "stdout", .frame_kind = 'o'};
		stdin_fd = pty_fd;
	}
	if (stdin_fd >= 0 && stdin_fd != pty_fd)
		fcntl(stdin_fd, F_SETFL, fcntl(stdin_fd, F_GETFL) | O_NONBLOCK);
	log_open();
	if (argc == 11 && argv[10][0]) {
		cri_path = argv[10];
		int e = cri_open();
		if (e) /* the container runs all the same; doca's log has its output */
			dprintf(2, "doca-pump: cannot open the CRI log %s: %s\n", cri_path, strerror(e));
	}
	listen_attach();
	int pidfd = (int)syscall(SYS_pidfd_open, init, 0);
	long long deadline = -1;

	while (nouts) {
		struct pollfd pfd[2 + 2 + MAX_CLIENTS + 2];
		int n = 0, out_at = 0, listener_at = -1, clients_at, stdin_at = -1, pid_at = -1;
		for (int i = 0; i < nouts; i++)
			pfd[n++] = (struct pollfd){.fd = outs[i].fd, .events = POLLIN};
		if (listener >= 0) {
			listener_at = n;
			pfd[n++] = (struct pollfd){.fd = listener, .events = POLLIN};
		}
		clients_at = n;
		for (int i = 0; i < nclients; i++)
			pfd[n++] = (struct pollfd){.fd = clients[i].fd, .events = POLLIN};
		if (stdin_fd >= 0 && pending_in_len) {
			stdin_at = n;
			pfd[n++] = (struct pollfd){.fd = stdin_fd, .events = POLLOUT};
		}
		if (pidfd >= 0 && deadline < 0) {
			pid_at = n;
			pfd[n++] = (struct pollfd){.fd = pidfd, .events = POLLIN};
		}
		int timeout = -1;
		if (deadline >= 0) {
			long long left = deadline - monotonic_ms();
			timeout = left > 0 ? (int)left : 0;
		}
		int ready = poll(pfd, (nfds_t)n, timeout);
		if (ready < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (ready == 0 && deadline >= 0)
			break; /* exited, and something still holds an output open: stop waiting */
		if (pid_at >= 0 && pfd[pid_at].revents)
			deadline = monotonic_ms() + DRAIN_MS;
		if (stdin_at >= 0 && pfd[stdin_at].revents)
			flush_input();
		for (int i = nclients - 1; i >= 0; i--)
			if (clients_at + i < n && pfd[clients_at + i].revents)
				client_input(i);
		if (listener_at >= 0 && pfd[listener_at].revents && nclients < MAX_CLIENTS) {
			int c = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
			if (c >= 0)
				clients[nclients++] = (struct client){.fd = c};
		}
		for (int i = nouts - 1; i >= 0; i--) {
			if (!pfd[out_at + i].revents)
				continue;
			if (!read_output(&outs[i])) {
				if (outs[i].fd != pty_fd)
					close(outs[i].fd);
				outs[i] = outs[--nouts];
			}
		}
		log_flush();
		cri_flush();
	}
	log_flush();
	cri_flush();
	int status = 0;
	while (waitpid(init, &status, 0) < 0 && errno == EINTR)
		;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 255;
	while (nclients)
		drop_client(nclients - 1);
	if (listener >= 0) {
		close(listener);
		unlink(attach_path);
	}
	write_exit(code);
	return 0;
}
