/* Scoring a scorecard (docs/reviews.md "Scoring"): pure functions over one indicator's
 * column of raw values, the weighted totals, shared ranks and grades. No I/O. */
#ifndef YW_REVIEW_SCORE_H
#define YW_REVIEW_SCORE_H
#include <stdbool.h>
#include <stddef.h>

enum review_rule { REVIEW_MINMAX, REVIEW_RANK_POINTS, REVIEW_BANDS, REVIEW_VALUE };

enum { REVIEW_BANDS_MAX = 16, REVIEW_GRADES = 4 };

/* A band: a value at least `at` (at most, when lower is better) scores `score`. */
struct review_band {
	double at, score;
};

struct review_rule_def {
	enum review_rule rule;
	bool lower_better;
	struct review_band bands[REVIEW_BANDS_MAX];
	size_t nbands;
};

/* The rule of a word ("minmax", "rank_points", "bands", "value"); -1 when unknown. */
int review_rule_parse(const char *word);
const char *review_rule_word(enum review_rule r);

/* Scores of one column: raw[i] where has[i]. A unit without a value scores 0 and takes no
 * part in the others' scores. minmax: 0..100 between the worst and the best value (all
 * equal: 100 each); rank_points: 100 * (m - rank) / (m - 1) among the m units with a
 * value, equal values sharing the better rank (m = 1: 100); bands: the score of the
 * first band the value reaches (the bands taken from the highest `at` down, or from the
 * lowest up when lower is better; none reached: 0); value: the value itself. Scores are
 * rounded to 2 decimals. */
void review_score_column(const struct review_rule_def *r, const double *raw, const bool *has,
			 size_t n, double *score);

/* sum(weight * score) / sum(weight), rounded to 2 decimals (0 when no weight). */
double review_total(const double *scores, const double *weights, size_t k);

/* Ranks of totals, highest first; equal totals share a rank and the next rank skips
 * (1, 1, 3). */
void review_rank(const double *totals, size_t n, int *rank);

/* "A" when total >= thresholds[0], "B" >= [1], "C" >= [2], "D" >= [3], else "E". */
const char *review_grade(double total, const double thresholds[REVIEW_GRADES]);

/* Rounded to 2 decimals. */
double review_round2(double v);

#endif
