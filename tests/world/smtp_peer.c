// SPDX-License-Identifier: MIT
/*
 * smtp_peer: a scripted SMTP server for the mxdiag test world. Each
 * listener plays one misbehaviour (slow greeting, silence, multi-line or
 * over-long banners, 421/554 greetings, no EHLO, ...) that real servers
 * show only rarely, so the SMTP probe can be tested end to end against it.
 * One process, poll() only, and it exits by itself after --lifetime s.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PEER_MAX_LISTENERS 32
#define PEER_MAX_CONNS 128
/* RFC 5321 4.5.3.1.4: a command line is at most 512 octets; we allow
 * 1000 (the text-line limit) and drop the client beyond that. */
#define PEER_LINE_MAX 1000
#define PEER_OUT_MAX 4096
/* Keep this much output space free before answering one more command, so
 * a pipelining client that never reads cannot make a reply not fit. */
#define PEER_REPLY_RESERVE 512
#define PEER_LONGLINE_LEN 2000
#define PEER_DELAY_MS 3000
#define PEER_IDLE_MS 120000
#define PEER_DRAIN_MS 2000
#define PEER_LOG_BYTES 64

enum peer_mode {
	PEER_MODE_NORMAL,
	PEER_MODE_MULTILINE,
	PEER_MODE_DELAY,
	PEER_MODE_SILENT,
	PEER_MODE_CLOSE,
	PEER_MODE_LONGLINE,
	PEER_MODE_REJECT554,
	PEER_MODE_BUSY421,
	PEER_MODE_NOEHLO,
	PEER_MODE_GARBAGE,
	PEER_MODE_NOHOST,
	PEER_MODE_COUNT
};

static const char *const mode_names[PEER_MODE_COUNT] = {
	[PEER_MODE_NORMAL] = "normal",
	[PEER_MODE_MULTILINE] = "multiline",
	[PEER_MODE_DELAY] = "delay",
	[PEER_MODE_SILENT] = "silent",
	[PEER_MODE_CLOSE] = "close",
	[PEER_MODE_LONGLINE] = "longline",
	[PEER_MODE_REJECT554] = "reject554",
	[PEER_MODE_BUSY421] = "busy421",
	[PEER_MODE_NOEHLO] = "noehlo",
	[PEER_MODE_GARBAGE] = "garbage",
	[PEER_MODE_NOHOST] = "nohost",
};

enum conn_state {
	CONN_FREE,          /* slot unused */
	CONN_GREETING_WAIT, /* delay mode: greeting not sent yet */
	CONN_COMMANDS,      /* reading and answering commands */
	CONN_SILENT,        /* reading and discarding, never answering */
	CONN_FLUSHING,      /* last reply queued; half-close once it is out */
	CONN_DRAINING,      /* half-closed; discard input until EOF/timeout */
	CONN_STATE_COUNT
};

static const char *const state_names[CONN_STATE_COUNT] = {
	[CONN_FREE] = "free",
	[CONN_GREETING_WAIT] = "greeting-wait",
	[CONN_COMMANDS] = "commands",
	[CONN_SILENT] = "silent",
	[CONN_FLUSHING] = "flushing",
	[CONN_DRAINING] = "draining",
};

struct listener {
	int fd;
	enum peer_mode mode;
	char addr[64];  /* "127.0.0.10:2525", for logs */
	char host[64];  /* "peer10.example.test" */
};

struct conn {
	enum conn_state state;
	int fd;
	unsigned id;
	const struct listener *l;
	int64_t deadline_ms; /* what happens at it depends on the state */
	char in[PEER_LINE_MAX + 1];
	size_t in_len;
	char out[PEER_OUT_MAX];
	size_t out_off;
	size_t out_len;
};

static struct listener listeners[PEER_MAX_LISTENERS];
static size_t n_listeners;
static struct conn conns[PEER_MAX_CONNS];

