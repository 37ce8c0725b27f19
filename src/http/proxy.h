#pragma once
/* The client's address behind a trusted front (serve --trusted-proxy).
 *
 * yiwang behind HAProxy or nginx sees the front as the socket's peer. When that peer lies
 * in a trusted range, the client's address is the right-most X-Forwarded-For entry that is
 * not itself trusted: each trusted hop appended the address it saw, so walking from the
 * right past trusted hops reaches the first address no trusted hop vouches for beyond. An
 * untrusted peer's X-Forwarded-For is ignored (anyone may send the header). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sockaddr;

#define PROXY_MAX_RANGES 32 /* ranges in --trusted-proxy */
#define PROXY_MAX_HOPS 32   /* X-Forwarded-For entries examined, from the right */
#define PROXY_MAX_HEADERS 8 /* X-Forwarded-For header lines kept (the last ones) */
#define PROXY_ADDR_MAX 64   /* the text of an address, with its NUL */

typedef struct proxy_range {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	int prefix;
} proxy_range;

typedef struct proxy_list {
	proxy_range range[PROXY_MAX_RANGES];
	size_t n; /* 0: no proxy is trusted */
} proxy_list;

/* Parses "CIDR[,CIDR...]" (IPv4 or IPv6; a bare address is a single host) into out.
 * -1 with a message naming the bad entry in msg on error. */
int proxy_parse(const char *spec, proxy_list *out, char *msg, size_t msg_size);

/* Whether peer (AF_INET or AF_INET6; an IPv4-mapped IPv6 address counts as IPv4) lies in a
 * trusted range. */
bool proxy_trusted(const proxy_list *l, const struct sockaddr *peer);

/* The one source of a request's client address. peer: the socket's peer (NULL:
 * "unknown"); xff: the X-Forwarded-For header lines in the order received (nxff of them,
 * may be 0). Writes the address as text (canonical: inet_ntop of the parsed bytes, an
 * IPv4-mapped IPv6 address as IPv4) into out. The peer when it is not trusted; else the
 * right-most entry that is not trusted. A malformed entry ends the walk (what lies left of
 * it was written by the client): the address is then the last trusted hop's, as it is when
 * every entry examined is trusted. */
void proxy_client(const proxy_list *l, const struct sockaddr *peer, const char *const *xff,
		  size_t nxff, char *out, size_t out_size);
