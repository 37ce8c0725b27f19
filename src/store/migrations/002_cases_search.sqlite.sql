-- Full-text search over cases with the CJK tokenizer (bigrams and unigrams).
CREATE VIRTUAL TABLE fts_case USING fts5(body, tokenize = 'yw_cjk');
