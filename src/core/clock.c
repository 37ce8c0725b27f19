#include "core/clock.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static _Atomic int64_t overridden;

void clock_override(int64_t ms)
{
	overridden = ms;
}

int64_t clock_now_ms(void)
{
	int64_t o = overridden;
	if (o)
		return o;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

enum { CST_OFFSET_S = 8 * 3600 };

/* Days from civil date, Howard Hinnant's algorithm: independent of the process's TZ. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp + (mp < 10 ? 3 : -9);
	*y = (int)(yy + (*m <= 2));
}

void clock_format_iso(int64_t ms, char *buf, size_t n)
{
	int64_t local = ms + (int64_t)CST_OFFSET_S * 1000;
	int64_t secs = local >= 0 ? local / 1000 : (local - 999) / 1000;
	int milli = (int)(local - secs * 1000);
	int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	int sod = (int)(secs - days * 86400);
	int y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999 || n < 30) {
		snprintf(buf, n, "%04d-%02u-%02uT%02d:%02d:%02d.%03d+08:00", y, m, d, sod / 3600,
			 sod / 60 % 60, sod % 60, milli);
		return;
	}
	/* By hand: responses format several times per row, and snprintf dominated. */
	int f[7] = {y, (int)m, (int)d, sod / 3600, sod / 60 % 60, sod % 60, milli};
	static const int width[7] = {4, 2, 2, 2, 2, 2, 3};
	static const char after[7] = {'-', '-', 'T', ':', ':', '.', '+'};
	char *p = buf;
	for (int i = 0; i < 7; i++) {
		for (int w = width[i] - 1, v = f[i]; w >= 0; w--, v /= 10)
			p[w] = (char)('0' + v % 10);
		p += width[i];
		*p++ = after[i];
	}
	memcpy(p, "08:00", 6);
}

static int digits(const char **p, int count, int *out)
{
	int v = 0;
	for (int i = 0; i < count; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += count;
	*out = v;
	return 0;
}

int clock_parse_iso(const char *s, int64_t *ms)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, milli = 0;
	if (!s || digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
	    digits(&p, 2, &d))
		return -1;
	int offset_s = CST_OFFSET_S;
	if (*p == 'T' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec))
				return -1;
			if (*p == '.') {
				p++;
				int nd = 0;
				while (isdigit((unsigned char)*p)) {
					if (nd < 3)
						milli = milli * 10 + (*p - '0');
					nd++;
					p++;
				}
				if (nd == 0)
					return -1;
				for (; nd < 3; nd++)
					milli *= 10;
			}
		}
		if (*p == 'Z') {
			offset_s = 0;
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
			if (digits(&p, 2, &oh))
				return -1;
			if (*p == ':') {
				p++;
				if (digits(&p, 2, &om))
					return -1;
			} else if (*p && digits(&p, 2, &om)) {
				return -1;
			}
			if (oh > 14 || om > 59)
				return -1;
			offset_s = sign * (oh * 3600 + om * 60);
		}
	}
	if (*p)
		return -1;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1900 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
	    mi > 59 || sec > 60)
		return -1;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo == 2 && d == 29 && !leap)
		return -1;
	int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
	int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - offset_s;
	/* The instant must fall in 1900..9999 in China too, as clock_format_iso writes it:
	 * "1900-01-01T00:00+14:00" is 1899 here and would not read back. */
	int64_t local = secs + CST_OFFSET_S;
	if (local < days_from_civil(1900, 1, 1) * 86400 ||
	    local >= (days_from_civil(9999, 12, 31) + 1) * 86400)
		return -1;
	*ms = secs * 1000 + milli;
	return 0;
}
