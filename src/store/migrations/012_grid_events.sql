-- 社区治理 grid events (docs/grid.md "Events"): an event a grid member finds is a case of
-- kind 'grid_event' (numbers WG...). The case keeps the description (cases.content), the
-- status, created_at, closed_at, the overall time limit (finish_due_at: on time means
-- closed_at <= finish_due_at), the grid as owning region (region_id) and the holding unit
-- (handler_id); what only events have lives here, keyed by case_id.

-- The classes of events and components (GB/T 30428: 事件 and 部件), an editable tree.
-- Each step has its time limit in working minutes on the working-day calendar: filing or
-- resolving on the spot after the report, dispatching after filing, handling (the reply)
-- after dispatch, verifying after the reply.
CREATE TABLE grid_categories (
	id @ID@,
	parent_id BIGINT REFERENCES grid_categories (id),
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('event', 'component')),
	file_minutes INTEGER NOT NULL DEFAULT 60,
	dispatch_minutes INTEGER NOT NULL DEFAULT 120,
	handle_minutes INTEGER NOT NULL DEFAULT 1080,
	verify_minutes INTEGER NOT NULL DEFAULT 240,
	active INTEGER NOT NULL DEFAULT 1,
	sort INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX grid_categories_parent ON grid_categories (parent_id, sort);

INSERT INTO grid_categories (code, name, kind, sort) VALUES ('E01', '市容环境', 'event', 1);
INSERT INTO grid_categories (code, name, kind, sort) VALUES ('E02', '宣传广告', 'event', 2);
INSERT INTO grid_categories (code, name, kind, sort) VALUES ('E03', '施工管理', 'event', 3);
INSERT INTO grid_categories (code, name, kind, sort, dispatch_minutes, handle_minutes)
	VALUES ('E04', '突发事件', 'event', 4, 30, 240);
INSERT INTO grid_categories (code, name, kind, sort) VALUES ('E05', '街面秩序', 'event', 5);
INSERT INTO grid_categories (code, name, kind, sort) VALUES ('E06', '其他', 'event', 6);
INSERT INTO grid_categories (code, name, kind, sort) VALUES ('C01', '公用设施', 'component', 7);
INSERT INTO grid_categories (code, name, kind, sort) VALUES ('C02', '道路交通', 'component', 8);
INSERT INTO grid_categories (code, name, kind, sort) VALUES ('C03', '市容环境设施', 'component', 9);

INSERT INTO grid_categories (parent_id, code, name, kind, sort)
	SELECT id, 'E0101', '暴露垃圾', 'event', 1 FROM grid_categories WHERE code = 'E01';
INSERT INTO grid_categories (parent_id, code, name, kind, sort)
	SELECT id, 'E0102', '积存垃圾渣土', 'event', 2 FROM grid_categories WHERE code = 'E01';
INSERT INTO grid_categories (parent_id, code, name, kind, sort)
	SELECT id, 'E0103', '道路不洁', 'event', 3 FROM grid_categories WHERE code = 'E01';
INSERT INTO grid_categories (parent_id, code, name, kind, sort)
	SELECT id, 'E0201', '非法小广告', 'event', 1 FROM grid_categories WHERE code = 'E02';
INSERT INTO grid_categories (parent_id, code, name, kind, sort)
	SELECT id, 'E0202', '违章张贴悬挂广告牌匾', 'event', 2 FROM grid_categories WHERE code = 'E02';
INSERT INTO grid_categories (parent_id, code, name, kind, sort)
	SELECT id, 'E0301', '施工扰民', 'event', 1 FROM grid_categories WHERE code = 'E03';
INSERT INTO grid_categories (parent_id, code, name, kind, sort)
	SELECT id, 'E0302', '施工废弃料', 'event', 2 FROM grid_categories WHERE code = 'E03';
INSERT INTO grid_categories (parent_id, code, name, kind, sort, dispatch_minutes, handle_minutes)
	SELECT id, 'E0401', '路面塌陷', 'event', 1, 30, 240 FROM grid_categories WHERE code = 'E04';
INSERT INTO grid_categories (parent_id, code, name, kind, sort, dispatch_minutes, handle_minutes)
	SELECT id, 'E0402', '自来水管破裂', 'event', 2, 30, 240 FROM grid_categories WHERE code = 'E04';
INSERT INTO grid_categories (parent_id, code, name, kind, sort)
	SELECT id, 'E0501', '无照经营游商', 'event', 1 FROM grid_categories WHERE code = 'E05';
