-- Keys of the applications that may file reports through the Open311 GeoReport v2 API
-- (POST /open311/v2/requests.json, citizen side). Only the SHA-256 of a key is stored: the key
-- itself is printed once by `citizen-srv open311 key add NAME`. docs/api.md, "Open311".
CREATE TABLE open311_keys (
	id bigserial PRIMARY KEY,
	name text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
	key_sha256 text NOT NULL UNIQUE CHECK (key_sha256 ~ '^[0-9a-f]{64}$'),
	created_at timestamptz NOT NULL DEFAULT now(),
	revoked_at timestamptz,
	last_used_at timestamptz
);
COMMENT ON TABLE open311_keys IS 'Open311 API keys (hashed); a revoked key is kept so its name stays taken';
COMMENT ON COLUMN open311_keys.key_sha256 IS 'hex SHA-256 of the key; the key is shown once and never stored';
