#include "engine/calendar.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/mem.h"

/* Days are counted from 1970-01-01 in China Standard Time, which has no DST, so a local
 * date is a plain division of (ms + 8 h) and every day is exactly 24 h long. */
#define DAY_MS INT64_C(86400000)
#define MIN_MS INT64_C(60000)
#define OFFSET_MS INT64_C(28800000)
/* 1970-01-01 .. 9999-12-31 as day numbers: MAX_DAY is days_from_civil(9999, 12, 31),
 * asserted in calendar_new. */
#define MAX_DAY INT64_C(2932896)
/* The first and the one-past-last instant the calendar covers. */
#define RANGE_START_MS (-OFFSET_MS)
#define RANGE_END_MS ((MAX_DAY + 1) * DAY_MS - OFFSET_MS)

struct override {
	int64_t day;
	bool workday;
	char *name;
};

struct calendar {
	int start_min, end_min;
	struct override *ov; /* sorted by day, no day twice */
	size_t n, cap;
};

/* Howard Hinnant's civil-date algorithms, as in core/clock.c, for day numbers. */
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

/* Exactly "YYYY-MM-DD" with a real date in 1970..9999: "2026-1-1" and 2026-02-30 are not
 * dates an admin meant, so they are refused rather than normalised. */
static int parse_ymd(const char *s, int64_t *day)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	int d = (s[8] - '0') * 10 + (s[9] - '0');
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap))
		return -1;
	*day = days_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

/* Monday–Friday; day 0, 1970-01-01, was a Thursday. */
static bool is_weekday(int64_t day)
{
	int64_t dow = ((day + 3) % 7 + 7) % 7; /* 0 Monday .. 6 Sunday */
	return dow < 5;
}

