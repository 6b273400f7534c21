-- cascadeguard: allow cascade-drop rebuilt empty
DROP TABLE projects;
-- cascadeguard: allow nosuch
