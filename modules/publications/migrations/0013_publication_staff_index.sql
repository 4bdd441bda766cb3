-- The staff lists (each kind's own items, the last changed first) a page at a time: their order
-- from an index instead of a sort of every item of the kind (docs/performance-reports.md).
CREATE INDEX publications_own ON publications (origin, kind, updated_at DESC, id DESC);
