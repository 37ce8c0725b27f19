#include "reviews/review_score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const rule_words[] = {"minmax", "rank_points", "bands", "value"};

int review_rule_parse(const char *word)
{
	for (int i = 0; word && i < 4; i++)
		if (!strcmp(word, rule_words[i]))
			return i;
	return -1;
}

const char *review_rule_word(enum review_rule r)
{
	return rule_words[r];
}

double review_round2(double v)
{
	return round(v * 100.0) / 100.0;
}

/* Whether a is better than b under the direction. */
static bool better(double a, double b, bool lower_better)
{
	return lower_better ? a < b : a > b;
}

static double minmax(const struct review_rule_def *r, const double *raw, const bool *has, size_t n,
		     double v)
{
	double lo = 0, hi = 0;
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		if (!has[i])
			continue;
		if (!any || raw[i] < lo)
			lo = raw[i];
		if (!any || raw[i] > hi)
			hi = raw[i];
		any = true;
	}
	if (hi - lo < 1e-12)
		return 100;
	return r->lower_better ? 100 * (hi - v) / (hi - lo) : 100 * (v - lo) / (hi - lo);
}

static double rank_points(const struct review_rule_def *r, const double *raw, const bool *has,
			  size_t n, double v)
{
	size_t m = 0, ahead = 0;
	for (size_t i = 0; i < n; i++) {
		if (!has[i])
			continue;
		m++;
		ahead += better(raw[i], v, r->lower_better);
	}
	return m <= 1 ? 100 : 100.0 * (double)(m - 1 - ahead) / (double)(m - 1);
}

static int band_cmp_desc(const void *a, const void *b)
{
	double x = ((const struct review_band *)a)->at, y = ((const struct review_band *)b)->at;
	return x < y ? 1 : x > y ? -1 : 0;
}

static double banded(const struct review_rule_def *r, double v)
{
	struct review_band b[REVIEW_BANDS_MAX];
	size_t n = r->nbands < REVIEW_BANDS_MAX ? r->nbands : REVIEW_BANDS_MAX;
	memcpy(b, r->bands, n * sizeof *b);
	qsort(b, n, sizeof *b, band_cmp_desc);
	if (r->lower_better) {
		for (size_t i = n; i-- > 0;)
			if (v <= b[i].at)
				return b[i].score;
	} else {
		for (size_t i = 0; i < n; i++)
			if (v >= b[i].at)
				return b[i].score;
	}
	return 0;
}

void review_score_column(const struct review_rule_def *r, const double *raw, const bool *has,
			 size_t n, double *score)
{
	for (size_t i = 0; i < n; i++) {
		double s = 0;
		if (has[i]) {
			switch (r->rule) {
			case REVIEW_MINMAX: s = minmax(r, raw, has, n, raw[i]); break;
			case REVIEW_RANK_POINTS: s = rank_points(r, raw, has, n, raw[i]); break;
			case REVIEW_BANDS: s = banded(r, raw[i]); break;
			case REVIEW_VALUE: s = raw[i]; break;
			}
		}
		score[i] = review_round2(s);
	}
}

double review_total(const double *scores, const double *weights, size_t k)
{
	double sum = 0, w = 0;
	for (size_t j = 0; j < k; j++) {
		sum += weights[j] * scores[j];
		w += weights[j];
	}
	return w > 0 ? review_round2(sum / w) : 0;
}

void review_rank(const double *totals, size_t n, int *rank)
{
	/* n is a scheme's units (hundreds): the quadratic count is simpler than a sort that
	 * must then map back, and fast enough. */
	for (size_t i = 0; i < n; i++) {
		int ahead = 0;
		for (size_t j = 0; j < n; j++)
			ahead += totals[j] > totals[i];
		rank[i] = ahead + 1;
	}
}

const char *review_grade(double total, const double thresholds[REVIEW_GRADES])
{
	static const char *const grades[] = {"A", "B", "C", "D", "E"};
	for (int g = 0; g < REVIEW_GRADES; g++)
		if (total >= thresholds[g])
			return grades[g];
	return grades[REVIEW_GRADES];
}
