/* doca: the CLI's front door (make installs it as .venv/bin/doca).
 *
 * A CLI call is ~2.5 ms of CPU in a process forked from one that has the
 * CLI's modules imported already, and ~11 ms when a Python starts for it.
 * So this program hands its call to the stack's CLI fork server
 * (gateway/cli/launch/forkserver.py, <run dir>/cli.sock, next to the gateway's
 * socket that DOCA_HOST names): argv, environment, umask, and its stdin,
 * stdout, stderr and working directory as descriptors. The server forks a
 * worker that runs the CLI with them; this process forwards the signals it
 * gets to the worker and exits as the worker did.
 *
 * Everything else runs the Python CLI in this process (execv of doca-py,
 * beside this binary): no server (a tcp:// host, the stack is down, the
 * socket is not ours to use or not root's), global options before the verb,
 * `daemon` and `login` (OWN_PROCESS), descriptors above 2 to pass on
 * (`--env-file <(...)`, /dev/fd/N), DOCA_CLI_SERVER=0, a refusal from the
 * server or a connection closed before the worker took the call. The protocol is in
 * gateway/cli/launch/protocol.py.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

extern char **environ;

#define DEFAULT_HOST "unix:///run/doca/doca.sock"
#define SERVER_SOCKET "cli.sock"
#define MAX_REQUEST (1 << 20)

/* The signals a terminal or a supervisor sends to a CLI: passed on.
 * SIGTSTP (Ctrl-Z) stops the worker, then this process; SIGCONT resumes it. */
static const int FORWARDED[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH, SIGUSR1, SIGUSR2, SIGALRM,
                                SIGTSTP, SIGCONT};

static char **g_argv;

static void fall_back(void) {
    char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - sizeof "doca-py");
    if (n > 0) {
        path[n] = 0;
        char *slash = strrchr(path, '/');
        strcpy(slash + 1, "doca-py");
        execv(path, g_argv);
    }
    fprintf(stderr, "doca: cannot start the CLI (%s): %s\n", n > 0 ? path : "doca-py", strerror(errno));
    exit(125);
}

/* <dir of the gateway's unix socket>/cli.sock, or 0 when there is none. */
static int server_address(struct sockaddr_un *addr) {
    const char *host = getenv("DOCA_HOST");
    if (!host || !*host)
        host = DEFAULT_HOST;
    if (strncmp(host, "unix://", 7) != 0)
        return 0;
    const char *path = host + 7, *slash = strrchr(path, '/');
    if (!slash)
        return 0;
    int dir = (int)(slash - path);
    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    int len = snprintf(addr->sun_path, sizeof addr->sun_path, "%.*s/%s", dir, path, SERVER_SOCKET);
    return len > 0 && (size_t)len < sizeof addr->sun_path;
}

/* Verbs that need a process of their own: `daemon` becomes the stack;
 * `login` asks for a password on the controlling terminal (/dev/tty), which
 * a worker, in the server's session, does not have. */
static const char *OWN_PROCESS[] = {"daemon", "login"};

/* An inherited descriptor above 2 (a /dev/fd/N argument): only a process
 * of our own has it. */
static int other_fds(void) {
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return 1;
    int found = 0, self = dirfd(d);
    struct dirent *e;
    while (!found && (e = readdir(d))) {
        int fd = atoi(e->d_name);
        if (e->d_name[0] == '.' || fd <= 2 || fd == self)
            continue;
        int flags = fcntl(fd, F_GETFD);
        found = flags >= 0 && !(flags & FD_CLOEXEC);
    }
    closedir(d);
    return found;
}

/* The server is root's (or ours): DOCA_HOST may name a directory others can write. */
static int trusted(int sock) {
    struct ucred cred;
    socklen_t len = sizeof cred;
    return getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
           (cred.uid == 0 || cred.uid == geteuid());
}

static int wanted(int argc, char **argv) {
    const char *off = getenv("DOCA_CLI_SERVER");
    if ((off && strcmp(off, "0") == 0) || argc < 2)
        return 0;
    /* the verb must come first: global options (-H, --tls...) are the Python CLI's to read */
    if (argv[1][0] == '-')
        return 0;
    for (size_t i = 0; i < sizeof OWN_PROCESS / sizeof *OWN_PROCESS; i++)
        if (strcmp(argv[1], OWN_PROCESS[i]) == 0)
            return 0;
    return 1;
}

