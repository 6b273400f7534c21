-- Fill the heap with statements that each fit, then ask for more: the
-- tool's own queries (the cascade graph before DROP) must not turn this
-- into a crash or an internal error.
CREATE TABLE p (id INTEGER PRIMARY KEY);
CREATE TABLE c (p INTEGER REFERENCES p ON DELETE CASCADE, b BLOB);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
INSERT INTO c SELECT NULL, randomblob(1000000) FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
INSERT INTO c SELECT NULL, randomblob(1000000) FROM n;
DROP TABLE p;
