-- Mesh service store, version 1 (service/store/postgres; docs/scaling.md).
-- Runs with search_path set to the store's schema.

-- The account registry (protocol.md §4.2): one row per bound account.
CREATE TABLE accounts (
    profile_udf     text        PRIMARY KEY,
    names           text[]      NOT NULL DEFAULT '{}',
    profile         bytea,
    host_assignment bytea,
    created         timestamptz NOT NULL
);

-- The callsign registry: lower-cased account names.
CREATE TABLE account_names (
    name        text PRIMARY KEY,
    profile_udf text NOT NULL REFERENCES accounts ON DELETE CASCADE
);
CREATE INDEX account_names_profile_udf ON account_names (profile_udf);

-- The head row of each container: the number of entries and the Merkle
-- state of protocol.ContainerTree (peaks concatenated, largest first, and
-- the digest). Appends lock it (FOR UPDATE), which serialises them per
-- container across every node.
CREATE TABLE containers (
    profile_udf text   NOT NULL REFERENCES accounts ON DELETE CASCADE,
    container   text   NOT NULL,
    count       bigint NOT NULL CHECK (count >= 0),
    peaks       bytea  NOT NULL,
    digest      bytea,
    PRIMARY KEY (profile_udf, container)
);

-- The entries, numbered from 0 in each container. The primary key makes a
-- duplicate index impossible; the head row's lock makes them contiguous.
-- Hash-partitioned by account so that vacuum, indexes and an account's
-- deletion touch one partition.
CREATE TABLE entries (
    profile_udf text   NOT NULL,
    container   text   NOT NULL,
    idx         bigint NOT NULL CHECK (idx >= 0),
    envelope    bytea  NOT NULL,
    envelope_id text,
    PRIMARY KEY (profile_udf, container, idx)
) PARTITION BY HASH (profile_udf);

DO $$
BEGIN
    FOR i IN 0..15 LOOP
        EXECUTE format('CREATE TABLE entries_p%s PARTITION OF entries FOR VALUES WITH (MODULUS 16, REMAINDER %s)', i, i);
        -- Envelopes are encrypted: do not try to compress them.
        EXECUTE format('ALTER TABLE entries_p%s ALTER COLUMN envelope SET STORAGE EXTERNAL', i);
    END LOOP;
END
$$;

-- Find: the entry last appended with an EnvelopeID.
CREATE INDEX entries_envelope_id ON entries (profile_udf, container, envelope_id, idx)
    WHERE envelope_id IS NOT NULL;
