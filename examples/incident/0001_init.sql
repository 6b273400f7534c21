-- The schema of a small project-management app on Cloudflare D1.
CREATE TABLE projects (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE tasks (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  title TEXT NOT NULL
);

-- A grandchild: rows go when their task goes.
CREATE TABLE task_logs (
  id INTEGER PRIMARY KEY,
  task_id TEXT NOT NULL,
  line TEXT,
  FOREIGN KEY (task_id) REFERENCES tasks (id) ON DELETE CASCADE
);

CREATE TABLE project_members (
  project_id TEXT NOT NULL REFERENCES projects ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  PRIMARY KEY (project_id, user_id)
);

CREATE TABLE environments (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES "Projects" (id) ON DELETE CASCADE,
  name TEXT NOT NULL
);

CREATE TABLE "Deploy Keys" (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES [projects] (id) ON DELETE CASCADE
);
