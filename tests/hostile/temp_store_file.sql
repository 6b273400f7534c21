-- Move temporary data to disk.
PRAGMA temp_store = FILE;
