CREATE TABLE t (a);
PRAGMA writable_schema=ON;
UPDATE sqlite_master SET sql = 'CREATE TABLE t (a, b)' WHERE name = 't';