/* "1\0UMASK\0ARGC\0ARG...\0ENV...\0" */
static char *request(int argc, char **argv, size_t *size) {
    size_t cap = 64;
    for (int i = 1; i < argc; i++)
        cap += strlen(argv[i]) + 1;
    for (char **e = environ; *e; e++)
        cap += strlen(*e) + 1;
    if (cap > MAX_REQUEST)
        return NULL;
    char *buf = malloc(cap), *p = buf;
    if (!buf)
        return NULL;
    mode_t mask = umask(0);
    umask(mask);
    p += sprintf(p, "1%c%o%c%d", 0, (unsigned)mask, 0, argc - 1) + 1;
    for (int i = 1; i < argc; i++)
        p = stpcpy(p, argv[i]) + 1;
    for (char **e = environ; *e; e++)
        p = stpcpy(p, *e) + 1;
    *size = (size_t)(p - buf);
    return buf;
}

static int send_request(int sock, const char *buf, size_t size, const int fds[4]) {
    char control[CMSG_SPACE(4 * sizeof(int))];
    memset(control, 0, sizeof control);
    struct iovec iov = {.iov_base = (void *)buf, .iov_len = size};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(4 * sizeof(int));
    memcpy(CMSG_DATA(c), fds, 4 * sizeof(int));
    int size_wanted = (int)size + 4096;
    if (size_wanted > 200000)  /* past the default limit: root may raise it */
        setsockopt(sock, SOL_SOCKET, SO_SNDBUFFORCE, &size_wanted, sizeof size_wanted);
    return sendmsg(sock, &msg, MSG_NOSIGNAL) == (ssize_t)size ? 0 : -1;
}

static void die_like(int sig) {
    fflush(stdout);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    _exit(128 + sig);
}

int main(int argc, char **argv) {
    g_argv = argv;
    struct sockaddr_un addr;
    if (!wanted(argc, argv) || !server_address(&addr))
        fall_back();
    for (int fd = 0; fd < 3; fd++)
        if (fcntl(fd, F_GETFD) < 0)  /* a closed stdio: the Python CLI knows what to do */
            fall_back();
    if (other_fds())
        fall_back();
    int sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (sock < 0 || connect(sock, (struct sockaddr *)&addr, sizeof addr) < 0 || !trusted(sock))
        fall_back();
    int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (cwd < 0)
        fall_back();
    size_t size;
    char *buf = request(argc, argv, &size);
    if (!buf)
        fall_back();

    /* From here the worker owns the call: our signals go to it. */
    sigset_t set, old;
    sigemptyset(&set);
    for (size_t i = 0; i < sizeof FORWARDED / sizeof *FORWARDED; i++)
        sigaddset(&set, FORWARDED[i]);
    sigprocmask(SIG_BLOCK, &set, &old);
    int sigfd = signalfd(-1, &set, SFD_CLOEXEC);
    int fds[4] = {0, 1, 2, cwd};
    if (sigfd < 0 || send_request(sock, buf, size, fds) < 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        fall_back();
    }
    free(buf);
    close(cwd);

    int last_forwarded = 0, accepted = 0;
    pid_t worker = 0;  /* from "A<pid>": stopped and continued directly (a stopped process reads no message) */
    struct pollfd pfd[2] = {{.fd = sock, .events = POLLIN}, {.fd = sigfd, .events = POLLIN}};
    for (;;) {
        if (poll(pfd, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (pfd[1].revents & POLLIN) {
            struct signalfd_siginfo si;
            if (read(sigfd, &si, sizeof si) == sizeof si) {
                int sig = (int)si.ssi_signo;
                if (sig == SIGTSTP || sig == SIGCONT) {
                    if (worker > 0)
                        kill(worker, sig == SIGTSTP ? SIGSTOP : SIGCONT);
                    if (sig == SIGTSTP)
                        raise(SIGSTOP);  /* the shell sees us stopped; its SIGCONT comes back here */
                    continue;
                }
                char msg[16];
                int n = snprintf(msg, sizeof msg, "S%d", sig);
                send(sock, msg, (size_t)n, MSG_NOSIGNAL);
                if (sig != SIGWINCH)
                    last_forwarded = sig;
            }
        }
        if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            char msg[32];
            ssize_t n = recv(sock, msg, sizeof msg - 1, 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            msg[n] = 0;
            if (msg[0] == 'A') {  /* the worker has the call */
                accepted = 1;
                worker = (pid_t)atoi(msg + 1);
                continue;
            }
            if ((msg[0] == 'X' || msg[0] == 'K') && !accepted)  /* its worker died before taking it */
                break;
            if (msg[0] == 'X')
                exit(atoi(msg + 1));
            if (msg[0] == 'K')
                die_like(atoi(msg + 1));
            if (msg[0] == 'R' && n == 1)  /* refused before anything ran */
                break;
        }
    }
    if (!accepted) {  /* no worker ever had the call: run it here */
        close(sock);
        close(sigfd);
        sigprocmask(SIG_SETMASK, &old, NULL);
        fall_back();
    }
    /* The server and the worker are gone without a word. */
    if (last_forwarded)
        die_like(last_forwarded);
    fprintf(stderr, "doca: the CLI server went away before the command ended\n");
    return 125;
}
