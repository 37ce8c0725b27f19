-- Open311 GeoReport v2 (docs/open311.md). Appeal categories are the services; a category
-- that needs extra facts (a heating complaint's indoor temperature, a leak's floor) has
-- attributes, which a request must answer and which are stored with the appeal
-- (appeals.attributes). What a request brings besides the appeal is kept beside it.

-- How a category appears as an Open311 service: realtime (the request's id is answered
-- at once) or batch (a token is answered, to be exchanged for the id), and its keywords.
-- A category without a row is a realtime service without keywords.
CREATE TABLE open311_services (
	category_id BIGINT PRIMARY KEY REFERENCES categories (id),
	type TEXT NOT NULL DEFAULT 'realtime' CHECK (type IN ('realtime', 'batch')),
	keywords TEXT
);

-- The attributes of a category's service definition. value_list holds the options of
-- list types as JSON [{"key","name"}]; sort is the definition's "order".
CREATE TABLE category_attributes (
	id @ID@,
	category_id BIGINT NOT NULL REFERENCES categories (id),
	code TEXT NOT NULL,
	datatype TEXT NOT NULL CHECK (datatype IN ('string', 'number', 'datetime', 'text',
	                                           'singlevaluelist', 'multivaluelist')),
	variable INTEGER NOT NULL DEFAULT 1,
	required INTEGER NOT NULL DEFAULT 0,
	description TEXT NOT NULL,
	datatype_description TEXT,
	sort INTEGER NOT NULL,
	value_list TEXT,
	UNIQUE (category_id, code)
);

-- One row per appeal that came in through Open311: the partner's key, the batch token
-- (when the service is batch) and the request's fields that have no place in appeals.
-- email, device_id and account_id are personal data and never leave through Open311.
CREATE TABLE open311_requests (
	case_id BIGINT PRIMARY KEY REFERENCES cases (id),
	api_key_id BIGINT NOT NULL REFERENCES api_keys (id),
	token TEXT UNIQUE,
	address_id TEXT,
	media_url TEXT,
	email TEXT,
	device_id TEXT,
	account_id TEXT
);
CREATE INDEX open311_requests_key ON open311_requests (api_key_id);
