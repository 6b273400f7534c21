-- Four more tables hang off projects.
CREATE TABLE secrets (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  value BLOB NOT NULL
);
CREATE TABLE webhooks (id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE, url TEXT NOT NULL);
CREATE TABLE api_keys (id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE);
CREATE TABLE usage_daily (
  project_id TEXT NOT NULL,
  day TEXT NOT NULL,
  requests INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (project_id, day),
  CONSTRAINT fk_usage_project FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE
);
-- An audit trail keeps its rows but loses the link.
CREATE TABLE audit_events (
  id INTEGER PRIMARY KEY,
  project_id TEXT REFERENCES projects(id) ON DELETE SET NULL,
  what TEXT NOT NULL
);
