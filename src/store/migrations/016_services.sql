-- 便民服务 (docs/services.md): the catalogue of service items per level, the modes each
-- station offers, the requests (a case of kind 'service_request', numbers FW...; the
-- station is the owning region, the holder is the station or the hall it was sent to) and
-- the enterprise service approvals (营商环境, 引导代办).

-- A service item of the catalogue. materials: a JSON array of strings; modes: a JSON
-- array of "immediate", "accompanied", "proxy". Time limits in working days.
CREATE TABLE svc_items (
	id @ID@,
	name TEXT NOT NULL,
	level TEXT NOT NULL CHECK (level IN ('county', 'township', 'village')),
	category TEXT NOT NULL,
	description TEXT,
	applicants TEXT,
	materials TEXT NOT NULL DEFAULT '[]',
	fees TEXT,
	legal_days INTEGER NOT NULL DEFAULT 0,
	promised_days INTEGER NOT NULL DEFAULT 0,
	kind TEXT NOT NULL CHECK (kind IN ('immediate', 'promised')),
	modes TEXT NOT NULL DEFAULT '[]',
	unit_id BIGINT REFERENCES units (id),
	active INTEGER NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX svc_items_name ON svc_items (level, name);

-- The modes a station (a village, community or township unit) offers for an item. A
-- station without rows for an item offers the item's modes as the catalogue says.
CREATE TABLE svc_station_items (
	unit_id BIGINT NOT NULL REFERENCES units (id),
	item_id BIGINT NOT NULL REFERENCES svc_items (id),
	modes TEXT NOT NULL,
	PRIMARY KEY (unit_id, item_id)
);

-- The government service hall (政务服务中心) of a county: where proxy requests go.
CREATE TABLE svc_halls (
	unit_id BIGINT PRIMARY KEY REFERENCES units (id),
	region_id BIGINT NOT NULL UNIQUE REFERENCES units (id)
);

CREATE TABLE svc_requests (
	case_id BIGINT PRIMARY KEY REFERENCES cases (id),
	item_id BIGINT NOT NULL REFERENCES svc_items (id),
	mode TEXT NOT NULL CHECK (mode IN ('immediate', 'accompanied', 'proxy')),
	applicant_name TEXT NOT NULL,
	applicant_phone TEXT NOT NULL,
	id_number TEXT,
	station_id BIGINT NOT NULL REFERENCES units (id),
	station_level TEXT NOT NULL,
	hall_id BIGINT REFERENCES units (id),
	-- 委托 and 受理
	entrusted_at BIGINT,
	materials_checked TEXT NOT NULL DEFAULT '[]',
	missing TEXT,
	corrections INTEGER NOT NULL DEFAULT 0,
	-- 陪办
	appointment_at BIGINT,
	companion TEXT,
	-- 办理, 送达, 归档, 上报, 回访
	sent_at BIGINT,
	result TEXT,
	completed_at BIGINT,
	done_at BIGINT,
	due_at BIGINT,
	on_time INTEGER,
	archived_at BIGINT,
	reported_at BIGINT,
	revisited_at BIGINT,
	revisit_notes TEXT,
	-- 好差评 and the complaint a 差评 opens
	rating INTEGER CHECK (rating BETWEEN 1 AND 5),
	rating_at BIGINT,
	complaint_due_at BIGINT,
	complaint_answer TEXT,
	answered_at BIGINT,
	rectified_at BIGINT,
	complaint_urges INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX svc_requests_station ON svc_requests (station_id);
CREATE INDEX svc_requests_hall ON svc_requests (hall_id);

-- 营商环境: an enterprise's approvals handled step by step for it. project_id names a
-- project of the investment register when there is one (a plain integer: that register
-- is another module's).
CREATE TABLE svc_enterprise (
	id @ID@,
	enterprise TEXT NOT NULL,
	project_id BIGINT,
	unit_id BIGINT NOT NULL REFERENCES units (id),
	county_id BIGINT NOT NULL REFERENCES units (id),
	contact TEXT,
	created_by BIGINT REFERENCES users (id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX svc_enterprise_county ON svc_enterprise (county_id);

CREATE TABLE svc_enterprise_steps (
	id @ID@,
	enterprise_id BIGINT NOT NULL REFERENCES svc_enterprise (id),
	seq INTEGER NOT NULL,
	name TEXT NOT NULL,
	unit_name TEXT,
	status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'in_progress', 'done')),
	started_at BIGINT,
	due_at BIGINT,
	done_at BIGINT,
	note TEXT
);
CREATE INDEX svc_enterprise_steps_of ON svc_enterprise_steps (enterprise_id, seq);
