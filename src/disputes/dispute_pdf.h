/* The mediation agreement (人民调解协议书) as a PDF, drawn with libharu in an embedded
 * CJK TrueType font. */
#ifndef YW_DISPUTE_PDF_H
#define YW_DISPUTE_PDF_H
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "org/actor.h"
#include "store/store.h"

/* The agreement of dispute id for who: 404 when who may not read the dispute or before an
 * agreement exists; 503 when the server has no CJK TrueType font (YIWANG_PDF_FONT names
 * one, else the Debian fonts-arphic-uming, fonts-wqy-zenhei or fonts-droid-fallback
 * files). *data is a heap buffer; number receives the agreement's number. */
int dispute_agreement_pdf(store_conn *c, const actor *who, int64_t id, char **data, size_t *len,
			  char *number, size_t number_size, err *e);

#endif
