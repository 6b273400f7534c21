-- Without the pragma, DEFENSIVE still refuses edits of sqlite_master.
CREATE TABLE t (a);
UPDATE sqlite_master SET sql = 'CREATE TABLE t (a, b)' WHERE name = 't';
