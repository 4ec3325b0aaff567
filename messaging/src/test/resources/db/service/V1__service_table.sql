-- A service's own migration, for OutboxSchemaTest.
CREATE TABLE shares (share_id bigint PRIMARY KEY);