INSERT INTO grid_categories (parent_id, code, name, kind, sort)
	SELECT id, 'E0502', '占道经营', 'event', 2 FROM grid_categories WHERE code = 'E05';
INSERT INTO grid_categories (parent_id, code, name, kind, sort)
	SELECT id, 'E0503', '机动车乱停放', 'event', 3 FROM grid_categories WHERE code = 'E05';
INSERT INTO grid_categories (parent_id, code, name, kind, sort)
	SELECT id, 'C0101', '井盖', 'component', 1 FROM grid_categories WHERE code = 'C01';
INSERT INTO grid_categories (parent_id, code, name, kind, sort)
	SELECT id, 'C0102', '消防栓', 'component', 2 FROM grid_categories WHERE code = 'C01';
INSERT INTO grid_categories (parent_id, code, name, kind, sort)
	SELECT id, 'C0103', '路灯', 'component', 3 FROM grid_categories WHERE code = 'C01';
INSERT INTO grid_categories (parent_id, code, name, kind, sort)
	SELECT id, 'C0201', '公交站亭', 'component', 1 FROM grid_categories WHERE code = 'C02';
INSERT INTO grid_categories (parent_id, code, name, kind, sort)
	SELECT id, 'C0202', '交通信号灯', 'component', 2 FROM grid_categories WHERE code = 'C02';
INSERT INTO grid_categories (parent_id, code, name, kind, sort)
	SELECT id, 'C0203', '护栏', 'component', 3 FROM grid_categories WHERE code = 'C02';
INSERT INTO grid_categories (parent_id, code, name, kind, sort)
	SELECT id, 'C0301', '垃圾箱', 'component', 1 FROM grid_categories WHERE code = 'C03';
INSERT INTO grid_categories (parent_id, code, name, kind, sort)
	SELECT id, 'C0302', '公共厕所', 'component', 2 FROM grid_categories WHERE code = 'C03';
INSERT INTO grid_categories (parent_id, code, name, kind, sort)
	SELECT id, 'C0303', '绿地护栏', 'component', 3 FROM grid_categories WHERE code = 'C03';

CREATE TABLE grid_events (
	case_id BIGINT PRIMARY KEY REFERENCES cases (id),
	grid_id BIGINT NOT NULL REFERENCES units (id), -- the grid unit where it was found
	category_id BIGINT NOT NULL REFERENCES grid_categories (id),
	address TEXT,
	lat REAL,
	lon REAL,
	reporter_id BIGINT NOT NULL REFERENCES users (id),
	on_spot INTEGER NOT NULL DEFAULT 0,	 -- resolved on the spot (即时处置)
	valid INTEGER NOT NULL DEFAULT 1,	 -- 0 when the station rejects it as invalid
	rework_count INTEGER NOT NULL DEFAULT 0,  -- failed verifications (返工)
	escalation_count INTEGER NOT NULL DEFAULT 0,
	verified_by BIGINT REFERENCES users (id),
	verified_at BIGINT,
	-- the command post in charge: the grid's community station, or the township or
	-- district post it was escalated to
	post_id BIGINT NOT NULL REFERENCES units (id),
	unit_id BIGINT REFERENCES units (id),	  -- the unit it was last dispatched to
	replied_by BIGINT REFERENCES users (id),  -- who gave the last reply
	filed_at BIGINT,
	-- the step now running (file, dispatch, handle, verify) with its start and limit;
	-- NULL once the event is closed
	step TEXT,
	step_started_at BIGINT,
	step_warn_at BIGINT, -- 80% of the step's working minutes used: the light turns yellow
	step_due_at BIGINT,
	converted_case_id BIGINT REFERENCES cases (id) -- the appeal or dispute it became
);
CREATE INDEX grid_events_grid ON grid_events (grid_id);
CREATE INDEX grid_events_step_due ON grid_events (step_due_at);

-- Photos of an event: before (as found) and after (handled).
CREATE TABLE grid_event_photos (
	id @ID@,
	case_id BIGINT NOT NULL REFERENCES cases (id),
	kind TEXT NOT NULL CHECK (kind IN ('before', 'after')),
	file TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size INTEGER NOT NULL,
	uploaded_by BIGINT REFERENCES users (id),
	created_at BIGINT NOT NULL
);
CREATE INDEX grid_event_photos_case ON grid_event_photos (case_id, id);