/* Returns CLOCK_MONOTONIC in milliseconds. */
static int64_t now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		perror("smtp_peer: clock_gettime");
		exit(2);
	}
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static void log_msg(const char *fmt, ...);

static void log_msg(const char *fmt, ...)
{
	va_list ap;

	fputs("smtp_peer: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Writes at most PEER_LOG_BYTES of untrusted bytes into dst (size dstsz)
 * with everything outside printable ASCII escaped; always NUL-terminates. */
static void escape_bytes(char *dst, size_t dstsz, const char *src, size_t len)
{
	size_t o = 0;
	size_t i;

	for (i = 0; i < len && i < PEER_LOG_BYTES && o + 5 < dstsz; i++) {
		unsigned char ch = (unsigned char)src[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			dst[o++] = (char)ch;
		else
			o += (size_t)snprintf(dst + o, dstsz - o, "\\x%02x", ch);
	}
	if (i < len && o + 4 < dstsz) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
}

static void set_state(struct conn *c, enum conn_state next)
{
	log_msg("[%u] %s -> %s", c->id, state_names[c->state], state_names[next]);
	c->state = next;
}

static void conn_free(struct conn *c, const char *why)
{
	log_msg("[%u] closed (%s)", c->id, why);
	close(c->fd);
	c->fd = -1;
	c->state = CONN_FREE;
}

/* Appends text to the output buffer. Returns false (and queues nothing)
 * when it does not fit; the caller then drops the connection. */
static bool conn_queue(struct conn *c, const char *text)
{
	size_t len = strlen(text);

	if (c->out_off > 0 && c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	if (len > sizeof(c->out) - c->out_len)
		return false;
	memcpy(c->out + c->out_len, text, len);
	c->out_len += len;
	return true;
}

/* Queues one reply and, when last is set, moves to FLUSHING so the
 * connection half-closes after it. Returns false if the connection was
 * freed because the reply did not fit. */
static bool conn_reply(struct conn *c, const char *text, bool last)
{
	if (!conn_queue(c, text)) {
		conn_free(c, "output buffer full");
		return false;
	}
	if (last)
		set_state(c, CONN_FLUSHING);
	return true;
}

/* Sends what is queued. Returns false if the connection was freed. */
static bool conn_flush(struct conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off,
		    c->out_len - c->out_off, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return true;
			conn_free(c, strerror(errno));
			return false;
		}
		c->out_off += (size_t)n;
	}
	c->out_off = c->out_len = 0;
	if (c->state == CONN_FLUSHING) {
		/* Half-close and keep reading: closing with unread input
		 * would make the kernel send RST, and the client could lose
		 * the reply we just sent. */
		shutdown(c->fd, SHUT_WR);
		c->deadline_ms = now_ms() + PEER_DRAIN_MS;
		set_state(c, CONN_DRAINING);
	}
	return true;
}

static void conn_greet(struct conn *c)
{
	const struct listener *l = c->l;
	char buf[PEER_LONGLINE_LEN + 16];

	switch (l->mode) {
	case PEER_MODE_NORMAL:
		snprintf(buf, sizeof(buf), "220 %s ESMTP mxdiag-peer\r\n", l->host);
		break;
	case PEER_MODE_MULTILINE:
		snprintf(buf, sizeof(buf), "220-%s ESMTP first line\r\n"
		    "220-second line\r\n220 third line\r\n", l->host);
		break;
	case PEER_MODE_DELAY:
	case PEER_MODE_NOEHLO:
		snprintf(buf, sizeof(buf), "220 %s ESMTP\r\n", l->host);
		break;
	case PEER_MODE_LONGLINE:
		memcpy(buf, "220 ", 4);
		memset(buf + 4, 'x', PEER_LONGLINE_LEN);
		memcpy(buf + 4 + PEER_LONGLINE_LEN, "\r\n", 3);
		break;
	case PEER_MODE_REJECT554:
		snprintf(buf, sizeof(buf), "554 5.7.1 %s No SMTP service here\r\n",
		    l->host);
		break;
	case PEER_MODE_BUSY421:
		snprintf(buf, sizeof(buf), "421 4.3.2 %s Service not available\r\n",
		    l->host);
		conn_reply(c, buf, true);
		return;
	case PEER_MODE_GARBAGE:
		snprintf(buf, sizeof(buf), "2x0 hello\r\n");
		break;
	case PEER_MODE_NOHOST:
		snprintf(buf, sizeof(buf), "220 ESMTP service ready\r\n");
		break;
	case PEER_MODE_SILENT:
	case PEER_MODE_CLOSE:
	case PEER_MODE_COUNT:
	default:
		log_msg("[%u] BUG: greeting for mode %d", c->id, (int)l->mode);
		abort();
	}
	if (conn_reply(c, buf, false))
		set_state(c, CONN_COMMANDS);
}

/* True if line starts with the 4-letter verb followed by end or space. */
static bool is_verb(const char *line, const char *verb)
{
	return strncasecmp(line, verb, 4) == 0 &&
	    (line[4] == '\0' || line[4] == ' ');
}

/* Answers one command line (CRLF stripped, NUL-terminated). Returns false
 * if the connection was freed. */
static bool conn_command(struct conn *c, const char *line)
{
	const struct listener *l = c->l;
	char buf[256];
	char esc[PEER_LOG_BYTES * 4 + 8];

	escape_bytes(esc, sizeof(esc), line, strlen(line));
	log_msg("[%u] <- %s", c->id, esc);

	if (is_verb(line, "QUIT"))
		return conn_reply(c, "221 2.0.0 Bye\r\n", true);
	if (l->mode == PEER_MODE_REJECT554) {
		/* RFC 5321 3.1: after a 554 greeting only QUIT is served. */
		return conn_reply(c, "503 5.5.1 No SMTP service here\r\n", false);
	}
	if (is_verb(line, "EHLO")) {
		switch (l->mode) {
		case PEER_MODE_NOEHLO:
			snprintf(buf, sizeof(buf),
			    "502 5.5.2 Error: command not recognized\r\n");
			break;
		case PEER_MODE_NOHOST:
			snprintf(buf, sizeof(buf), "250-%s\r\n250 8BITMIME\r\n",
			    l->host);
			break;
		case PEER_MODE_MULTILINE:
			snprintf(buf, sizeof(buf), "250-%s\r\n250-PIPELINING\r\n"
			    "250 SIZE 10240000\r\n", l->host);
			break;
		default:
			snprintf(buf, sizeof(buf), "250-%s\r\n250-PIPELINING\r\n"
			    "250 STARTTLS\r\n", l->host);
			break;
		}
		return conn_reply(c, buf, false);
	}
	if (is_verb(line, "HELO")) {
		snprintf(buf, sizeof(buf), "250 %s\r\n", l->host);
		return conn_reply(c, buf, false);
	}
	if (is_verb(line, "NOOP") || is_verb(line, "RSET"))
		return conn_reply(c, "250 2.0.0 Ok\r\n", false);
	if (strcasecmp(line, "STARTTLS") == 0 && l->mode != PEER_MODE_NOEHLO &&
	    l->mode != PEER_MODE_NOHOST && l->mode != PEER_MODE_MULTILINE) {
		/* Advertised but never offered: what a server with a broken
		 * certificate setup answers (RFC 3207 section 4). Modes whose
		 * EHLO does not offer STARTTLS fall through to 502. */
		return conn_reply(c,
		    "454 4.7.0 TLS not available due to local problem\r\n", false);
	}
	return conn_reply(c, "502 5.5.2 not recognized\r\n", false);
}

/* Answers every complete line in the input buffer while output space
 * lasts. Returns false if the connection was freed. */
static bool conn_process_input(struct conn *c)
{
	while (c->state == CONN_COMMANDS &&
	    c->out_len + PEER_REPLY_RESERVE <= sizeof(c->out)) {
		char *nl = memchr(c->in, '\n', c->in_len);
		size_t used;
		size_t len;

		if (nl == NULL) {
			if (c->in_len >= PEER_LINE_MAX)
				return conn_reply(c,
				    "500 5.5.0 Line too long\r\n", true);
			return true;
		}
		used = (size_t)(nl - c->in) + 1;
		len = used - 1;
		if (len > 0 && c->in[len - 1] == '\r')
			len--;
		c->in[len] = '\0';
		if (memchr(c->in, '\0', len) != NULL) {
			/* Never let an embedded NUL cut a command short. */
			if (!conn_reply(c, "500 5.5.2 NUL in command\r\n", false))
				return false;
		} else if (!conn_command(c, c->in)) {
			return false;
		}
		memmove(c->in, c->in + used, c->in_len - used);
		c->in_len -= used;
	}
	return true;
}

/* Handles readable input. Returns false if the connection was freed. */
static bool conn_read(struct conn *c)
{
	char scratch[4096];
	char *dst = scratch;
	size_t room = sizeof(scratch);
	ssize_t n;

	if (c->state == CONN_COMMANDS) {
		dst = c->in + c->in_len;
		room = PEER_LINE_MAX - c->in_len;
		if (room == 0)
			return conn_process_input(c);
	}
	n = recv(c->fd, dst, room, 0);
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return true;
		conn_free(c, strerror(errno));
		return false;
	}
	if (n == 0) {
		conn_free(c, "eof from client");
		return false;
	}
	c->deadline_ms = now_ms() + PEER_IDLE_MS;

	switch (c->state) {
	case CONN_GREETING_WAIT:
		/* Like postscreen's pregreet test: talking first is fatal. */
		log_msg("[%u] early talker", c->id);
		return conn_reply(c, "554 5.5.1 Error: early talker\r\n", true);
	case CONN_COMMANDS:
		c->in_len += (size_t)n;
		return conn_process_input(c);
	case CONN_SILENT:
	case CONN_FLUSHING:
	case CONN_DRAINING:
		return true; /* discarded */
	case CONN_FREE:
	case CONN_STATE_COUNT:
	default:
		log_msg("[%u] BUG: read in state %d", c->id, (int)c->state);
		abort();
	}
}

/* Called when the connection's deadline passes. */
static void conn_timeout(struct conn *c)
{
	switch (c->state) {
	case CONN_GREETING_WAIT:
		c->deadline_ms = now_ms() + PEER_IDLE_MS;
		conn_greet(c);
		break;
	case CONN_COMMANDS:
	case CONN_SILENT:
	case CONN_FLUSHING:
		conn_free(c, "idle timeout");
		break;
	case CONN_DRAINING:
		conn_free(c, "drained");
		break;
	case CONN_FREE:
	case CONN_STATE_COUNT:
	default:
		log_msg("[%u] BUG: timeout in state %d", c->id, (int)c->state);
		abort();
	}
}

static void listener_accept(const struct listener *l)
{
	static unsigned next_id = 1;
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	char ip[INET_ADDRSTRLEN] = "?";
	struct conn *c = NULL;
	int fd;
	size_t i;

	fd = accept(l->fd, (struct sockaddr *)&sin, &slen);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
		    errno != ECONNABORTED)
			log_msg("accept on %s: %s", l->addr, strerror(errno));
		return;
	}
	inet_ntop(AF_INET, &sin.sin_addr, ip, sizeof(ip));
	if (l->mode == PEER_MODE_CLOSE) {
		log_msg("%s: connection from %s closed at once (mode close)",
		    l->addr, ip);
		close(fd);
		return;
	}
	for (i = 0; i < PEER_MAX_CONNS; i++) {
		if (conns[i].state == CONN_FREE) {
			c = &conns[i];
			break;
		}
	}
	if (c == NULL || fcntl(fd, F_SETFL, O_NONBLOCK) != 0) {
		log_msg("%s: connection from %s dropped (%s)", l->addr, ip,
		    c == NULL ? "too many connections" : strerror(errno));
		close(fd);
		return;
	}
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->id = next_id++;
	c->l = l;
	c->state = CONN_FREE;
	log_msg("[%u] %s: connection from %s:%u, mode %s", c->id, l->addr, ip,
	    (unsigned)ntohs(sin.sin_port), mode_names[l->mode]);

	switch (l->mode) {
	case PEER_MODE_DELAY:
		c->deadline_ms = now_ms() + PEER_DELAY_MS;
		set_state(c, CONN_GREETING_WAIT);
		break;
	case PEER_MODE_SILENT:
		c->deadline_ms = now_ms() + PEER_IDLE_MS;
		set_state(c, CONN_SILENT);
		break;
	default:
		c->deadline_ms = now_ms() + PEER_IDLE_MS;
		conn_greet(c);
		if (c->state != CONN_FREE)
			conn_flush(c);
		break;
	}
}

