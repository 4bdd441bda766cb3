-- The public figures of each service of the catalogue, as the official platform computed them
-- and both platforms show them: one row per service key, written by the official job and by
-- the citizen platform's applier of "service.figures" (aggregates only, never a file or a
-- booking).
CREATE TABLE service_figures (
	service text PRIMARY KEY CHECK (service ~ '^[a-z][a-z0-9-]{1,47}$'),
	figures jsonb NOT NULL CHECK (jsonb_typeof(figures) = 'object'),
	updated_at timestamptz NOT NULL
);
