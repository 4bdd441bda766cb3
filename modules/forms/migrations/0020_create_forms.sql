-- Online forms with tracking (module forms, official platform only): the forms as versioned
-- data, the residents' files with their answers and attachments, the staff audit trail of
-- status changes and the message thread. No event carries any of it: these tables are read by
-- the resident's tracking page (through the hash of a private token) and by staff only.
CREATE TABLE form_versions (
	id bigserial PRIMARY KEY,
	service text NOT NULL CHECK (service ~ '^[a-z0-9-]{2,48}$'),
	version integer NOT NULL CHECK (version > 0),
	definition jsonb NOT NULL,
	created_by bigint REFERENCES accounts (id) ON DELETE SET NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	published_at timestamptz,
	is_current boolean NOT NULL DEFAULT false,
	UNIQUE (service, version),
	CHECK (NOT is_current OR published_at IS NOT NULL)
);
COMMENT ON TABLE form_versions IS
	'each save of a form is a new version; publishing makes one the current version of its service';
CREATE UNIQUE INDEX form_versions_current ON form_versions (service) WHERE is_current;

CREATE TABLE form_files (
	id bigserial PRIMARY KEY,
	ref text NOT NULL UNIQUE CHECK (ref ~ '^D-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$'),
	service text NOT NULL,
	version_id bigint NOT NULL REFERENCES form_versions (id),
	answers jsonb NOT NULL,
	status text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'incomplete',
		'in_progress', 'ready', 'refused', 'closed')),
	tracking_sha256 text NOT NULL UNIQUE CHECK (tracking_sha256 ~ '^[0-9a-f]{64}$'),
	submit_key text NOT NULL UNIQUE,
	contact_kind text CHECK (contact_kind IN ('phone', 'email')),
	contact text,
	notify_consent boolean NOT NULL DEFAULT false,
	notified_status text,
	notified_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	decided_at timestamptz,
	CHECK ((contact IS NULL) = (contact_kind IS NULL)),
	CHECK (contact IS NOT NULL OR NOT notify_consent)
);
COMMENT ON COLUMN form_files.tracking_sha256 IS
	'SHA-256 of the private tracking token shown once to the resident; the token is never stored';
COMMENT ON COLUMN form_files.submit_key IS
	'the one-time key of the form the file came from: a replayed form is refused';
COMMENT ON COLUMN form_files.notify_consent IS
	'the resident agreed to be notified of each change at contact (sent by a later notifier)';
COMMENT ON COLUMN form_files.notified_status IS
	'the last status the notifier told the resident about (NULL: none yet); notified_at when';
COMMENT ON COLUMN form_files.decided_at IS
	'the first time the file became ready or refused: the public figures'' decision time';
-- the agents' queue: newest first by id, filtered by service and/or status (keyset paging)
CREATE INDEX form_files_service_status ON form_files (service, status, id);
CREATE INDEX form_files_service ON form_files (service, id);
CREATE INDEX form_files_status ON form_files (status, id);
CREATE INDEX form_files_decided ON form_files (service) INCLUDE (created_at, decided_at)
	WHERE decided_at IS NOT NULL;

CREATE TABLE form_messages (
	id bigserial PRIMARY KEY,
	file_id bigint NOT NULL REFERENCES form_files (id) ON DELETE CASCADE,
	author text NOT NULL CHECK (author IN ('resident', 'staff')),
	account_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
	body text NOT NULL,
	submit_key text UNIQUE,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX form_messages_file ON form_messages (file_id, id);

CREATE TABLE form_attachments (
	id bigserial PRIMARY KEY,
	file_id bigint NOT NULL REFERENCES form_files (id) ON DELETE CASCADE,
	field text NOT NULL,
	message_id bigint REFERENCES form_messages (id) ON DELETE CASCADE,
	media_type text NOT NULL CHECK (media_type IN ('application/pdf', 'image/jpeg')),
	size integer NOT NULL,
	sha256 text NOT NULL,
	bytes bytea NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE form_attachments IS
	'residents'' documents: PDFs checked by content, images re-encoded without metadata; staff only';
CREATE INDEX form_attachments_file ON form_attachments (file_id, id);

CREATE TABLE form_status_changes (
	id bigserial PRIMARY KEY,
	file_id bigint NOT NULL REFERENCES form_files (id) ON DELETE CASCADE,
	status text NOT NULL,
	detail jsonb NOT NULL DEFAULT '{}',
	author text NOT NULL CHECK (author IN ('resident', 'staff')),
	account_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
	at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE form_status_changes IS
	'the staff audit trail and the resident''s history: every status with when and who (account_id; residents never see it)';
CREATE INDEX form_status_changes_file ON form_status_changes (file_id, id);