/* Parses "A.B.C.D:PORT" and binds a listener on it. Returns false with a
 * message on stderr on any error. */
static bool listener_open(struct listener *l, const char *spec)
{
	struct sockaddr_in sin;
	char ip[INET_ADDRSTRLEN];
	const char *colon = strrchr(spec, ':');
	char *end = NULL;
	unsigned long port;
	size_t iplen;
	int one = 1;
	uint32_t a;

	if (colon == NULL || (iplen = (size_t)(colon - spec)) >= sizeof(ip)) {
		log_msg("bad --listen '%s' (want A.B.C.D:PORT)", spec);
		return false;
	}
	memcpy(ip, spec, iplen);
	ip[iplen] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (inet_pton(AF_INET, ip, &sin.sin_addr) != 1 || errno != 0 ||
	    end == colon + 1 || *end != '\0' || port == 0 || port > 65535) {
		log_msg("bad --listen '%s' (want A.B.C.D:PORT)", spec);
		return false;
	}
	sin.sin_port = htons((uint16_t)port);
	a = ntohl(sin.sin_addr.s_addr);
	if ((a >> 24) != 127) {
		log_msg("refusing %s: the test world listens on 127/8 only", spec);
		return false;
	}
	snprintf(l->addr, sizeof(l->addr), "%s:%lu", ip, port);
	snprintf(l->host, sizeof(l->host), "peer%u.example.test",
	    (unsigned)(a & 0xff));

	l->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (l->fd < 0 ||
	    setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    fcntl(l->fd, F_SETFL, O_NONBLOCK) != 0 ||
	    bind(l->fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(l->fd, 16) != 0) {
		log_msg("listen on %s: %s", l->addr, strerror(errno));
		return false;
	}
	return true;
}

static void usage(FILE *f)
{
	size_t i;

	fputs("usage: smtp_peer --listen A.B.C.D:PORT --mode MODE"
	    " [--listen ... --mode ...]... [--lifetime SECONDS]\nmodes:", f);
	for (i = 0; i < PEER_MODE_COUNT; i++)
		fprintf(f, " %s", mode_names[i]);
	fputs("\n", f);
}

static bool parse_mode(const char *s, enum peer_mode *out)
{
	size_t i;

	for (i = 0; i < PEER_MODE_COUNT; i++) {
		if (strcmp(s, mode_names[i]) == 0) {
			*out = (enum peer_mode)i;
			return true;
		}
	}
	return false;
}

int main(int argc, char **argv)
{
	struct pollfd pfd[PEER_MAX_LISTENERS + PEER_MAX_CONNS];
	struct conn *pconn[PEER_MAX_LISTENERS + PEER_MAX_CONNS];
	long lifetime_s = 600;
	bool mode_missing = false;
	int64_t end_ms;
	int i;

	for (i = 1; i < argc; i++) {
		const char *opt = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (val == NULL) {
			usage(stderr);
			return 2;
		}
		i++;
		if (strcmp(opt, "--listen") == 0) {
			if (mode_missing || n_listeners == PEER_MAX_LISTENERS) {
				log_msg(mode_missing ? "--listen without --mode" :
				    "too many listeners");
				return 2;
			}
			if (!listener_open(&listeners[n_listeners], val))
				return 1;
			n_listeners++;
			mode_missing = true;
		} else if (strcmp(opt, "--mode") == 0) {
			if (!mode_missing) {
				log_msg("--mode must follow its --listen");
				return 2;
			}
			if (!parse_mode(val, &listeners[n_listeners - 1].mode)) {
				log_msg("unknown mode '%s'", val);
				usage(stderr);
				return 2;
			}
			mode_missing = false;
		} else if (strcmp(opt, "--lifetime") == 0) {
			char *end = NULL;

			errno = 0;
			lifetime_s = strtol(val, &end, 10);
			if (errno != 0 || *end != '\0' || lifetime_s <= 0 ||
			    lifetime_s > 7 * 86400) {
				log_msg("bad --lifetime '%s'", val);
				return 2;
			}
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (n_listeners == 0 || mode_missing) {
		usage(stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	for (size_t k = 0; k < n_listeners; k++)
		log_msg("listening on %s as %s, mode %s", listeners[k].addr,
		    listeners[k].host, mode_names[listeners[k].mode]);
	end_ms = now_ms() + (int64_t)lifetime_s * 1000;

	for (;;) {
		int64_t now = now_ms();
		int64_t wake = end_ms;
		nfds_t n = 0;
		int timeout;
		int rc;

		if (now >= end_ms) {
			log_msg("lifetime of %ld s over, exiting", lifetime_s);
			return 0;
		}
		for (size_t k = 0; k < n_listeners; k++) {
			pfd[n] = (struct pollfd){ .fd = listeners[k].fd, .events = POLLIN };
			pconn[n++] = NULL;
		}
		for (size_t k = 0; k < PEER_MAX_CONNS; k++) {
			struct conn *c = &conns[k];
			short ev = 0;

			if (c->state == CONN_FREE)
				continue;
			if (c->deadline_ms <= now) {
				conn_timeout(c);
				if (c->state == CONN_FREE)
					continue;
			}
			/* Stop reading a command stream while replies pile
			 * up: back-pressure instead of an unbounded buffer. */
			if (c->state != CONN_COMMANDS ||
			    c->out_len + PEER_REPLY_RESERVE <= sizeof(c->out))
				ev |= POLLIN;
			if (c->out_off < c->out_len)
				ev |= POLLOUT;
			if (c->deadline_ms < wake)
				wake = c->deadline_ms;
			pfd[n] = (struct pollfd){ .fd = c->fd, .events = ev };
			pconn[n++] = c;
		}
		timeout = wake <= now ? 0 : (int)(wake - now);
		rc = poll(pfd, n, timeout);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			perror("smtp_peer: poll");
			return 1;
		}
		for (nfds_t k = 0; k < n; k++) {
			struct conn *c = pconn[k];

			if (pfd[k].revents == 0)
				continue;
			if (c == NULL) {
				listener_accept(&listeners[k]);
				continue;
			}
			if (pfd[k].revents & (POLLERR | POLLNVAL)) {
				conn_free(c, "socket error");
				continue;
			}
			if ((pfd[k].revents & POLLOUT) && !conn_flush(c))
				continue;
			if ((pfd[k].revents & (POLLIN | POLLHUP)) && !conn_read(c))
				continue;
			/* Replies queued by the read, or input parked by
			 * back-pressure: push them on now. */
			if (c->state != CONN_FREE && !conn_process_input(c))
				continue;
			if (c->state != CONN_FREE && c->out_off < c->out_len)
				conn_flush(c);
		}
	}
}