/* The index of the first override on or after day. */
static size_t lower_bound(const calendar *c, int64_t day)
{
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->ov[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool is_workday(const calendar *c, int64_t day)
{
	size_t i = lower_bound(c, day);
	if (i < c->n && c->ov[i].day == day)
		return c->ov[i].workday;
	return is_weekday(day);
}

/* Working days in [d0, d1): five per whole week, the rest counted, then each override in
 * the range corrects the weekday rule, so the cost is the overrides, not the days. */
static int64_t count_workdays(const calendar *c, int64_t d0, int64_t d1)
{
	if (d1 <= d0)
		return 0;
	int64_t weeks = (d1 - d0) / 7, n = weeks * 5;
	for (int64_t d = d0 + weeks * 7; d < d1; d++)
		n += is_weekday(d);
	for (size_t i = lower_bound(c, d0); i < c->n && c->ov[i].day < d1; i++) {
		bool usual = is_weekday(c->ov[i].day);
		if (c->ov[i].workday && !usual)
			n++;
		else if (!c->ov[i].workday && usual)
			n--;
	}
	return n;
}

/* Stores an override, replacing the one of the same day; takes ownership of name. */
static void put(calendar *c, int64_t day, bool workday, char *name)
{
	size_t i = lower_bound(c, day);
	if (i < c->n && c->ov[i].day == day) {
		free(c->ov[i].name);
		c->ov[i].workday = workday;
		c->ov[i].name = name;
		return;
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 32;
		c->ov = xrealloc(c->ov, c->cap * sizeof *c->ov);
	}
	memmove(c->ov + i + 1, c->ov + i, (c->n - i) * sizeof *c->ov);
	c->ov[i] = (struct override){day, workday, name};
	c->n++;
}

static void free_overrides(calendar *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->ov[i].name);
	free(c->ov);
	c->ov = NULL;
	c->n = c->cap = 0;
}

/* Why a holiday's name is unacceptable, or NULL. The same rules as the API's text fields
 * (RFC 3629 UTF-8, no C0/C1 controls), kept here so the calendar needs nothing from api/. */
static const char *name_problem(const char *s)
{
	size_t chars = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned b = *p, len, cp, min;
		if (b < 0x20 || b == 0x7f)
			return "含有控制字符";
		if (b < 0x80) {
			p++;
			chars++;
			continue;
		} else if ((b & 0xE0) == 0xC0) {
			len = 2, cp = b & 0x1F, min = 0x80;
		} else if ((b & 0xF0) == 0xE0) {
			len = 3, cp = b & 0x0F, min = 0x800;
		} else if ((b & 0xF8) == 0xF0) {
			len = 4, cp = b & 0x07, min = 0x10000;
		} else {
			return "不是有效的 UTF-8";
		}
		for (unsigned i = 1; i < len; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return "不是有效的 UTF-8";
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return "不是有效的 UTF-8";
		if (cp >= 0x80 && cp <= 0x9F)
			return "含有控制字符";
		p += len;
		chars++;
	}
	_Static_assert(CALENDAR_NAME_MAX == 50, "the message below names the limit");
	if (chars > CALENDAR_NAME_MAX)
		return "过长（最多 50 个字符）";
	return NULL;
}

calendar *calendar_new(int work_start_min, int work_end_min)
{
	if (work_start_min < 0 || work_start_min >= work_end_min || work_end_min > 1440)
		return NULL;
	assert(days_from_civil(9999, 12, 31) == MAX_DAY);
	calendar *c = xcalloc(1, sizeof *c);
	c->start_min = work_start_min;
	c->end_min = work_end_min;
	return c;
}

calendar *calendar_copy(const calendar *c)
{
	calendar *d = calendar_new(c->start_min, c->end_min);
	if (c->n) {
		d->ov = xmalloc(c->n * sizeof *d->ov);
		d->n = d->cap = c->n;
		for (size_t i = 0; i < c->n; i++)
			d->ov[i] = (struct override){c->ov[i].day, c->ov[i].workday,
						     xstrdup(c->ov[i].name)};
	}
	return d;
}

void calendar_free(calendar *c)
{
	if (!c)
		return;
	free_overrides(c);
	free(c);
}

void calendar_hours(const calendar *c, int *work_start_min, int *work_end_min)
{
	*work_start_min = c->start_min;
	*work_end_min = c->end_min;
}

int calendar_set_day(calendar *c, const char *ymd, bool workday, const char *name, err *e)
{
	int64_t day;
	if (parse_ymd(ymd, &day) < 0)
		return err_set(e, ERR_INVALID, "invalid_date", "date",
			       "日期 %s 无效（应为 1970–9999 年的 YYYY-MM-DD）", ymd ? ymd : "");
	const char *problem = name ? name_problem(name) : NULL;
	if (problem)
		return err_set(e, ERR_INVALID, "invalid_text", "name", "名称%s", problem);
	put(c, day, workday, xstrdup(name ? name : ""));
	return 0;
}

void calendar_clear_day(calendar *c, const char *ymd)
{
	int64_t day;
	if (parse_ymd(ymd, &day) < 0)
		return;
	size_t i = lower_bound(c, day);
	if (i >= c->n || c->ov[i].day != day)
		return;
	free(c->ov[i].name);
	memmove(c->ov + i, c->ov + i + 1, (c->n - i - 1) * sizeof *c->ov);
	c->n--;
}

static int64_t local_day(int64_t ms)
{
	/* Floor division, so instants before the epoch fall on the right date. */
	int64_t local = ms + OFFSET_MS, day = local / DAY_MS;
	return local % DAY_MS < 0 ? day - 1 : day;
}

bool calendar_is_workday_ms(const calendar *c, int64_t ms)
{
	if (ms > INT64_MAX - OFFSET_MS)
		ms = INT64_MAX - OFFSET_MS;
	return is_workday(c, local_day(ms));
}

int calendar_day_minutes(const calendar *c)
{
	return c->end_min - c->start_min;
}

static int64_t add_natural(int64_t start_ms, int64_t minutes)
{
	int64_t dur, end;
	if (__builtin_mul_overflow(minutes, MIN_MS, &dur) ||
	    __builtin_add_overflow(start_ms, dur, &end) || end > RANGE_END_MS)
		return CALENDAR_NEVER;
	return end;
}

int64_t calendar_add(const calendar *c, int64_t start_ms, int64_t minutes, bool working)
{
	if (minutes <= 0)
		return start_ms;
	if (!working)
		return add_natural(start_ms, minutes);
	if (minutes > INT64_MAX / MIN_MS || start_ms >= RANGE_END_MS)
		return CALENDAR_NEVER;
	/* No office hours exist before the calendar's first day. */
	if (start_ms < RANGE_START_MS)
		start_ms = RANGE_START_MS;
	int64_t left = minutes * MIN_MS;
	int64_t open = c->start_min * MIN_MS, close = c->end_min * MIN_MS;
	int64_t per_day = close - open, per_week = 5 * per_day;
	int64_t local = start_ms + OFFSET_MS, day = local / DAY_MS, tod = local % DAY_MS;

	/* The start's own day counts only from the start (or the opening) to closing. */
	size_t i = lower_bound(c, day);
	bool first_work = i < c->n && c->ov[i].day == day ? c->ov[i].workday : is_weekday(day);
	if (first_work && tod < close) {
		int64_t from = tod > open ? tod : open;
		if (left <= close - from)
			return day * DAY_MS + from + left - OFFSET_MS;
		left -= close - from;
	}
	/* Then whole days. Seven days without an override always hold five working days,
	 * so the weeks between overrides are skipped in one step; single days are walked
	 * only near overrides and in the last week or two, so 15 working days across a
	 * golden week cost a few dozen steps and decades cost a few per override. */
	for (day++;;) {
		if (day > MAX_DAY)
			return CALENDAR_NEVER;
		while (i < c->n && c->ov[i].day < day)
			i++;
		int64_t next = i < c->n ? c->ov[i].day : MAX_DAY + 1;
		int64_t weeks = (left - 1) / per_week, clear = (next - day) / 7;
		if (weeks > clear)
			weeks = clear;
		if (weeks > 0) {
			day += weeks * 7;
			left -= weeks * per_week;
			continue;
		}
		bool work = i < c->n && c->ov[i].day == day ? c->ov[i].workday : is_weekday(day);
		if (work && left <= per_day)
			return day * DAY_MS + open + left - OFFSET_MS;
		if (work)
			left -= per_day;
		day++;
	}
}

/* Office time inside [a, b) of one day, both as ms after local midnight. */
static int64_t office_overlap(const calendar *c, int64_t a, int64_t b)
{
	int64_t open = c->start_min * MIN_MS, close = c->end_min * MIN_MS;
	if (a < open)
		a = open;
	if (b > close)
		b = close;
	return b > a ? b - a : 0;
}

int64_t calendar_elapsed(const calendar *c, int64_t from_ms, int64_t to_ms, bool working)
{
	if (to_ms <= from_ms)
		return 0;
	if (!working)
		return (int64_t)(((uint64_t)to_ms - (uint64_t)from_ms) / (uint64_t)MIN_MS);
	if (from_ms < RANGE_START_MS)
		from_ms = RANGE_START_MS;
	if (to_ms > RANGE_END_MS)
		to_ms = RANGE_END_MS;
	if (to_ms <= from_ms)
		return 0;
	int64_t lf = from_ms + OFFSET_MS, lt = to_ms + OFFSET_MS;
	int64_t d0 = lf / DAY_MS, t0 = lf % DAY_MS, d1 = lt / DAY_MS, t1 = lt % DAY_MS;
	if (d0 == d1)
		return is_workday(c, d0) ? office_overlap(c, t0, t1) / MIN_MS : 0;
	/* Partial first and last days in ms (under two days, so no overflow), whole days in
	 * minutes; each whole day is a whole number of minutes, so flooring once is exact. */
	int64_t ms = 0;
	if (is_workday(c, d0))
		ms += office_overlap(c, t0, DAY_MS);
	if (is_workday(c, d1))
		ms += office_overlap(c, 0, t1);
	return count_workdays(c, d0 + 1, d1) * calendar_day_minutes(c) + ms / MIN_MS;
}

/* ---- CSV ---- */

/* Splits one line into fields written NUL-terminated into buf (at least len + 1 bytes):
 * commas separate, spaces around a field are dropped, a field may be double-quoted with
 * "" for a quote (as spreadsheets write them). Keeps the first max fields and says in
 * *extra whether any later one has text. Returns the field count, -1 on a broken quote. */
static int split_fields(const char *s, size_t len, char *buf, char **fields, int max, bool *extra)
{
	*extra = false;
	size_t i = 0;
	int nf = 0;
	char *out = buf;
	for (;;) {
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		char *field = out;
		if (i < len && s[i] == '"') {
			for (i++;; i++) {
				if (i >= len)
					return -1;
				if (s[i] == '"') {
					if (i + 1 < len && s[i + 1] == '"')
						*out++ = s[i++];
					else
						break;
				} else {
					*out++ = s[i];
				}
			}
			i++;
			while (i < len && (s[i] == ' ' || s[i] == '\t'))
				i++;
			if (i < len && s[i] != ',')
				return -1;
		} else {
			while (i < len && s[i] != ',')
				*out++ = s[i++];
			while (out > field && (out[-1] == ' ' || out[-1] == '\t'))
				out--;
		}
		*out++ = '\0';
		if (nf < max)
			fields[nf] = field;
		else if (*field)
			*extra = true;
		nf++;
		if (i >= len)
			return nf;
		i++; /* the comma */
	}
}

static int parse_kind(const char *s, bool *workday)
{
	if (strcasecmp(s, "holiday") == 0 || strcmp(s, "休") == 0)
		*workday = false;
	else if (strcasecmp(s, "workday") == 0 || strcmp(s, "班") == 0)
		*workday = true;
	else
		return -1;
	return 0;
}

/* Puts every override of src into c (src wins on the same day) in one merge, so a large
 * import costs the sum of the sizes; takes the names from src and leaves it empty. */
static void merge_into(calendar *c, calendar *src)
{
	size_t cap = c->n + src->n, n = 0, i = 0, j = 0;
	struct override *ov = xmalloc((cap ? cap : 1) * sizeof *ov);
	while (i < c->n || j < src->n) {
		if (j >= src->n || (i < c->n && c->ov[i].day < src->ov[j].day)) {
			ov[n++] = c->ov[i++];
		} else {
			if (i < c->n && c->ov[i].day == src->ov[j].day)
				free(c->ov[i++].name);
			ov[n++] = src->ov[j++];
		}
	}
	free(c->ov);
	c->ov = ov;
	c->n = n;
	c->cap = cap ? cap : 1;
	free(src->ov);
	src->ov = NULL;
	src->n = src->cap = 0;
}

int calendar_import_csv(calendar *c, const char *csv, err *e)
{
	/* Everything is parsed into a scratch calendar first, so a bad line leaves c as it
	 * was; the scratch one also finds a date given twice. */
	calendar tmp = {.start_min = c->start_min, .end_min = c->end_min};
	int *lines = NULL; /* the line each scratch override came from, by index */
	size_t lines_cap = 0;
	char *buf = NULL;
	size_t buf_cap = 0;
	const char *p = csv ? csv : "";
	if (strncmp(p, "\xEF\xBB\xBF", 3) == 0) /* Excel's UTF-8 BOM */
		p += 3;
	bool content_seen = false;
	int line = 0, rc = 0;
	while (*p) {
		line++;
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *next = nl ? nl + 1 : p + len;
		if (len && p[len - 1] == '\r')
			len--;
		const char *s = p;
		p = next;
		size_t lead = 0;
		while (lead < len && (s[lead] == ' ' || s[lead] == '\t'))
			lead++;
		if (lead == len || s[lead] == '#')
			continue;
		if (len + 1 > buf_cap) {
			buf_cap = len + 1;
			buf = xrealloc(buf, buf_cap);
		}
		char *f[3] = {0};
		bool extra;
		int nf = split_fields(s, len, buf, f, 3, &extra);
		if (nf < 0) {
			rc = err_set(e, ERR_INVALID, "invalid_csv", "csv", "第 %d 行：引号不完整",
				     line);
			break;
		}
		bool header = !content_seen &&
			      (strcasecmp(f[0], "date") == 0 || strcmp(f[0], "日期") == 0);
		content_seen = true;
		if (header)
			continue;
		if (nf < 2) {
			rc = err_set(e, ERR_INVALID, "invalid_csv", "csv",
				     "第 %d 行：应为“日期,类型,名称”", line);
			break;
		}
		if (extra) {
			/* Spreadsheets pad rows with empty cells; text there is a mistake. */
			rc = err_set(e, ERR_INVALID, "invalid_csv", "csv",
				     "第 %d 行：列数过多，应为“日期,类型,名称”", line);
			break;
		}
		int64_t day;
		bool workday;
		if (parse_ymd(f[0], &day) < 0) {
			rc = err_set(e, ERR_INVALID, "invalid_csv", "csv",
				     "第 %d 行：日期 %s 无效（应为 1970–9999 年的 YYYY-MM-DD）",
				     line, f[0]);
			break;
		}
		if (parse_kind(f[1], &workday) < 0) {
			rc = err_set(e, ERR_INVALID, "invalid_csv", "csv",
				     "第 %d 行：类型 %s 无效（应为 holiday、workday、休 或 班）",
				     line, f[1]);
			break;
		}
		const char *name = nf >= 3 ? f[2] : "";
		const char *problem = name_problem(name);
		if (problem) {
			rc = err_set(e, ERR_INVALID, "invalid_csv", "csv", "第 %d 行：名称%s", line,
				     problem);
			break;
		}
		size_t at = lower_bound(&tmp, day);
		if (at < tmp.n && tmp.ov[at].day == day) {
			rc = err_set(e, ERR_INVALID, "invalid_csv", "csv",
				     "第 %d 行：日期 %s 与第 %d 行重复", line, f[0], lines[at]);
			break;
		}
		put(&tmp, day, workday, xstrdup(name));
		if (tmp.n > lines_cap) {
			lines_cap = tmp.cap;
			lines = xrealloc(lines, lines_cap * sizeof *lines);
		}
		memmove(lines + at + 1, lines + at, (tmp.n - 1 - at) * sizeof *lines);
		lines[at] = line;
	}
	free(buf);
	free(lines);
	if (rc < 0) {
		free_overrides(&tmp);
		return -1;
	}
	int count = (int)tmp.n;
	merge_into(c, &tmp);
	return count;
}

size_t calendar_override_count(const calendar *c)
{
	return c->n;
}

int calendar_override_at(const calendar *c, size_t i, char ymd[11], bool *workday,
			 const char **name)
{
	if (i >= c->n)
		return -1;
	int y;
	unsigned m, d;
	civil_from_days(c->ov[i].day, &y, &m, &d);
	/* Years are 1970..9999, so this is always 10 characters. */
	ymd[0] = (char)('0' + y / 1000);
	ymd[1] = (char)('0' + y / 100 % 10);
	ymd[2] = (char)('0' + y / 10 % 10);
	ymd[3] = (char)('0' + y % 10);
	ymd[4] = '-';
	ymd[5] = (char)('0' + m / 10);
	ymd[6] = (char)('0' + m % 10);
	ymd[7] = '-';
	ymd[8] = (char)('0' + d / 10);
	ymd[9] = (char)('0' + d % 10);
	ymd[10] = '\0';
	if (workday)
		*workday = c->ov[i].workday;
	if (name)
		*name = c->ov[i].name;
	return 0;
}
