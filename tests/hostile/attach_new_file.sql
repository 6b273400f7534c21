-- Create a file on the server through ATTACH (the test checks @TMP@/attached.db never appears).
ATTACH '@TMP@/attached.db' AS x;
CREATE TABLE x.t (a);
