/* The client's address behind a trusted front (serve --trusted-proxy, http/proxy.c): the
 * ranges parsed and checked at start, and the X-Forwarded-For walk — from an untrusted
 * peer the header is ignored; from a trusted one the client is the right-most entry not
 * itself trusted; a malformed entry ends the walk at the last trusted hop; IPv6, ports,
 * several header lines and a long spoofed chain. No database. */
#include "testutil.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "http/proxy.h"

/* A peer address as libmicrohttpd gives it. */
typedef union peer {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
} peer;

static peer peer_of(const char *text)
{
	peer p;
	memset(&p, 0, sizeof p);
	if (inet_pton(AF_INET, text, &p.v4.sin_addr) == 1) {
		p.v4.sin_family = AF_INET;
	} else {
		assert_int_equal(inet_pton(AF_INET6, text, &p.v6.sin6_addr), 1);
		p.v6.sin6_family = AF_INET6;
	}
	return p;
}

static proxy_list list_of(const char *spec)
{
	proxy_list l;
	char msg[200] = "";
	assert_int_equal(proxy_parse(spec, &l, msg, sizeof msg), 0);
	return l;
}

/* The address resolved for a request from peer_text with these header lines. */
static const char *resolve(const proxy_list *l, const char *peer_text, size_t n,
			   const char *const *xff)
{
	static char out[PROXY_ADDR_MAX];
	peer p = peer_of(peer_text);
	proxy_client(l, &p.sa, xff, n, out, sizeof out);
	return out;
}

#define ONE(s)                                                                                     \
	1, (const char *const[])                                                                   \
	{                                                                                          \
		s                                                                                  \
	}

static void test_parse_accepts_ipv4_ipv6_and_bare_hosts(void **state)
{
	(void)state;
	proxy_list l = list_of("127.0.0.1/32, 10.0.0.0/8,::1/128,fd00::/8,192.168.1.7,0.0.0.0/0");
	assert_int_equal(l.n, 6);
	assert_int_equal(l.range[4].prefix, 32); /* a bare address is one host */
	peer p = peer_of("10.200.3.4");
	assert_true(proxy_trusted(&l, &p.sa));
	l = list_of("fd00::/8");
	p = peer_of("fd12:3456::1");
	assert_true(proxy_trusted(&l, &p.sa));
	p = peer_of("fe80::1");
	assert_false(proxy_trusted(&l, &p.sa));
	p = peer_of("10.0.0.1"); /* families do not mix */
	assert_false(proxy_trusted(&l, &p.sa));
}

