-- Write the database to a file on the server.
CREATE TABLE leak (secret TEXT);
VACUUM INTO '@TMP@/vacuumed.db';
