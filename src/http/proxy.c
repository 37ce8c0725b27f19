#include "http/proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* An address as family and bytes; an IPv4-mapped IPv6 address becomes IPv4. */
typedef struct ip {
	int family;
	uint8_t b[16];
} ip;

static const uint8_t v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static void unmap(ip *a)
{
	if (a->family == AF_INET6 && !memcmp(a->b, v4_mapped, 12)) {
		memmove(a->b, a->b + 12, 4);
		memset(a->b + 4, 0, 12);
		a->family = AF_INET;
	}
}

/* text (NUL-terminated) as an address: IPv4 or IPv6 only, no zone, no port. */
static bool parse_ip(const char *text, ip *a)
{
	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, text, a->b) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, text, a->b) == 1)
		a->family = AF_INET6;
	else
		return false;
	unmap(a);
	return true;
}

static bool from_sockaddr(const struct sockaddr *sa, ip *a)
{
	memset(a, 0, sizeof *a);
	if (!sa)
		return false;
	if (sa->sa_family == AF_INET) {
		a->family = AF_INET;
		memcpy(a->b, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		a->family = AF_INET6;
		memcpy(a->b, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		unmap(a);
	} else {
		return false;
	}
	return true;
}

static void ip_text(const ip *a, char *out, size_t n)
{
	if (!inet_ntop(a->family, a->b, out, (socklen_t)n))
		snprintf(out, n, "unknown");
}

static bool in_range(const proxy_range *r, const ip *a)
{
	if (r->family != a->family)
		return false;
	int full = r->prefix / 8, rest = r->prefix % 8;
	if (memcmp(r->addr, a->b, (size_t)full))
		return false;
	if (!rest)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (r->addr[full] & mask) == (a->b[full] & mask);
}

static bool trusted(const proxy_list *l, const ip *a)
{
	for (size_t i = 0; i < l->n; i++)
		if (in_range(&l->range[i], a))
			return true;
	return false;
}

bool proxy_trusted(const proxy_list *l, const struct sockaddr *peer)
{
	ip a;
	return l && from_sockaddr(peer, &a) && trusted(l, &a);
}

/* One CIDR, len bytes at s (not NUL-terminated). */
static int parse_range(const char *s, size_t len, proxy_range *r, char *msg, size_t msg_size)
{
	char text[PROXY_ADDR_MAX];
	if (len == 0) {
		snprintf(msg, msg_size, "--trusted-proxy: an empty entry (CIDR[,CIDR...])");
		return -1;
	}
	if (len >= sizeof text) {
		snprintf(msg, msg_size, "--trusted-proxy: an entry of %zu bytes is not a CIDR",
			 len);
		return -1;
	}
	memcpy(text, s, len);
	text[len] = '\0';
	char *slash = strchr(text, '/');
	if (slash)
		*slash = '\0';
	ip a;
	if (!parse_ip(text, &a)) {
		if (slash)
			*slash = '/';
		snprintf(msg, msg_size,
			 "--trusted-proxy: \"%s\" is not an IPv4 or IPv6 address or CIDR", text);
		return -1;
	}
	int max = a.family == AF_INET ? 32 : 128;
	/* A mapped address written in IPv6 form keeps its IPv6 prefix length, less 96. */
	bool mapped = a.family == AF_INET && strchr(text, ':');
	int prefix = max;
	if (slash) {
		const char *p = slash + 1;
		*slash = '/';
		int v = 0;
		size_t digits = 0;
		for (; *p >= '0' && *p <= '9' && digits < 4; p++, digits++)
			v = v * 10 + (*p - '0');
		int limit = mapped ? 128 : max;
		if (!digits || *p || v > limit || (mapped && v < 96)) {
			snprintf(msg, msg_size,
				 "--trusted-proxy: \"%s\": the prefix length must be %d..%d", text,
				 mapped ? 96 : 0, limit);
			return -1;
		}
		prefix = mapped ? v - 96 : v;
	}
	*r = (proxy_range){.family = a.family, .prefix = prefix};
	memcpy(r->addr, a.b, sizeof r->addr);
	/* Bits set past the prefix are most likely a typo (10.1.2.3/8 for 10.0.0.0/8). */
	for (int bit = prefix; bit < max; bit++) {
		if (a.b[bit / 8] & (0x80 >> (bit % 8))) {
			snprintf(msg, msg_size,
				 "--trusted-proxy: \"%s\" has address bits set past its /%d prefix",
				 text, slash ? (mapped ? prefix + 96 : prefix) : max);
			return -1;
		}
	}
	return 0;
}

int proxy_parse(const char *spec, proxy_list *out, char *msg, size_t msg_size)
{
	memset(out, 0, sizeof *out);
	if (!spec || !*spec) {
		snprintf(msg, msg_size, "--trusted-proxy: expected CIDR[,CIDR...]");
		return -1;
	}
	const char *p = spec;
	for (;;) {
		while (*p == ' ')
			p++;
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		while (len && p[len - 1] == ' ')
			len--;
		if (out->n == PROXY_MAX_RANGES) {
			snprintf(msg, msg_size, "--trusted-proxy: at most %d ranges",
				 PROXY_MAX_RANGES);
			return -1;
		}
		if (parse_range(p, len, &out->range[out->n], msg, msg_size) < 0) {
			memset(out, 0, sizeof *out);
			return -1;
		}
		out->n++;
		if (!end)
			return 0;
		p = end + 1;
	}
}

/* One X-Forwarded-For entry, len bytes at s, spaces trimmed: "addr", "[v6]", "[v6]:port"
 * or "v4:port" (some fronts add the port). */
static bool parse_entry(const char *s, size_t len, ip *a)
{
	char text[PROXY_ADDR_MAX];
	if (len == 0 || len >= sizeof text)
		return false;
	memcpy(text, s, len);
	text[len] = '\0';
	char *addr = text;
	if (text[0] == '[') {
		char *close = strchr(text, ']');
		if (!close)
			return false;
		*close = '\0';
		const char *after = close + 1;
		if (*after == ':') {
			after++;
			if (!*after || strspn(after, "0123456789") != strlen(after) ||
			    strlen(after) > 5)
				return false;
		} else if (*after) {
			return false;
		}
		addr = text + 1;
		return parse_ip(addr, a) && strchr(addr, ':');
	}
	char *colon = strchr(text, ':');
	if (colon && !strchr(colon + 1, ':')) { /* one colon: IPv4 with a port */
		const char *port = colon + 1;
		if (!*port || strspn(port, "0123456789") != strlen(port) || strlen(port) > 5)
			return false;
		*colon = '\0';
		return parse_ip(text, a) && a->family == AF_INET;
	}
	return parse_ip(addr, a);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

void proxy_client(const proxy_list *l, const struct sockaddr *peer, const char *const *xff,
		  size_t nxff, char *out, size_t out_size)
{
	ip client;
	if (!from_sockaddr(peer, &client)) {
		snprintf(out, out_size, "unknown");
		return;
	}
	if (!l || !l->n || !trusted(l, &client)) {
		ip_text(&client, out, out_size);
		return;
	}
	/* client: the last trusted hop so far. Entries from the right, across the header
	 * lines from the last one. */
	int hops = 0;
	for (size_t h = nxff; h-- > 0 && hops < PROXY_MAX_HOPS;) {
		const char *line = xff[h];
		if (!line)
			continue;
		size_t end = strlen(line);
		while (hops < PROXY_MAX_HOPS) {
			size_t start = end;
			while (start > 0 && line[start - 1] != ',')
				start--;
			size_t a = start, b = end;
			while (a < b && is_space(line[a]))
				a++;
			while (b > a && is_space(line[b - 1]))
				b--;
			if (b > a) { /* an empty list element carries nothing */
				hops++;
				ip e;
				if (!parse_entry(line + a, b - a, &e))
					goto done;
				client = e;
				if (!trusted(l, &e))
					goto done;
			}
			if (start == 0)
				break;
			end = start - 1;
		}
	}
done:
	ip_text(&client, out, out_size);
}