static void test_parse_refuses_with_a_message_naming_the_entry(void **state)
{
	(void)state;
	static const struct {
		const char *spec, *says;
	} bad[] = {
		{"", "CIDR[,CIDR...]"},
		{"10.0.0.0/33", "\"10.0.0.0/33\": the prefix length must be 0..32"},
		{"::/129", "must be 0..128"},
		{"10.0.0.0/", "prefix length"},
		{"10.0.0.0/-1", "prefix length"},
		{"10.0.0.0/8x", "prefix length"},
		{"10.0.0.0/00008", "prefix length"},
		{"10.1.0.0/8", "\"10.1.0.0/8\" has address bits set past its /8 prefix"},
		{"fd00::1/8", "bits set"},
		{"127.0.0.1/32,,::1", "empty entry"},
		{"127.0.0.1/32,", "empty entry"},
		{"localhost", "\"localhost\" is not an IPv4 or IPv6"},
		{"10.0.0.0/8,1.2.3", "\"1.2.3\""},
		{"fe80::1%eth0", "not an IPv4 or IPv6"},
		{"::ffff:10.0.0.0/90", "96..128"},
		{"1111111111111111111111111111111111111111111111111111111111111111111111", "bytes"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		proxy_list l;
		char msg[200] = "";
		assert_int_equal(proxy_parse(bad[i].spec, &l, msg, sizeof msg), -1);
		if (!strstr(msg, bad[i].says) || strncmp(msg, "--trusted-proxy: ", 17))
			fail_msg("%s: %s", bad[i].spec, msg);
		assert_int_equal(l.n, 0);
	}
	/* At most PROXY_MAX_RANGES ranges. */
	char many[PROXY_MAX_RANGES * 16 + 16] = "";
	for (int i = 0; i <= PROXY_MAX_RANGES; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "%s10.0.%d.0/24",
			 i ? "," : "", i);
	proxy_list l;
	char msg[200];
	assert_int_equal(proxy_parse(many, &l, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "at most"));
}

static void test_untrusted_peer_header_is_ignored(void **state)
{
	(void)state;
	proxy_list none = {.n = 0};
	assert_string_equal(resolve(&none, "127.0.0.1", ONE("203.0.113.9")), "127.0.0.1");
	proxy_list l = list_of("10.0.0.0/8");
	/* A client pretending to be somebody else, or to be the front. */
	assert_string_equal(resolve(&l, "198.51.100.7", ONE("203.0.113.9")), "198.51.100.7");
	assert_string_equal(resolve(&l, "198.51.100.7", ONE("10.0.0.1")), "198.51.100.7");
	assert_string_equal(resolve(&l, "2001:db8::7", ONE("203.0.113.9")), "2001:db8::7");
}

static void test_trusted_peer_gives_the_forwarded_client(void **state)
{
	(void)state;
	proxy_list l = list_of("127.0.0.1/32");
	assert_string_equal(resolve(&l, "127.0.0.1", ONE("203.0.113.9")), "203.0.113.9");
	assert_string_equal(resolve(&l, "127.0.0.1", ONE(" \t203.0.113.9 \t")), "203.0.113.9");
	/* No header: the peer. */
	assert_string_equal(resolve(&l, "127.0.0.1", 0, NULL), "127.0.0.1");
	assert_string_equal(resolve(&l, "127.0.0.1", ONE("")), "127.0.0.1");
	/* IPv6 clients, written canonically whatever the spelling. */
	assert_string_equal(resolve(&l, "127.0.0.1", ONE("2001:DB8:0:0::1")), "2001:db8::1");
	assert_string_equal(resolve(&l, "127.0.0.1", ONE("[2001:db8::1]:4431")), "2001:db8::1");
	assert_string_equal(resolve(&l, "127.0.0.1", ONE("[2001:db8::2]")), "2001:db8::2");
	/* An IPv4 client with a port; an IPv4-mapped one as IPv4. */
	assert_string_equal(resolve(&l, "127.0.0.1", ONE("203.0.113.9:51234")), "203.0.113.9");
	assert_string_equal(resolve(&l, "127.0.0.1", ONE("::ffff:203.0.113.9")), "203.0.113.9");
	/* An IPv6 front, and a mapped peer on a dual-stack socket matching an IPv4 range. */
	proxy_list v6 = list_of("fd00::/8");
	assert_string_equal(resolve(&v6, "fd00::5", ONE("198.51.100.1")), "198.51.100.1");
	assert_string_equal(resolve(&l, "::ffff:127.0.0.1", ONE("198.51.100.1")), "198.51.100.1");
	proxy_list none = {.n = 0};
	assert_string_equal(resolve(&none, "::ffff:127.0.0.1", 0, NULL), "127.0.0.1");
}

static void test_walk_from_the_right_past_trusted_hops(void **state)
{
	(void)state;
	proxy_list l = list_of("127.0.0.1/32,10.0.0.0/8,fd00::/8");
	/* client → 10.1.1.1 (an inner front) → 127.0.0.1 (HAProxy) → yiwang. */
	assert_string_equal(resolve(&l, "127.0.0.1", ONE("203.0.113.9, 10.1.1.1")), "203.0.113.9");
	assert_string_equal(resolve(&l, "127.0.0.1", ONE("2001:db8::9,fd00::3,10.1.1.1")),
			    "2001:db8::9");
	/* A spoofed chain: whatever the client wrote left of its real address is not read. */
	assert_string_equal(resolve(&l, "127.0.0.1", ONE("1.1.1.1, 10.9.9.9, 198.51.100.4")),
			    "198.51.100.4");
	assert_string_equal(resolve(&l, "127.0.0.1", ONE("garbage, 1.1.1.1, 198.51.100.4")),
			    "198.51.100.4");
	/* Every entry trusted: the left-most of them (nobody outside is named). */
	assert_string_equal(resolve(&l, "127.0.0.1", ONE("10.0.0.5, 10.0.0.6")), "10.0.0.5");
	/* Empty list elements carry nothing and are passed over. */
	assert_string_equal(resolve(&l, "127.0.0.1", ONE(",198.51.100.4 , ,")), "198.51.100.4");
}

static void test_several_header_lines_are_one_list(void **state)
{
	(void)state;
	proxy_list l = list_of("127.0.0.1/32");
	/* HAProxy's option forwardfor adds a header line of its own after the client's: the
	 * client's forged line comes first and is not the answer. */
	const char *const lines[] = {"6.6.6.6", "198.51.100.4"};
	assert_string_equal(resolve(&l, "127.0.0.1", 2, lines), "198.51.100.4");
	const char *const trusted_last[] = {"198.51.100.4, 127.0.0.1", "127.0.0.1"};
	assert_string_equal(resolve(&l, "127.0.0.1", 2, trusted_last), "198.51.100.4");
	const char *const with_null[] = {"198.51.100.4", NULL};
	assert_string_equal(resolve(&l, "127.0.0.1", 2, with_null), "198.51.100.4");
}

static void test_malformed_entry_ends_the_walk_at_the_last_trusted_hop(void **state)
{
	(void)state;
	proxy_list l = list_of("127.0.0.1/32,10.0.0.0/8");
	static const char *const garbage[] = {
		"unknown",
		"203.0.113",
		"203.0.113.9.1",
		"203.0.113.256",
		"203.0.113.9:",
		"203.0.113.9:123456",
		"203.0.113.9:80x",
		"[203.0.113.9]",
		"[2001:db8::1",
		"[2001:db8::1]x",
		"[2001:db8::1]:",
		"2001:db8::1%eth0",
		"hello world",
		"\x01\x02",
		"203.0.113.9;drop",
		"\"203.0.113.9\"",
		"1111111111111111111111111111111111111111111111111111111111111111111111111111",
	};
	for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
		const char *got = resolve(&l, "127.0.0.1", ONE(garbage[i]));
		if (strcmp(got, "127.0.0.1"))
			fail_msg("%s: %s", garbage[i], got);
		/* Behind an inner front the answer is that front; left of the garbage, a
		 * client's claims are not read. */
		char line[200];
		snprintf(line, sizeof line, "6.6.6.6, %s, 10.2.3.4", garbage[i]);
		got = resolve(&l, "127.0.0.1", ONE(line));
		if (strcmp(got, "10.2.3.4"))
			fail_msg("%s: %s", line, got);
	}
}

