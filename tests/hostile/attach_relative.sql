-- A relative path lands in the hook's working directory.
ATTACH 'relative.db' AS x;
CREATE TABLE x.t (a);