static void test_long_chains_are_bounded(void **state)
{
	(void)state;
	proxy_list l = list_of("10.0.0.0/8");
	/* 10 000 trusted hops: the walk stops after PROXY_MAX_HOPS at a trusted address. */
	size_t n = 10000 * 16 + 32;
	char *big = xmalloc(n);
	big[0] = '\0';
	size_t len = 0;
	len += (size_t)snprintf(big + len, n - len, "198.51.100.4");
	for (int i = 0; i < 10000; i++)
		len += (size_t)snprintf(big + len, n - len, ",10.0.%d.%d", i / 250, i % 250 + 1);
	const char *got = resolve(&l, "10.0.0.1", ONE(big));
	assert_string_not_equal(got, "198.51.100.4");
	assert_int_equal(strncmp(got, "10.0.", 5), 0);
	/* Within the bound the client is found. */
	len = (size_t)snprintf(big, n, "198.51.100.4");
	for (int i = 0; i < PROXY_MAX_HOPS - 1; i++)
		len += (size_t)snprintf(big + len, n - len, ",10.0.0.%d", i + 1);
	assert_string_equal(resolve(&l, "10.0.0.1", ONE(big)), "198.51.100.4");
	/* 160 kB of commas and spaces end without an answer from them. */
	memset(big, ',', n - 1);
	big[n - 1] = '\0';
	for (size_t i = 0; i < n - 1; i += 2)
		big[i] = ' ';
	assert_string_equal(resolve(&l, "10.0.0.1", ONE(big)), "10.0.0.1");
	free(big);
	/* Many header lines: the last PROXY_MAX_HEADERS are what the server keeps. */
	const char *lines[PROXY_MAX_HEADERS];
	for (size_t i = 0; i < PROXY_MAX_HEADERS; i++)
		lines[i] = "10.0.0.9";
	lines[0] = "198.51.100.4";
	assert_string_equal(resolve(&l, "10.0.0.1", PROXY_MAX_HEADERS, lines), "198.51.100.4");
}

static void test_output_fits_a_small_buffer_and_unknown_peer(void **state)
{
	(void)state;
	proxy_list l = list_of("127.0.0.1/32");
	char out[PROXY_ADDR_MAX];
	proxy_client(&l, NULL, NULL, 0, out, sizeof out);
	assert_string_equal(out, "unknown");
	struct sockaddr unix_like = {.sa_family = AF_UNIX};
	proxy_client(&l, &unix_like, NULL, 0, out, sizeof out);
	assert_string_equal(out, "unknown");
	assert_false(proxy_trusted(&l, NULL));
	assert_false(proxy_trusted(NULL, &unix_like));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_accepts_ipv4_ipv6_and_bare_hosts),
		cmocka_unit_test(test_parse_refuses_with_a_message_naming_the_entry),
		cmocka_unit_test(test_untrusted_peer_header_is_ignored),
		cmocka_unit_test(test_trusted_peer_gives_the_forwarded_client),
		cmocka_unit_test(test_walk_from_the_right_past_trusted_hops),
		cmocka_unit_test(test_several_header_lines_are_one_list),
		cmocka_unit_test(test_malformed_entry_ends_the_walk_at_the_last_trusted_hop),
		cmocka_unit_test(test_long_chains_are_bounded),
		cmocka_unit_test(test_output_fits_a_small_buffer_and_unknown_peer),
	};
	return cmocka_run_group_tests_name("proxy", tests, NULL, NULL);
}
